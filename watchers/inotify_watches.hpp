// The inotify watches that cover one source root, and which of their events
// can change what a scan of that root returns.
//
// Watched:
//   - every folder the last scan walked, through the path the walk used, so
//     a folder reached by a symlink is watched at its target;
//   - when the root is a file, the folder holding it;
//   - the folder holding the root's own entry, and the folder holding each
//     symlink on the root's path, for changes to that one name: git-sync
//     re-points `repo -> .worktrees/<hash>` by renaming a new symlink over
//     the old one, which no watch inside the old worktree can see.
// Only the first level of a symlink on the root's path is covered: a symlink
// whose target holds further symlinks is seen changing by the rescan.
//
// Events are a hint to scan, never a payload: `matters` only says whether a
// scan could find something new. Editor temporaries and plain files that are
// not documents do not matter; anything that might have been a folder or a
// symlink (a name now gone, a dot name such as "..data") does.
//
// Threading: not thread-safe; used from the watcher's one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "watchers/document_files.hpp"

struct inotify_event;

namespace driftless::watchers {

// The events asked for on each watched folder. IN_MODIFY is left out: a
// write in place ends with IN_CLOSE_WRITE, and one event per write() call
// would only be noise. A file kept open and written without closing is seen
// by the rescan.
extern const std::uint32_t watched_events;

struct watch_target {
    std::filesystem::path folder;
    bool all_names = false;            // every entry of the folder matters
    std::set<std::string> names;       // otherwise only these entries
    // Every event matters, whatever the entry: a build context, where any
    // file (an editor's temporary too) is part of what is sent.
    bool every_event = false;
};

// What to watch for `root`, given the last walk.
[[nodiscard]] std::vector<watch_target> watch_targets(const std::filesystem::path& root,
                                                      const std::vector<walked_folder>& folders,
                                                      bool root_is_file);

// What an entry of a watched folder is now (after the event).
enum class entry_type { gone, regular, folder, symlink, other };

// Whether an event about entry `name` of a watched folder (where every
// entry matters) can change what a scan returns. `mask` is the event's.
[[nodiscard]] bool name_event_matters(std::uint32_t mask, std::string_view name, entry_type now) noexcept;

class inotify_watches {
public:
    struct sync_result {
        std::size_t added = 0;         // watches that did not exist before
        bool limit_reached = false;    // fs.inotify.max_user_watches: some folders are not watched
        std::vector<std::filesystem::path> unwatched;   // those folders
    };

    // Adds a watch for each target on inotify instance `fd` and removes the
    // watches no longer wanted. A target folder that has gone since the walk
    // is skipped quietly: its removal is an event of its own.
    sync_result sync(int fd, const std::vector<watch_target>& targets);

    // Whether `event` can change what a scan returns. IN_Q_OVERFLOW always
    // does. Forgets a watch the kernel dropped (IN_IGNORED).
    bool matters(const inotify_event& event);

    // The folder watch `wd` is on; nullptr when it is not one of ours.
    [[nodiscard]] const std::filesystem::path* folder_of(int wd) const noexcept;

    // Forgets every watch (the instance was closed).
    void clear() noexcept { watches_.clear(); }

    [[nodiscard]] std::size_t size() const noexcept { return watches_.size(); }

private:
    struct watch {
        std::filesystem::path folder;
        bool all_names = false;
        std::set<std::string> names;
        bool every_event = false;
    };
    std::map<int, watch> watches_;     // by watch descriptor
};

}  // namespace driftless::watchers
