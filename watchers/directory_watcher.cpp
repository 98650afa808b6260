#include "watchers/directory_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "watchers/debounce.hpp"
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
          debounce_(options.debounce, options.max_delay),
          stream_(executor),
          debounce_timer_(executor),
          rescan_timer_(executor) {}

    scan_result start() {
        open_inotify();
        if (stream_.is_open()) {
            // Watch before the first scan, so a change made while it reads is
            // an event rather than lost.
            std::vector<scan_error> ignored;
            const document_tree tree = walk_documents(source_.root(), ignored, options_.source.walk);
            (void)sync_watches(tree.folders, tree.root_is_file);
        }
        scan_result first = source_.scan();
        if (sync_watches(source_.folders(), source_.root_is_file())) note_event();
        last_errors_ = first.errors;
        if (stream_.is_open()) read_events();
        arm_rescan();
        return first;
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        debounce_.reset();
        debounce_timer_.cancel();
        rescan_timer_.cancel();
        close_inotify();
    }

    [[nodiscard]] watcher_stats stats() const {
        watcher_stats s = stats_;
        s.watches = watches_.size();
        s.inotify = stream_.is_open();
        return s;
    }

private:
    void open_inotify() {
        const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) {
            spdlog::warn("{}: cannot use inotify ({}); changes are seen by the rescan every {} ms only",
                         source_.root().generic_string(), std::generic_category().message(errno),
                         options_.rescan.count());
            return;
        }
        boost::system::error_code ec;
        stream_.assign(fd, ec);
        if (ec) {
            ::close(fd);
            spdlog::warn("{}: cannot use inotify ({}); changes are seen by the rescan every {} ms only",
                         source_.root().generic_string(), ec.message(), options_.rescan.count());
        }
    }

    void close_inotify() {
        boost::system::error_code ignored;
        stream_.close(ignored);  // the kernel drops every watch with the instance
        watches_.clear();
    }

    // Returns true when a folder got a new watch: a file written there
    // between the walk and the watch raised no event, so the caller scans
    // again.
    bool sync_watches(const std::vector<walked_folder>& folders, bool root_is_file) {
        if (!stream_.is_open()) return false;
        const auto result = watches_.sync(stream_.native_handle(),
                                          watch_targets(source_.root(), folders, root_is_file));
        if (result.limit_reached && !limit_warned_) {
            spdlog::warn("{}: the inotify watch limit is reached (sysctl fs.inotify.max_user_watches); "
                         "folders left unwatched are seen by the rescan every {} ms only",
                         source_.root().generic_string(), options_.rescan.count());
        }
        limit_warned_ = result.limit_reached;
        return result.added > 0;
    }

    void read_events() {
        stream_.async_read_some(asio::buffer(buffer_),
                                [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                    self->on_read(ec, n);
                                });
    }

    void on_read(const boost::system::error_code& ec, std::size_t n) {
        if (stopped_ || ec == asio::error::operation_aborted) return;
        if (ec) {
            spdlog::warn("{}: reading inotify events failed ({}); changes are seen by the rescan only",
                         source_.root().generic_string(), ec.message());
            close_inotify();
            return;
        }
        bool wake = false;
        for (std::size_t at = 0; at + sizeof(inotify_event) <= n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer_.data() + at);
            at += sizeof(inotify_event) + event->len;
            ++stats_.events;
            if (event->mask & IN_Q_OVERFLOW) {
                ++stats_.overflows;
                spdlog::warn("{}: the inotify queue overflowed; rescanning", source_.root().generic_string());
            }
            if (watches_.matters(*event)) {
                wake = true;
            } else {
                ++stats_.ignored_events;
            }
        }
        if (wake) note_event();
        read_events();
    }

    void note_event() {
        debounce_.on_event(debounce::clock::now());
        if (!debounce_armed_) arm_debounce();
    }

    // One wait at a time: when it fires early because later events moved
    // the deadline, it waits again rather than being cancelled per event.
    void arm_debounce() {
        debounce_armed_ = true;
        debounce_timer_.expires_at(debounce_.deadline());
        debounce_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            self->debounce_armed_ = false;
            if (ec || self->stopped_) return;
            if (self->debounce_.take_if_due(debounce::clock::now())) {
                self->scan_now();
            } else if (self->debounce_.pending()) {
                self->arm_debounce();
            }
        });
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
        if (sync_watches(source_.folders(), source_.root_is_file())) note_event();
        const bool errors_changed = result.errors != last_errors_;
        if (result.changes.empty() && !errors_changed) return;
        last_errors_ = result.errors;
        ++stats_.callbacks;
        on_change_(std::move(result.changes), std::move(result.errors));
    }

    directory_source source_;
    watcher_options options_;
    callback on_change_;
    debounce debounce_;
    inotify_watches watches_;
    asio::posix::stream_descriptor stream_;
    asio::steady_timer debounce_timer_;
    asio::steady_timer rescan_timer_;
    alignas(inotify_event) std::array<char, 64 * 1024> buffer_{};
    std::vector<scan_error> last_errors_;
    watcher_stats stats_;
    bool debounce_armed_ = false;
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
