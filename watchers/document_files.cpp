#include "watchers/document_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "desired_state/parse.hpp"

namespace driftless::watchers {
namespace {

namespace fs = std::filesystem;

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string os_message(int err) { return std::generic_category().message(err); }

// `p` with every symlink resolved, or "" with errno set.
std::string resolved(const fs::path& p) {
    const std::unique_ptr<char, decltype(&std::free)> real(::realpath(p.c_str(), nullptr), &std::free);
    return real ? std::string(real.get()) : std::string();
}

class walker {
public:
    walker(document_tree& tree, std::vector<scan_error>& errors, const walk_limits& limits, fs::path root)
        : tree_(tree), errors_(errors), limits_(limits), root_(std::move(root)) {}

    // Returns false when `dir` could not be listed.
    bool walk_folder(const fs::path& dir, const struct stat& st, int depth) {
        if (tree_.stopped) return true;
        // Each folder is entered once: this ends symlink cycles and keeps a
        // folder reached by two symlinks from yielding each document twice.
        if (!visited_.emplace(st.st_dev, st.st_ino).second) return true;
        if (depth > max_walk_depth) {
            fail(dir, "folders nested deeper than " + std::to_string(max_walk_depth) +
                          " levels below the root; not read");
            return true;
        }
        if (tree_.folders.size() >= limits_.max_folders) {
            stop("more than " + std::to_string(limits_.max_folders) + " folders");
            return true;
        }
        tree_.folders.push_back({dir, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)});

        std::vector<std::pair<std::string, bool>> entries;  // name, is a symlink
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
            std::string name = it->path().filename().string();
            std::error_code type_ec;
            const bool is_link = it->is_symlink(type_ec);
            entries.emplace_back(std::move(name), is_link);
        }
        if (ec) {
            fail(dir, "cannot list folder: " + ec.message());
            return false;
        }
        std::sort(entries.begin(), entries.end());

        for (const auto& [name, is_link] : entries) {
            if (tree_.stopped) break;
            // Dot entries are skipped by name before anything is followed:
            // "..data" itself is never entered, only what non-dot names
            // point to through it.
            if (name.empty() || name.front() == '.' || is_editor_temp_name(name)) continue;
            const fs::path child = dir / name;
            // Where a symlink leads is checked before anything there is
            // looked at: stat() on an automount or a dead NFS server blocks.
            if (is_link) {
                const std::string real = resolved(child);
                if (real.empty()) {
                    fail(child, "cannot follow symlink: " + os_message(errno));
                    continue;
                }
                if (!is_at_or_under(real, tree_.real_root.native())) {
                    fail(child, std::string(outside_root_message));
                    continue;
                }
            }
            struct stat cst {};
            if (::stat(child.c_str(), &cst) != 0) {
                const int err = errno;
                if (err == ENOENT && !is_link) continue;  // removed since listed
                // A broken symlink is reported, whatever its name: it may be
                // a mount or a folder that is missing, and its documents must
                // not be taken for deleted.
                fail(child, (is_link ? "cannot follow symlink: " : "cannot read: ") + os_message(err));
                continue;
            }
            if (S_ISDIR(cst.st_mode)) {
                (void)walk_folder(child, cst, depth + 1);
            } else if (is_document_name(name)) {
                if (!S_ISREG(cst.st_mode)) {
                    fail(child, "not a regular file; not read");
                } else if (tree_.files.size() >= limits_.max_files) {
                    stop("more than " + std::to_string(limits_.max_files) + " documents");
                } else {
                    tree_.files.push_back(child);
                }
            }
        }
        return true;
    }

    void fail(const fs::path& p, std::string message) {
        errors_.push_back({p.generic_string(), std::move(message)});
    }

private:
    // Reported for the root, so that nothing under it is taken for deleted.
    void stop(const std::string& what) {
        tree_.stopped = true;
        fail(root_, what + " under the root; the rest is not read and nothing is removed: "
                           "split the folder into several sources");
    }

    document_tree& tree_;
    std::vector<scan_error>& errors_;
    const walk_limits& limits_;
    fs::path root_;
    std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

bool is_editor_temp_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    if (name == "4913") return true;
    if (name.front() == '#' && name.size() > 1 && name.back() == '#') return true;
    if (name.starts_with(".#")) return true;
    if (name.back() == '~') return true;
    if (ends_with(name, ".tmp")) return true;
    // vim: ".x.swp", then ".x.swo", ".x.swn", ... and ".x.swx" for its probe.
    if (name.front() == '.' && name.size() >= 5) {
        const auto tail = name.substr(name.size() - 4);
        if (tail.starts_with(".sw") && tail[3] >= 'a' && tail[3] <= 'z') return true;
    }
    return false;
}

bool is_document_name(std::string_view name) noexcept {
    if (name.empty() || name.front() == '.' || is_editor_temp_name(name)) return false;
    if (desired_state::is_compose_override_file(name)) return false;  // read with its compose file
    return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".json");
}

bool is_walked_folder_name(std::string_view name) noexcept {
    return !name.empty() && name.front() != '.' && !is_editor_temp_name(name);
}

bool is_at_or_under(std::string_view path, std::string_view root) noexcept {
    if (!path.starts_with(root)) return false;
    return path.size() == root.size() || root.ends_with('/') || path[root.size()] == '/';
}

document_tree walk_documents(const std::filesystem::path& root, std::vector<scan_error>& errors,
                             const walk_limits& limits) {
    document_tree tree;
    walker w(tree, errors, limits, root);
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) {
        tree.root_readable = false;
        w.fail(root, "cannot read: " + os_message(errno));
        return tree;
    }
    tree.real_root = resolved(root);
    if (tree.real_root.empty()) {  // gone or re-pointed since the stat
        tree.root_readable = false;
        w.fail(root, "cannot read: " + os_message(errno));
        return tree;
    }
    if (S_ISDIR(st.st_mode)) {
        // A root that cannot be listed is as unreadable as a missing one.
        tree.root_readable = w.walk_folder(root, st, 0);
    } else if (S_ISREG(st.st_mode)) {
        tree.root_is_file = true;
        tree.files.push_back(root);
    } else {
        tree.root_readable = false;
        w.fail(root, "not a regular file or folder; not read");
    }
    std::sort(tree.files.begin(), tree.files.end());
    return tree;
}

std::vector<std::filesystem::path> list_document_files(const std::filesystem::path& root,
                                                       std::vector<scan_error>& errors) {
    return walk_documents(root, errors).files;
}

}  // namespace driftless::watchers
