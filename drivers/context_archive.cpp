#include "drivers/context_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace driftless::drivers {

namespace {

struct archive_closer {
    void operator()(archive* a) const noexcept { archive_write_free(a); }
};
struct entry_closer {
    void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};
struct fd_closer {
    int fd;
    ~fd_closer() {
        if (fd >= 0) ::close(fd);
    }
};

la_ssize_t append(archive*, void* out, const void* buffer, size_t length) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

}  // namespace

result<std::string> context_archive(const std::filesystem::path& root, const desired_state::context_listing& listing) {
    using kind = desired_state::context_entry::type;
    std::string out;
    out.reserve(static_cast<std::size_t>(listing.bytes) + listing.entries.size() * 1024 + 1024);
    std::unique_ptr<archive, archive_closer> a(archive_write_new());
    if (!a) return error{"engine", "cannot make an archive: out of memory"};
    const auto failed = [&](const std::string& what) {
        const char* msg = archive_error_string(a.get());
        return error{"engine", what + ": " + (msg ? msg : "unknown error")};
    };
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
        archive_write_open(a.get(), &out, nullptr, append, nullptr) != ARCHIVE_OK)
        return failed("cannot start the build context's archive");
    const std::string base = root.lexically_normal().string();
    std::array<char, 64 * 1024> buf;
    for (const auto& entry : listing.entries) {
        const std::string full = base + "/" + entry.path;
        const auto changed = [&](const std::string& why) {
            return error{"invalid", "build context: " + full + " " + why + " while it was being sent; it is read again on the next try"};
        };
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0) return changed(std::string("went (") + std::strerror(errno) + ")");
        std::unique_ptr<archive_entry, entry_closer> e(archive_entry_new());
        archive_entry_set_pathname(e.get(), entry.path.c_str());
        archive_entry_set_perm(e.get(), entry.mode);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        switch (entry.kind) {
        case kind::folder: archive_entry_set_filetype(e.get(), AE_IFDIR); break;
        case kind::symlink:
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_symlink(e.get(), entry.link.c_str());
            break;
        case kind::file:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_size(e.get(), static_cast<la_int64_t>(entry.size));
            if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != entry.size) return changed("changed");
            break;
        }
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) return failed("cannot write " + entry.path + " into the archive");
        if (entry.kind != kind::file) continue;
        fd_closer f{::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
        if (f.fd < 0) return changed(std::string("could not be opened (") + std::strerror(errno) + ")");
        std::uint64_t sent = 0;
        for (;;) {
            const auto n = ::read(f.fd, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return changed(std::string("could not be read (") + std::strerror(errno) + ")");
            if (n == 0) break;
            if (sent + static_cast<std::uint64_t>(n) > entry.size) return changed("grew");
            if (archive_write_data(a.get(), buf.data(), static_cast<std::size_t>(n)) != n)
                return failed("cannot write " + entry.path + " into the archive");
            sent += static_cast<std::uint64_t>(n);
        }
        if (sent != entry.size) return changed("shrank");
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) return failed("cannot finish the build context's archive");
    return out;
}

}  // namespace driftless::drivers
