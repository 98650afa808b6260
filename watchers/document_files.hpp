// Which files of a source folder are documents, and the walk that finds them.
//
// A document is a file whose name ends in ".yaml", ".yml" or ".json"
// (case-sensitive), except:
//   - names starting with '.': dotfiles and dot folders (".git", "..data",
//     "..2024_01_01_00_00_00.1", ".web.yaml.swp", ".#web.yaml");
//   - editor and tool temporaries (`is_editor_temp_name`).
// Folders are entered unless their name starts with '.' or is an editor
// temporary's.
//
// Symlinks are followed, to files and to folders, only where they resolve
// to (every link on the way resolved) a path under the root's own resolved
// path, the "real root": the root may itself be a symlink, and a root given
// explicitly is trusted whatever it points to. So a non-dot entry that is a
// symlink into a dot folder of the root is read, as in a Kubernetes
// ConfigMap volume (`web.yaml -> ..data/web.yaml`,
// `..data -> ..2024_01_01_00_00_00.1`), and so is git-sync's checkout
// (`repo -> .worktrees/<hash>`, as the root or inside it). A symlink that
// leads anywhere else (`/etc/shadow`, `/usr`, `../other-source`) is an error
// for its path and is neither read nor entered: driftless runs as root, and
// the folder may be writable by people who are not.
//
// Not errors (skipped quietly): a folder reached a second time, through a
// symlink cycle or a second symlink (each folder, by device and inode, is
// entered once, the first time in sorted order); files and folders that are
// not documents; an empty folder.
//
// Errors (the walk goes on with the rest): the root cannot be read; a folder
// cannot be listed; a non-dot symlink is broken, loops or leads outside the
// root; a document name that is not a regular file (a FIFO, a socket);
// folders nested deeper than `max_walk_depth` below the root.
//
// Errors that stop the walk: more documents or folders than `walk_limits`
// allow. The error is reported for the root (so a directory_source erases
// nothing under it) and what was found until then is returned.
//
// Blocking: reads the file system. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "watchers/scan_error.hpp"

namespace driftless::watchers {

inline constexpr int max_walk_depth = 32;

// How much one walk reads before it stops: a folder pointed at a big tree by
// mistake must not hold the loop for minutes or exhaust inotify watches.
struct walk_limits {
    std::size_t max_files = 10'000;
    std::size_t max_folders = 2'000;
};

// Editors and tools write these beside the file they save, then rename or
// delete them: "#x#" (emacs auto-save), ".#x" (emacs lock), "x~" (backup),
// ".x.swp" ".x.swx" and the other ".x.sw?" (vim swap), "4913" (vim's probe
// for a writable folder) and "x.tmp" (many tools' write-then-rename).
[[nodiscard]] bool is_editor_temp_name(std::string_view name) noexcept;

// True when a file called `name` (a file name, not a path) is a document.
[[nodiscard]] bool is_document_name(std::string_view name) noexcept;

// True when a folder called `name` is entered by the walk.
[[nodiscard]] bool is_walked_folder_name(std::string_view name) noexcept;

// A folder the walk entered. `path` is spelled from the root as given, so a
// folder reached through a symlink is named by the symlink.
struct walked_folder {
    std::filesystem::path path;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
};

struct document_tree {
    std::vector<std::filesystem::path> files;   // documents, sorted, spelled from the root as given
    std::vector<walked_folder> folders;         // folders entered, root first; empty when the root is a file
    bool root_readable = true;                  // false: the root itself is missing or unreadable
    bool root_is_file = false;
    bool stopped = false;                       // a walk_limits cap was reached; `files` and `folders` are partial
    std::filesystem::path real_root;            // the root with every symlink resolved; empty when unreadable
};

// Walks `root` and returns its documents and folders; problems are appended
// to `errors` (paths spelled like `files`).
[[nodiscard]] document_tree walk_documents(const std::filesystem::path& root,
                                           std::vector<scan_error>& errors, const walk_limits& limits = {});

// True when `path` is `root` or below it, comparing whole components of the
// two strings as spelled (resolve symlinks first).
[[nodiscard]] bool is_at_or_under(std::string_view path, std::string_view root) noexcept;

// The message for a symlink that resolves outside the real root.
inline constexpr std::string_view outside_root_message = "symlink leads outside the watched folder; not followed";

// The documents under `root` (recursive, sorted): `walk_documents(...).files`.
[[nodiscard]] std::vector<std::filesystem::path> list_document_files(const std::filesystem::path& root,
                                                                     std::vector<scan_error>& errors);

}  // namespace driftless::watchers
