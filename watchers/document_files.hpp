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
// Symlinks are followed, to files and to folders, wherever they point: a
// non-dot entry that is a symlink into a dot folder is read, as in a
// Kubernetes ConfigMap volume (`web.yaml -> ..data/web.yaml`,
// `..data -> ..2024_01_01_00_00_00.1`). The root may be a file, a folder or a
// symlink to either (git-sync's `repo -> .worktrees/<hash>`); a root given
// explicitly is read whatever its name.
//
// Not errors (skipped quietly): a folder reached a second time, through a
// symlink cycle or a second symlink (each folder, by device and inode, is
// entered once, the first time in sorted order); files and folders that are
// not documents; an empty folder.
//
// Errors (the walk goes on with the rest): the root cannot be read; a folder
// cannot be listed; a non-dot symlink is broken or loops; a document name
// that is not a regular file (a FIFO, a socket); folders nested deeper than
// `max_walk_depth` below the root.
//
// Blocking: reads the file system. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "watchers/scan_error.hpp"

namespace driftless::watchers {

inline constexpr int max_walk_depth = 32;

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
};

// Walks `root` and returns its documents and folders; problems are appended
// to `errors` (paths spelled like `files`).
[[nodiscard]] document_tree walk_documents(const std::filesystem::path& root,
                                           std::vector<scan_error>& errors);

// The documents under `root` (recursive, sorted): `walk_documents(...).files`.
[[nodiscard]] std::vector<std::filesystem::path> list_document_files(const std::filesystem::path& root,
                                                                     std::vector<scan_error>& errors);

}  // namespace driftless::watchers
