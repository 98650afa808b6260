#include "watchers/directory_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <system_error>
#include <utility>

namespace driftless::watchers {
namespace {

// File systems keep timestamps at a coarse granularity (a kernel tick on
// ext4, 2 s on FAT); two writes of the same size within one tick leave the
// identity unchanged. A file modified within this window of its read is
// read again on the next scan.
constexpr std::int64_t racy_window_ns = 2'000'000'000;

std::int64_t to_ns(const timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

std::int64_t now_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return to_ns(t);
}

std::string os_message(int err) { return std::generic_category().message(err); }

// True when nothing is left at `p`, not even a broken symlink.
bool is_gone(const std::filesystem::path& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) != 0 && errno == ENOENT;
}

class file_descriptor {
public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    ~file_descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

// Where the file open as `fd` is, as the kernel names it ("" with errno set).
std::string opened_path(int fd) {
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    std::string where(PATH_MAX, '\0');
    const ssize_t n = ::readlink(link.c_str(), where.data(), where.size());
    if (n < 0 || static_cast<std::size_t>(n) >= where.size()) return {};
    where.resize(static_cast<std::size_t>(n));
    return where;
}

}  // namespace

directory_source::directory_source(std::filesystem::path root, source_options options)
    : root_(std::move(root)), options_(options) {}

directory_source::read_status directory_source::read(const std::filesystem::path& file,
                                                     const std::string& doc_id, std::string& text,
                                                     std::vector<scan_error>& errors) {
    auto fail = [&](std::string message) {
        cache_.erase(doc_id);
        errors.push_back({doc_id, std::move(message)});
        return read_status::failed;
    };
    auto too_large = [&](std::uint64_t size) {
        return fail("file is " + std::to_string(size) + " bytes, more than the " +
                    std::to_string(options_.max_document_bytes) + " a document may hold; not read");
    };
    auto identity_of = [](const struct stat& st) {
        return file_identity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                             static_cast<std::uint64_t>(st.st_size), to_ns(st.st_mtim), to_ns(st.st_ctim)};
    };

    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT && is_gone(file)) return read_status::vanished;
        return fail("cannot read: " + os_message(err));
    }
    if (!S_ISREG(st.st_mode)) return fail("not a regular file; not read");
    if (auto it = cache_.find(doc_id);
        it != cache_.end() && !it->second.racy && it->second.identity == identity_of(st)) {
        return read_status::unchanged;
    }
    if (static_cast<std::uint64_t>(st.st_size) > options_.max_document_bytes) return too_large(st.st_size);

    // O_NONBLOCK: a FIFO swapped in since the stat must not block the scan.
    file_descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) {
        const int err = errno;
        if (err == ENOENT && is_gone(file)) return read_status::vanished;
        return fail("cannot read: " + os_message(err));
    }
    // The identity cached is that of the file actually read, so a change
    // made between the stat above and this read is seen by the next scan.
    if (::fstat(fd.get(), &st) != 0) return fail("cannot read: " + os_message(errno));
    if (!S_ISREG(st.st_mode)) return fail("not a regular file; not read");
    // The walk checked where each symlink led; a symlink re-pointed since
    // (at /etc/shadow, say) is caught here, on the file actually open,
    // before a byte is read. The root may have been re-pointed too
    // (git-sync), hence the second look.
    if (!root_is_file_) {
        const std::string where = opened_path(fd.get());
        if (where.empty()) return fail("cannot read: cannot tell where the file is: " + os_message(errno));
        if (!is_at_or_under(where, real_root_.native())) {
            std::unique_ptr<char, decltype(&std::free)> now(::realpath(root_.c_str(), nullptr), &std::free);
            if (!now || !is_at_or_under(where, now.get())) return fail(std::string(outside_root_message));
        }
    }
    const file_identity identity = identity_of(st);

    text.clear();
    text.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(st.st_size, options_.max_document_bytes)));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot read: " + os_message(errno));
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > options_.max_document_bytes) return too_large(text.size());  // grew while read
    }
    cache_[doc_id] = {identity, identity.mtime_ns >= now_ns() - racy_window_ns ||
                                    identity.ctime_ns >= now_ns() - racy_window_ns};
    return read_status::read;
}

scan_result directory_source::scan() {
    scan_result out;
    const document_tree tree = walk_documents(root_, out.errors, options_.walk);
    std::sort(out.errors.begin(), out.errors.end());
    // A document the walk could not follow is read afresh when it can be
    // again, even if it points back at the very same file: its error must
    // be cleared by an upsert.
    for (const auto& e : out.errors) cache_.erase(e.path);
    if (!tree.root_readable) {
        // A missing root is most likely a missing mount, not an emptied
        // folder: nothing is erased, and the last errors are remembered so a
        // document that had one is upserted again once the root is back.
        folders_.clear();
        root_is_file_ = false;
        for (const auto& e : out.errors) errored_.insert(e.path);
        return out;
    }
    folders_ = tree.folders;
    root_is_file_ = tree.root_is_file;
    real_root_ = tree.real_root;

    // Folders and symlinks that failed in the walk: what was under them
    // stays. A walk stopped by a cap reports the root: everything stays.
    std::vector<std::string> kept;
    for (const auto& e : out.errors) kept.push_back(e.path);

    std::set<std::string> listed;
    std::set<std::string> errored;
    for (const auto& file : tree.files) {
        std::string id = file.generic_string();
        listed.insert(id);
        std::string text;
        switch (read(file, id, text, out.errors)) {
        case read_status::unchanged:
            break;
        case read_status::vanished:
            if (errored_.contains(id)) errored.insert(id);
            break;
        case read_status::failed:
            break;
        case read_status::read: {
            auto it = reported_.find(id);
            if (it == reported_.end() || it->second != text || errored_.contains(id)) {
                out.changes.push_back({document_change::op_kind::upsert, id, text});
                reported_.insert_or_assign(std::move(id), std::move(text));
            }
            break;
        }
        }
    }

    auto is_kept = [&](const std::string& id) {
        return std::any_of(kept.begin(), kept.end(), [&](const std::string& k) { return is_at_or_under(id, k); });
    };
    // Besides the documents reported, a document that only ever had errors
    // is erased when it goes, so a consumer drops the errors it stored for
    // it. A folder's error needs no erase: the error list is replaced whole.
    std::set<std::string> candidates;
    for (const auto& id : errored_) {
        if (is_document_name(std::filesystem::path(id).filename().string())) candidates.insert(id);
    }
    for (const auto& [id, text] : reported_) candidates.insert(id);
    for (const auto& id : candidates) {
        if (listed.contains(id) || is_kept(id)) continue;
        out.changes.push_back({document_change::op_kind::erase, id, {}});
        reported_.erase(id);
        cache_.erase(id);
    }

    for (const auto& e : out.errors) errored.insert(e.path);
    errored_ = std::move(errored);
    std::sort(out.changes.begin(), out.changes.end(),
              [](const document_change& a, const document_change& b) { return a.doc_id < b.doc_id; });
    std::sort(out.errors.begin(), out.errors.end());
    return out;
}

}  // namespace driftless::watchers
