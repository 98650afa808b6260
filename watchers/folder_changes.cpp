#include "watchers/folder_changes.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "watchers/inotify_events.hpp"
#include "watchers/inotify_watches.hpp"

namespace driftless::watchers {

namespace asio = boost::asio;

namespace {

bool is_folder(const std::string& path, unsigned char type) {
    if (type == DT_DIR) return true;
    if (type != DT_UNKNOWN) return false;   // some file systems do not say: ask
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// `folder` and the folders below it, symlinks not followed, until `out`
// holds `limit` folders. False when some were left out.
bool walk_folders(const std::string& folder, std::size_t limit, std::vector<std::string>& out) {
    if (out.size() >= limit) return false;
    DIR* d = ::opendir(folder.c_str());
    if (d == nullptr) return true;   // gone, or unreadable: its parent's events still say when that changes
    out.push_back(folder);
    std::vector<std::string> below;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        const std::string path = folder + "/" + name;
        if (is_folder(path, e->d_type)) below.push_back(path);
    }
    ::closedir(d);
    bool complete = true;
    for (const auto& b : below) complete = walk_folders(b, limit, out) && complete;
    return complete;
}

bool under(const std::string& path, const std::string& root) {
    return path.size() >= root.size() && path.compare(0, root.size(), root) == 0 &&
           (path.size() == root.size() || path[root.size()] == '/');
}

}  // namespace

// The handlers given to events_ point into this impl: events_->stop() (in
// stop(), which the folder_changes's destructor calls) ends them first.
class folder_changes::impl {
public:
    impl(asio::any_io_executor executor, folder_changes_options options, callback on_change)
        : options_(options), on_change_(std::move(on_change)) {
        inotify_events::handlers h;
        h.event = [this](const inotify_event& e) { return on_event(e); };
        h.read_done = [this] {
            if (std::exchange(walk_, false)) rewalk();
        };
        h.burst = [this] {
            ++stats_.calls;
            on_change_();
        };
        h.failed = [this](const std::string& why) {
            spdlog::warn("build contexts: reading inotify events failed ({}); their changes are seen at the next "
                         "resync only",
                         why);
            watches_.clear();
        };
        events_ = std::make_shared<inotify_events>(std::move(executor), options.quiet, options.max_delay, std::move(h));
        if (const auto why = events_->open(); !why.empty())
            spdlog::warn("build contexts: cannot use inotify ({}); their changes are seen at the next resync only",
                         why);
    }

    void watch(const std::set<std::string>& roots) {
        if (stopped_ || !events_->is_open()) return;
        bool fresh = false;
        const auto removed = std::erase_if(roots_, [&](const auto& kv) { return !roots.contains(kv.first); });
        for (const auto& r : roots) {
            auto [it, inserted] = roots_.try_emplace(r);
            if (inserted) {
                it->second.version = ++next_version_;
                fresh = true;
            }
        }
        // Called after every pass: the same roots cost nothing, except one
        // that was not a folder yet (its creation is watched only when the
        // folder above it is there).
        const bool missing = std::any_of(roots_.begin(), roots_.end(), [](const auto& kv) { return kv.second.missing; });
        if (!fresh && removed == 0 && !missing) return;
        const bool found = rewalk();
        if (!reading_) {
            reading_ = true;
            events_->read();
        }
        if (fresh || found) events_->note();
    }

    std::optional<std::uint64_t> version(const std::string& root) const {
        const auto it = roots_.find(root);
        if (!events_->is_open() || it == roots_.end() || !it->second.complete) return std::nullopt;
        return it->second.version;
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        events_->stop();   // the kernel drops every watch with the instance
        watches_.clear();
        roots_.clear();
    }

    [[nodiscard]] folder_changes_stats stats() const {
        folder_changes_stats s = stats_;
        s.watches = watches_.size();
        s.roots = roots_.size();
        for (const auto& [root, r] : roots_) s.incomplete += r.complete ? 0 : 1;
        s.inotify = events_->is_open();
        return s;
    }

private:
    struct root_state {
        std::uint64_t version = 0;
        bool complete = false;   // every folder below it is watched
        bool missing = false;    // not a folder when last walked
        bool warned = false;
    };

