#include "desired_state/build_context.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <nettle/sha2.h>

namespace driftless::desired_state {

namespace {

std::string hex(const std::uint8_t* d, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[d[i] >> 4];
        out += digits[d[i] & 15];
    }
    return out;
}

error unreadable(const std::string& path, const std::string& why) {
    return error{"invalid", "build context: " + path + ": " + why};
}

// The SHA-256 of a file's contents, read without following a link.
result<std::string> file_digest(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return unreadable(path, std::strerror(errno));
    sha256_ctx ctx;
    sha256_init(&ctx);
    std::array<std::uint8_t, 64 * 1024> buf;
    for (;;) {
        const auto n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            return unreadable(path, std::strerror(e));
        }
        if (n == 0) break;
        sha256_update(&ctx, static_cast<std::size_t>(n), buf.data());
    }
    ::close(fd);
    std::uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, d);
    return hex(d, sizeof d);
}

std::vector<std::string> names_in(const std::string& dir, std::string& why) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        why = std::strerror(errno);
        return out;
    }
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") out.push_back(name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

result<context_listing> context_digester::read(const std::filesystem::path& root_path, const std::string& dockerfile) {
    const std::string root = root_path.lexically_normal().string();
    struct stat rs {};
    if (::stat(root.c_str(), &rs) != 0) return unreadable(root, std::strerror(errno));
    if (!S_ISDIR(rs.st_mode)) return unreadable(root, "not a folder");

    dockerignore rules;
    const std::string ignore_path = root + "/.dockerignore";
    if (std::ifstream in(ignore_path); in) {
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = dockerignore::parse(text.str(), {dockerfile, ".dockerignore"});
        if (!parsed.ok()) return error{"invalid", ignore_path + ": " + parsed.err().message};
        rules = std::move(parsed).value();
    }

    for (auto& [path, k] : known_) k.seen = false;
    read_last_ = 0;
    context_listing out;
    sha256_ctx all;
    sha256_init(&all);
    const auto feed = [&](const std::string& s) {
        sha256_update(&all, s.size() + 1, reinterpret_cast<const std::uint8_t*>(s.c_str()));   // with its '\0'
    };

    // Depth first, each folder's names sorted: a fixed order.
    std::optional<error> failed;
    const auto walk = [&](const auto& self, const std::string& rel) -> void {
        const std::string dir = rel.empty() ? root : root + "/" + rel;
        std::string why;
        const auto names = names_in(dir, why);
        if (!why.empty()) {
            failed = unreadable(dir, why);
            return;
        }
        for (const auto& name : names) {
            if (failed) return;
            const std::string path = rel.empty() ? name : rel + "/" + name;
            const std::string full = root + "/" + path;
            struct stat st {};
            if (::lstat(full.c_str(), &st) != 0) {
                if (errno == ENOENT) continue;   // gone while walking: the next read sees it
                failed = unreadable(full, std::strerror(errno));
                return;
            }
            const bool folder = S_ISDIR(st.st_mode);
            if (folder && rules.skip_folder(path)) continue;
            const bool excluded = rules.excluded(path);
            context_entry e;
            e.path = path;
            e.mode = static_cast<std::uint32_t>(st.st_mode & 07777);
            if (folder) {
                // An excluded folder still holds what an exception sends back.
                if (!excluded) {
                    e.kind = context_entry::type::folder;
                    feed("d" + path);
                    feed(std::to_string(e.mode));
                    out.entries.push_back(e);
                }
                self(self, path);
                continue;
            }
            if (excluded) continue;
            if (S_ISLNK(st.st_mode)) {
                std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 256), '\0');
                const auto n = ::readlink(full.c_str(), target.data(), target.size());
                if (n < 0) {
                    failed = unreadable(full, std::strerror(errno));
                    return;
                }
                target.resize(static_cast<std::size_t>(n));
                e.kind = context_entry::type::symlink;
                e.link = target;
                feed("l" + path);
                feed(target);
                out.entries.push_back(std::move(e));
                continue;
            }
            if (!S_ISREG(st.st_mode)) continue;   // sockets, pipes, devices: not sent
            e.kind = context_entry::type::file;
            e.size = static_cast<std::uint64_t>(st.st_size);
            const stamp now{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), e.size,
                            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                            static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
            auto& k = known_[full];
            if (k.digest.empty() || !(k.at == now)) {
                auto d = file_digest(full);
                if (!d.ok()) {
                    failed = std::move(d).err();
                    return;
                }
                k.digest = std::move(d).value();
                k.at = now;
                ++read_last_;
            }
            k.seen = true;
            feed("f" + path);
            feed(std::to_string(e.mode));
            feed(std::to_string(e.size));
            feed(k.digest);
            out.bytes += e.size;
            out.entries.push_back(std::move(e));
        }
    };
    walk(walk, "");
    if (failed) return *failed;
    // Only this context's files: one digester serves every context, and the
    // others' stay known for their own reads.
    const std::string prefix = root + "/";
    std::erase_if(known_, [&](const auto& kv) { return !kv.second.seen && kv.first.starts_with(prefix); });

    std::uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&all, SHA256_DIGEST_SIZE, d);
    out.digest = hex(d, sizeof d);
    return out;
}

}  // namespace driftless::desired_state
