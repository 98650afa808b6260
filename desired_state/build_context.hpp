// A build context as the engine will get it: the files under a folder that
// its .dockerignore keeps, in a fixed order, and one digest of their paths,
// kinds, permission bits, link targets and contents. The digest is part of
// a built service's desired state: a changed source file changes it, a file
// the .dockerignore excludes does not, and neither does touching a file
// (times and owners are left out, as the builder's own cache leaves them).
//
// A digester remembers each file's content digest by its identity and
// change time (device, inode, size, mtime, ctime), so a context read again
// when nothing changed costs a walk of stat calls, no reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "desired_state/dockerignore.hpp"
#include "desired_state/result.hpp"

namespace driftless::desired_state {

struct context_entry {
    std::string path;          // relative, '/'-separated
    enum class type : std::uint8_t { file, folder, symlink } kind = type::file;
    std::uint32_t mode = 0;    // permission bits (07777)
    std::uint64_t size = 0;    // files
    std::string link;          // symlinks: the target as written
};

struct context_listing {
    std::vector<context_entry> entries;   // sorted by path; folders before what they hold
    std::string digest;                   // lowercase hex SHA-256
    std::uint64_t bytes = 0;              // of the files' contents
};

class context_digester {
public:
    // Reads `root`'s .dockerignore (if any); `dockerfile` is the
    // Dockerfile's path relative to `root`, always kept. Errors name the
    // file that could not be read (or the .dockerignore line).
    [[nodiscard]] result<context_listing> read(const std::filesystem::path& root, const std::string& dockerfile);

    // Content digests remembered (for tests and metrics).
    [[nodiscard]] std::size_t remembered() const noexcept { return known_.size(); }
    // Files whose contents were read by the last read().
    [[nodiscard]] std::size_t read_last() const noexcept { return read_last_; }

private:
    struct stamp {
        std::uint64_t dev = 0, ino = 0, size = 0;
        std::int64_t mtime_ns = 0, ctime_ns = 0;
        bool operator==(const stamp&) const = default;
    };
    struct known {
        stamp at;
        std::string digest;
        bool seen = false;   // in the last read (the rest are forgotten)
    };
    std::map<std::string, known> known_;   // by absolute path
    std::size_t read_last_ = 0;
};

}  // namespace driftless::desired_state