    // Walks every root again and makes the watches match. Folders created
    // since are watched; a file written in one before its watch existed is
    // found by the read the caller does after on_change, which is still to
    // come (every walk follows an event that notes one). True when a root
    // that was not a folder is one now.
    bool rewalk() {
        bool found = false;
        std::vector<watch_target> targets;
        std::vector<std::string> folders;
        std::map<std::string, bool> within_limit;
        for (auto& [root, r] : roots_) {
            const std::size_t before = folders.size();
            within_limit[root] = walk_folders(root, options_.max_watches, folders);
            for (std::size_t i = before; i < folders.size(); ++i) targets.push_back({folders[i], true, {}, true});
            // The root's own entry, and each symlink on its path, from the
            // folder holding it: git-sync re-points `current` by a rename
            // that nothing inside the old tree sees.
            for (auto& t : watch_targets(root, {}, false)) targets.push_back(std::move(t));
            // A root that is not a folder: nothing is watched, nothing to version.
            const bool missing = folders.size() == before && within_limit[root];
            found = found || (r.missing && !missing);
            r.missing = missing;
            if (r.missing) within_limit[root] = false;
        }
        const auto result = watches_.sync(events_->fd(), targets);
        for (auto& [root, r] : roots_) {
            bool complete = within_limit[root];
            for (const auto& f : result.unwatched) complete = complete && !under(f.string(), root);
            if (!complete && !r.missing && !r.warned) {
                if (!within_limit[root])
                    spdlog::warn("build context {}: more than {} folders to watch in all; changes in the folders "
                                 "left unwatched are seen at the next resync only",
                                 root, options_.max_watches);
                else
                    spdlog::warn("build context {}: the inotify watch limit is reached (sysctl "
                                 "fs.inotify.max_user_watches); changes in the folders left unwatched are seen at the "
                                 "next resync only",
                                 root);
            }
            r.warned = !complete && (r.warned || !r.missing);
            if (complete && !r.complete) r.version = ++next_version_;   // watched in full from now on
            r.complete = complete;
        }
        return found;
    }

    bool on_event(const inotify_event& event) {
        ++stats_.events;
        if (event.mask & IN_Q_OVERFLOW) {
            ++stats_.overflows;
            spdlog::warn("build contexts: the inotify queue overflowed; reading them all again");
            for (auto& [root, r] : roots_) r.version = ++next_version_;
            walk_ = true;
            return true;
        }
        if (!watches_.matters(event)) return false;
        // A folder came, went or was moved: the watches follow once this
        // read's events are handled.
        if (event.mask & (IN_ISDIR | IN_DELETE_SELF | IN_MOVE_SELF)) walk_ = true;
        if (const auto* folder = watches_.folder_of(event.wd)) {
            const std::string entry = event.len > 0 ? (*folder / event.name).string() : std::string();
            for (auto& [root, r] : roots_) {
                if (under(folder->string(), root)) {
                    r.version = ++next_version_;
                } else if (!entry.empty() && under(root, entry)) {
                    // The root, or a link on its path, came, went or was
                    // re-pointed: its tree is watched anew where it leads now.
                    r.version = ++next_version_;
                    walk_ = true;
                }
            }
        }
        return true;
    }

    folder_changes_options options_;
    callback on_change_;
    std::shared_ptr<inotify_events> events_;
    inotify_watches watches_;
    std::map<std::string, root_state> roots_;
    std::uint64_t next_version_ = 0;
    folder_changes_stats stats_;
    bool walk_ = false;
    bool reading_ = false;
    bool stopped_ = false;
};

folder_changes::folder_changes(asio::any_io_executor executor, folder_changes_options options, callback on_change)
    : impl_(std::make_unique<impl>(std::move(executor), options, std::move(on_change))) {}

folder_changes::~folder_changes() { impl_->stop(); }

void folder_changes::watch(const std::set<std::string>& roots) { impl_->watch(roots); }

std::optional<std::uint64_t> folder_changes::version(const std::string& root) const { return impl_->version(root); }

void folder_changes::stop() { impl_->stop(); }

folder_changes_stats folder_changes::stats() const { return impl_->stats(); }

}  // namespace driftless::watchers
