// Watches one source root (a folder, a file, or a symlink to either) and
// reports what changed in its documents.
//
// inotify wakes it; a `directory_source` scan says what changed. Events are
// never trusted for content: a burst of them (a save, an atomic rename, a
// `..data` swap, a git-sync checkout) is coalesced by a debounce and then
// answered with ONE scan and at most one callback. A periodic rescan is the
// safety net for what inotify cannot see (IN_Q_OVERFLOW also forces one,
// and so do network file systems, files written but never closed, and
// symlinks to files outside the watched folders).
//
// When inotify cannot be had (inotify_init1 fails) the watcher logs a
// warning and relies on the rescan alone; when the watch limit
// (fs.inotify.max_user_watches) is reached it logs a warning and the folders
// left unwatched are covered by the rescan. Neither is an error.
//
// Threading: every member and every callback runs on the one thread that
// runs the executor's io_context; the watcher must be created, started,
// stopped and destroyed there (or before that thread runs). Nothing here is
// thread-safe. Blocking: `start()` and each scan read the file system on that
// thread (stat per file; a read per changed file).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "watchers/directory_source.hpp"
#include "watchers/scan_error.hpp"

namespace driftless::watchers {

struct watcher_options {
    std::chrono::milliseconds debounce{100};      // quiet time after the latest event
    std::chrono::milliseconds max_delay{1000};    // longest a burst may postpone its scan
    std::chrono::milliseconds rescan{30'000};     // periodic full rescan; 0 = none
    source_options source;
};

// Counters for status pages and tests.
struct watcher_stats {
    std::uint64_t scans = 0;            // scans after start()
    std::uint64_t callbacks = 0;
    std::uint64_t events = 0;           // inotify events read
    std::uint64_t ignored_events = 0;   // of which could not matter (editor temporaries, ...)
    std::uint64_t overflows = 0;        // IN_Q_OVERFLOW seen
    std::size_t watches = 0;            // inotify watches held now
    bool inotify = false;               // false: rescans only
};

class directory_watcher {
public:
    // `changes`: the delta since the previous report (directory_source's
    // contract). `errors`: every problem the scan met, the whole current
    // list, not a delta; an empty list after a non-empty one means they are
    // resolved. Called only when `changes` is non-empty or `errors` differs
    // from the last list reported (by start() or a callback). Must not throw.
    using callback = std::function<void(std::vector<document_change> changes, std::vector<scan_error> errors)>;

    directory_watcher(boost::asio::any_io_executor executor, std::filesystem::path root, watcher_options options,
                      callback on_change);
    ~directory_watcher();   // stop()
    directory_watcher(const directory_watcher&) = delete;
    directory_watcher& operator=(const directory_watcher&) = delete;

    // Sets up the watches, performs the first scan synchronously and returns
    // it (every document as an upsert), then starts watching. Call once.
    [[nodiscard]] scan_result start();

    // Idempotent. Cancels the timers and closes the inotify instance; no
    // callback runs after it returns.
    void stop();

    [[nodiscard]] watcher_stats stats() const;

private:
    class impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::watchers
