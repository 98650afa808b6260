// One source folder (or file) read as documents, with a cache, so that each
// scan returns only what changed since the previous one.
//
// Level-based: `scan()` looks at the whole tree every time; it needs no
// event and trusts none. It re-reads a file only when its device, inode,
// size, mtime or ctime changed, or when it was modified so recently that a
// change within the file system's timestamp granularity could hide (as git's
// "racy" index entries); and it drops an upsert whose text is byte-identical
// to the one it last reported. A no-op rescan yields no change.
//
// doc_id: the file's path as a user would type it, the root as given plus
// the relative path ("examples/hello/web.yaml"), so diagnostics read
// "examples/hello/web.yaml:3:1: ...". A root that is a file is its own doc_id.
//
// Safety (DESIGN.md §5): only a file that is no longer there is erased.
//   - A file that cannot be read (permission, broken symlink, a symlink
//     leading outside the root, not a regular file, larger than
//     `max_document_bytes`) is an error for its doc_id; the last text
//     reported for it stands. Where a file really is is checked again on the
//     open file, so a symlink re-pointed after the walk is not read either.
//   - A walk stopped by a `walk_limits` cap erases nothing.
//   - Documents under a folder that cannot be listed are kept.
//   - When the root itself cannot be read (a missing mount), the scan reports
//     that error and changes nothing.
//   - A file removed between the listing and the read is left as it was for
//     this scan, neither error nor erase; the next scan settles it (the
//     removal is an event for a watcher, and a rescan happens anyway).
//
// Errors are a level, not a delta: each scan returns every problem it met.
// When a document's error clears, its text is upserted again even if it is
// byte-identical to the last one reported, so a consumer that stored the
// error beside the document (desired_state::store::put_errors) sees it
// replaced; a document that had only errors and is now gone gets an erase.
// Errors about folders (and broken symlinks that are not document names)
// get no erase: they simply leave the list.
//
// One object per root; with several roots (`-s a -s b`) the caller holds one
// each and combines their changes.
//
// Threading: not thread-safe; one thread at a time. Blocking: `scan()` reads
// the file system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "watchers/document_files.hpp"
#include "watchers/scan_error.hpp"

namespace driftless::watchers {

struct document_change {
    enum class op_kind { upsert, erase };
    op_kind op = op_kind::upsert;
    std::string doc_id;
    std::string text;   // the whole file for an upsert; empty for an erase

    bool operator==(const document_change&) const = default;
};

struct scan_result {
    std::vector<document_change> changes;   // sorted by doc_id
    std::vector<scan_error> errors;         // every problem met by this scan, sorted by path

    [[nodiscard]] bool empty() const noexcept { return changes.empty() && errors.empty(); }
};

struct source_options {
    // Larger files are not read: an error for that doc_id. The default is
    // desired_state::parse_options::max_bytes.
    std::uint64_t max_document_bytes = 4 * 1024 * 1024;
    // Beyond these the walk stops: an error for the root, nothing erased.
    walk_limits walk;
};

class directory_source {
public:
    explicit directory_source(std::filesystem::path root, source_options options = {});

    // Walks the tree, reads what changed and returns the delta since the
    // previous scan (the first scan returns every document as an upsert).
    [[nodiscard]] scan_result scan();

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }

    // The last scan's walk: the folders it entered and whether the root was
    // a file. A watcher watches these.
    [[nodiscard]] const std::vector<walked_folder>& folders() const noexcept { return folders_; }
    [[nodiscard]] bool root_is_file() const noexcept { return root_is_file_; }

    // Documents whose text has been reported and not erased.
    [[nodiscard]] std::size_t size() const noexcept { return reported_.size(); }

private:
    struct file_identity {
        std::uint64_t device = 0, inode = 0, size = 0;
        std::int64_t mtime_ns = 0, ctime_ns = 0;
        bool operator==(const file_identity&) const = default;
    };
    struct cached_file {
        file_identity identity;   // of the file whose text is in reported_
        bool racy = false;        // modified too recently for the identity to be trusted
    };
    enum class read_status { unchanged, read, failed, vanished };
    read_status read(const std::filesystem::path& file, const std::string& doc_id, std::string& text,
                     std::vector<scan_error>& errors);

    std::filesystem::path root_;
    source_options options_;
    std::map<std::string, std::string> reported_;      // doc_id -> text last upserted
    std::map<std::string, cached_file> cache_;         // doc_id -> what that text was read from
    std::set<std::string> errored_;                    // paths that had an error in the last scan
    std::vector<walked_folder> folders_;
    std::filesystem::path real_root_;                  // the last walk's
    bool root_is_file_ = false;
};

}  // namespace driftless::watchers
