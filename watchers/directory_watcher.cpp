#include "watchers/directory_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <string>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "watchers/inotify_events.hpp"
#include "watchers/inotify_watches.hpp"

namespace driftless::watchers {

namespace asio = boost::asio;

// Handlers hold a shared_ptr to the impl, so one still queued when the
// directory_watcher is destroyed finds live state, sees `stopped_` and returns.
class directory_watcher::impl : public std::enable_shared_from_this<impl> {
public:
    impl(asio::any_io_executor executor, std::filesystem::path root, watcher_options options, callback on_change)
        : source_(std::move(root), options.source),
          options_(options),
          on_change_(std::move(on_change)),
          executor_(std::move(executor)),
          rescan_timer_(executor_) {}

    scan_result start() {
        open_inotify();
        if (events_->is_open()) {
            // Watch before the first scan, so a change made while it reads is
            // an event rather than lost.
            std::vector<scan_error> ignored;
            const document_tree tree = walk_documents(source_.root(), ignored, options_.source.walk);
            (void)sync_watches(tree.folders, tree.root_is_file);
        }
        scan_result first = source_.scan();
        if (sync_watches(source_.folders(), source_.root_is_file())) events_->note();
        last_errors_ = first.errors;
        if (events_->is_open()) events_->read();
        arm_rescan();
        return first;
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        rescan_timer_.cancel();
        if (events_) events_->stop();   // the kernel drops every watch with the instance
        watches_.clear();
    }

    [[nodiscard]] watcher_stats stats() const {
        watcher_stats s = stats_;
        s.watches = watches_.size();
        s.inotify = events_ && events_->is_open();
        return s;
    }

private:
    // The handlers point into this impl: events_->stop() (in stop(), which
    // the directory_watcher's destructor calls) ends them first.
    void open_inotify() {
        inotify_events::handlers h;
        h.event = [this](const inotify_event& e) { return on_event(e); };
        h.burst = [this] { scan_now(); };
        h.failed = [this](const std::string& why) {
            spdlog::warn("{}: reading inotify events failed ({}); changes are seen by the rescan only",
                         source_.root().generic_string(), why);
            watches_.clear();
        };
        events_ = std::make_shared<inotify_events>(executor_, options_.debounce, options_.max_delay, std::move(h));
        if (const auto why = events_->open(); !why.empty())
            spdlog::warn("{}: cannot use inotify ({}); changes are seen by the rescan every {} ms only",
                         source_.root().generic_string(), why, options_.rescan.count());
    }

    // Returns true when a folder got a new watch: a file written there
    // between the walk and the watch raised no event, so the caller scans
    // again.
    bool sync_watches(const std::vector<walked_folder>& folders, bool root_is_file) {
        if (!events_->is_open()) return false;
        const auto result = watches_.sync(events_->fd(), watch_targets(source_.root(), folders, root_is_file));
        if (result.limit_reached && !limit_warned_) {
            spdlog::warn("{}: the inotify watch limit is reached (sysctl fs.inotify.max_user_watches); "
                         "folders left unwatched are seen by the rescan every {} ms only",
                         source_.root().generic_string(), options_.rescan.count());
        }
        limit_warned_ = result.limit_reached;
        return result.added > 0;
    }

    bool on_event(const inotify_event& event) {
        ++stats_.events;
        if (event.mask & IN_Q_OVERFLOW) {
            ++stats_.overflows;
            spdlog::warn("{}: the inotify queue overflowed; rescanning", source_.root().generic_string());
        }
        if (watches_.matters(event)) return true;
        ++stats_.ignored_events;
        return false;
    }

    void arm_rescan() {
        if (options_.rescan.count() <= 0) return;
        rescan_timer_.expires_after(options_.rescan);
        rescan_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || self->stopped_) return;
            self->scan_now();
            if (!self->stopped_) self->arm_rescan();
        });
    }

    void scan_now() {
        ++stats_.scans;
        scan_result result = source_.scan();
        if (sync_watches(source_.folders(), source_.root_is_file())) events_->note();
        const bool errors_changed = result.errors != last_errors_;
        if (result.changes.empty() && !errors_changed) return;
        last_errors_ = result.errors;
        ++stats_.callbacks;
        on_change_(std::move(result.changes), std::move(result.errors));
    }

    directory_source source_;
    watcher_options options_;
    callback on_change_;
    asio::any_io_executor executor_;
    std::shared_ptr<inotify_events> events_;
    inotify_watches watches_;
    asio::steady_timer rescan_timer_;
    std::vector<scan_error> last_errors_;
    watcher_stats stats_;
    bool limit_warned_ = false;
    bool stopped_ = false;
};

directory_watcher::directory_watcher(asio::any_io_executor executor, std::filesystem::path root,
                                     watcher_options options, callback on_change)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(root), options, std::move(on_change))) {}

directory_watcher::~directory_watcher() { impl_->stop(); }

scan_result directory_watcher::start() { return impl_->start(); }

void directory_watcher::stop() { impl_->stop(); }

watcher_stats directory_watcher::stats() const { return impl_->stats(); }

}  // namespace driftless::watchers
