#include "watchers/inotify_watches.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <system_error>

namespace driftless::watchers {
namespace {

namespace fs = std::filesystem;

entry_type entry_type_of(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return errno == ENOENT ? entry_type::gone : entry_type::other;
    if (S_ISREG(st.st_mode)) return entry_type::regular;
    if (S_ISDIR(st.st_mode)) return entry_type::folder;
    if (S_ISLNK(st.st_mode)) return entry_type::symlink;
    return entry_type::other;
}

}  // namespace

// No IN_DONT_FOLLOW: a folder reached through a symlink is watched at its
// target, which is what the walk read. IN_ONLYDIR: a folder replaced by a
// file since the walk is not watched as if it were one.
const std::uint32_t watched_events = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                     IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR;

std::vector<watch_target> watch_targets(const fs::path& root, const std::vector<walked_folder>& folders,
                                        bool root_is_file) {
    std::vector<watch_target> targets;
    for (const auto& f : folders) targets.push_back({f.path, true, {}});

    std::error_code ec;
    fs::path abs = fs::absolute(root, ec).lexically_normal();
    if (ec) return targets;
    if (!abs.has_filename() && abs.has_relative_path()) abs = abs.parent_path();  // "a/b/" -> "a/b"
    if (root_is_file) targets.push_back({abs.parent_path(), true, {}});

    // The root's own entry and every symlink on its path, each watched from
    // the folder that holds it.
    fs::path prefix = abs.root_path();
    const fs::path relative = abs.relative_path();
    for (auto it = relative.begin(); it != relative.end(); ++it) {
        const fs::path next = prefix / *it;
        const bool last = std::next(it) == relative.end();
        if (last || entry_type_of(next) == entry_type::symlink) {
            targets.push_back({prefix, false, {it->string()}});
        }
        prefix = next;
    }
    return targets;
}

bool name_event_matters(std::uint32_t mask, std::string_view name, entry_type now) noexcept {
    if (is_editor_temp_name(name)) return false;
    // A dot folder is never walked; what matters in it is reached through a
    // symlink, whose own swap is the event to watch for.
    if (mask & IN_ISDIR) return is_walked_folder_name(name);
    if (is_document_name(name)) return true;
    switch (now) {
    case entry_type::regular:
    case entry_type::other:
        return false;  // a plain file that is not a document
    case entry_type::folder:
        return is_walked_folder_name(name);
    case entry_type::symlink:  // "..data" re-pointed, or a link to a folder
    case entry_type::gone:     // it may have been either
        return true;
    }
    return true;
}

inotify_watches::sync_result inotify_watches::sync(int fd, const std::vector<watch_target>& targets) {
    sync_result result;
    std::map<int, watch> next;
    for (const auto& t : targets) {
        const int wd = ::inotify_add_watch(fd, t.folder.c_str(), watched_events);
        if (wd < 0) {
            if (errno == ENOSPC) {
                result.limit_reached = true;
                result.unwatched.push_back(t.folder);
            }
            continue;
        }
        auto [it, inserted] = next.try_emplace(wd);
        if (inserted) {
            it->second.folder = t.folder;
            if (!watches_.contains(wd)) ++result.added;
        }
        it->second.all_names = it->second.all_names || t.all_names;
        it->second.every_event = it->second.every_event || t.every_event;
        it->second.names.insert(t.names.begin(), t.names.end());
    }
    for (const auto& [wd, w] : watches_) {
        // EINVAL when the kernel dropped it already (folder deleted): fine.
        if (!next.contains(wd)) ::inotify_rm_watch(fd, wd);
    }
    watches_ = std::move(next);
    return result;
}

bool inotify_watches::matters(const inotify_event& event) {
    if (event.mask & IN_Q_OVERFLOW) return true;
    auto it = watches_.find(event.wd);
    if (it == watches_.end()) return false;  // a watch removed since: its folder is no longer read
    if (event.mask & IN_IGNORED) {
        watches_.erase(it);
        return false;  // follows IN_DELETE_SELF / IN_UNMOUNT, or our own removal
    }
    if (event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) return true;
    const std::string_view name = event.len > 0 ? std::string_view(event.name) : std::string_view();
    const watch& w = it->second;
    if (w.every_event) return true;
    if (name.empty()) return w.all_names;  // about the folder itself (IN_ATTRIB: its permissions)
    if (w.names.contains(std::string(name))) return true;
    if (!w.all_names) return false;
    return name_event_matters(event.mask, name, entry_type_of(w.folder / fs::path(name)));
}

const std::filesystem::path* inotify_watches::folder_of(int wd) const noexcept {
    const auto it = watches_.find(wd);
    return it == watches_.end() ? nullptr : &it->second.folder;
}

}  // namespace driftless::watchers
