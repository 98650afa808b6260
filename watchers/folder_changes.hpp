// Watches whole folder trees (the build contexts of services with build:)
// and says when something in one of them may have changed.
//
// Each root is watched with inotify together with every folder below it
// (symlinks are not followed: a build context sends a link, not what it
// points to). A folder created later is watched as soon as its creation is
// read, one removed or moved out is dropped. The root's own entry, and each
// symlink on its path, are watched from the folder holding them: the root's
// creation, or a link re-pointed by a rename (git-sync's `current`), counts
// as a change and moves the watches to where the path leads now.
//
// Every event in a tree counts, whatever the file: the tree is not
// interpreted here, so a file a .dockerignore excludes wakes the caller too,
// who then finds nothing changed.
//
// Two ways to use it:
//   - `on_change` runs once per burst of events (a debounce: `quiet` after
//     the latest, at most `max_delay` after the first), so an editor's save
//     (a temporary written, renamed over, its mode set) is one call;
//   - `version(root)` changes whenever anything may have changed under
//     `root` (an event, a queue overflow, watches made anew), so a reader
//     that remembers it with what it read knows whether to read again.
//
// What inotify does not report is not seen here: a file written through a
// shared mapping, or kept open and written without being closed (IN_MODIFY
// is not asked for: one event per write() would be noise), or changed on
// another host of a network file system. Callers keep a periodic read.
//
// Watches are bounded: at most `max_watches` folders over all roots, and
// whatever fs.inotify.max_user_watches allows. A root with a folder left
// unwatched has no version (read it every time), and a warning says so once.
// When inotify cannot be had at all, every version is nullopt and on_change
// never runs; a warning says so. Neither is an error.
//
// Threading: every member and the callback run on the one thread that runs
// the executor's io_context (or before it runs). Not thread-safe. Blocking:
// watch() and the handling of a folder's creation or removal walk the
// folders (readdir) on that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace driftless::watchers {

struct folder_changes_options {
    // Short: an editor's save is a few events within a millisecond or two,
    // and a build waits on this.
    std::chrono::milliseconds quiet{50};
    std::chrono::milliseconds max_delay{1000};
    std::size_t max_watches = 8192;   // folders, over all roots
};

struct folder_changes_stats {
    std::uint64_t events = 0;          // inotify events read
    std::uint64_t overflows = 0;       // IN_Q_OVERFLOW seen
    std::uint64_t calls = 0;           // on_change calls
    std::size_t watches = 0;           // inotify watches held now
    std::size_t roots = 0;
    std::size_t incomplete = 0;        // roots with a folder left unwatched
    bool inotify = false;
};

class folder_changes {
public:
    using callback = std::function<void()>;

    folder_changes(boost::asio::any_io_executor executor, folder_changes_options options, callback on_change);
    ~folder_changes();   // stop()
    folder_changes(const folder_changes&) = delete;
    folder_changes& operator=(const folder_changes&) = delete;

    // Watches exactly these roots (absolute paths) and what is below them;
    // the trees already watched keep their watches and versions. A root
    // that is not a folder (yet) is not watched: it has no version. A root
    // watched for the first time counts as a change (on_change runs): what
    // the caller read before its watch existed may already be stale.
    void watch(const std::set<std::string>& roots);

    // Changes whenever something under `root` may have changed. nullopt
    // when `root` is not watched in full.
    [[nodiscard]] std::optional<std::uint64_t> version(const std::string& root) const;

    // Idempotent. Closes the inotify instance; no callback runs after it.
    void stop();

    [[nodiscard]] folder_changes_stats stats() const;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace driftless::watchers
