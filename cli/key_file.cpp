#include "cli/key_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace driftless::cli {

namespace {

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

error failed(const std::filesystem::path& path, const std::string& what, int err) {
    return error{"invalid", "key file " + quoted(path) + ": " + what + ": " + std::strerror(err) +
                                "; give a readable key file with --key-file (DRIFTLESS_KEY_FILE)"};
}

result<std::string> read_key(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return failed(path, "cannot read it", errno);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return failed(path, "cannot read it", errno);
    if (key.size() != key_size)
        return error{"invalid", "key file " + quoted(path) + ": holds " + std::to_string(key.size()) + " bytes, expected " +
                                    std::to_string(key_size) +
                                    "; restore the installation's key, or remove the file to make a new one (objects "
                                    "made under the old key then become conflicts)"};
    return key;
}

result<std::string> random_key(const std::filesystem::path& path) {
    std::string key(key_size, '\0');
    std::size_t got = 0;
    while (got < key.size()) {
        const ssize_t n = getrandom(key.data() + got, key.size() - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed(path, "getrandom", errno);
        got += static_cast<std::size_t>(n);
    }
    return key;
}

// Writes `key` under a temporary name beside `path` and links it into
// place: link(2) fails when `path` exists, so of two instances starting
// together one key wins and the other reads it.
status write_new_key(const std::filesystem::path& path, const std::string& key) {
    const std::filesystem::path temp = path.string() + ".new." + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return failed(path, "cannot create " + quoted(temp), errno);
    const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    const int write_errno = errno;
    ::close(fd);
    if (!written) {
        ::unlink(temp.c_str());
        return failed(path, "cannot write " + quoted(temp), write_errno);
    }
    const int linked = ::link(temp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && link_errno != EEXIST) return failed(path, "cannot create it", link_errno);
    return {};
}

}  // namespace

result<std::string> load_or_create_key(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return read_key(path);
    if (errno != ENOENT) return failed(path, "cannot read it", errno);
    if (const auto folder = path.parent_path(); !folder.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(folder, ec)) {
            std::filesystem::create_directories(folder, ec);
            if (ec) return failed(path, "cannot create its folder " + quoted(folder), ec.value());
            std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
            if (ec) return failed(path, "cannot make its folder " + quoted(folder) + " private", ec.value());
        }
    }
    auto key = random_key(path);
    if (!key) return key;
    if (auto st2 = write_new_key(path, *key); !st2) return st2.err();
    return read_key(path);
}

}  // namespace driftless::cli
