#include "drivers/file_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <memory>
#include <vector>

namespace driftless::drivers {

namespace {

struct archive_closer {
    void operator()(archive* a) const noexcept { archive_write_free(a); }
};
struct entry_closer {
    void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};

// Appends each block libarchive writes to a string.
la_ssize_t append(archive*, void* out, const void* buffer, size_t length) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

}  // namespace

result<std::string> file_archive(std::string_view path, std::string_view data, std::uint32_t mode, std::uint32_t uid,
                                 std::uint32_t gid) {
    // The folders above the file, then the file: "run", "run/secrets", "run/secrets/db".
    std::vector<std::string> folders;
    std::string relative(path.substr(path.find_first_not_of('/') == std::string_view::npos ? path.size()
                                                                                            : path.find_first_not_of('/')));
    if (relative.empty() || relative.back() == '/') return error{"invalid", "not a file path: " + std::string(path)};
    for (std::size_t at = relative.find('/'); at != std::string::npos; at = relative.find('/', at + 1))
        folders.push_back(relative.substr(0, at));

    std::string out;
    std::unique_ptr<archive, archive_closer> a(archive_write_new());
    if (!a) return error{"engine", "cannot make an archive: out of memory"};
    auto failed = [&](const char* what) {
        const char* msg = archive_error_string(a.get());
        return error{"engine", std::string(what) + ": " + (msg ? msg : "unknown error")};
    };
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
        archive_write_open(a.get(), &out, nullptr, append, nullptr) != ARCHIVE_OK)
        return failed("cannot start an archive");
    const std::time_t now = std::time(nullptr);
    auto write_entry = [&](const std::string& name, bool folder) -> status {
        std::unique_ptr<archive_entry, entry_closer> e(archive_entry_new());
        archive_entry_set_pathname(e.get(), name.c_str());
        archive_entry_set_filetype(e.get(), folder ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e.get(), folder ? 0755 : mode);
        archive_entry_set_uid(e.get(), folder ? 0 : uid);
        archive_entry_set_gid(e.get(), folder ? 0 : gid);
        archive_entry_set_mtime(e.get(), now, 0);
        archive_entry_set_size(e.get(), folder ? 0 : static_cast<la_int64_t>(data.size()));
        if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) return failed("cannot write an archive entry");
        if (!folder && !data.empty() &&
            archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
            return failed("cannot write an archive entry");
        return {};
    };
    for (const auto& f : folders)
        if (auto s = write_entry(f, true); !s) return s.err();
    if (auto s = write_entry(relative, false); !s) return s.err();
    if (archive_write_close(a.get()) != ARCHIVE_OK) return failed("cannot finish an archive");
    return out;
}

}  // namespace driftless::drivers
