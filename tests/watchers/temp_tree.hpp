// A temporary folder for one test, removed with its contents at the end.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

namespace driftless::watchers::testing {

class temp_tree {
public:
    temp_tree() {
        std::string pattern = (std::filesystem::temp_directory_path() / "driftless-watchers-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root_ = pattern;
    }
    ~temp_tree() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    temp_tree(const temp_tree&) = delete;
    temp_tree& operator=(const temp_tree&) = delete;

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }
    [[nodiscard]] std::filesystem::path path(const std::string& relative) const { return root_ / relative; }
    // The doc_id a source rooted at root() gives the file.
    [[nodiscard]] std::string id(const std::string& relative) const { return path(relative).generic_string(); }

    // Writes in place: truncate, write, close (the same inode).
    void write(const std::string& relative, const std::string& text) const {
        const auto p = path(relative);
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + p.string());
    }

    // Writes a temporary file beside it, then renames it over (a new inode).
    void write_atomic(const std::string& relative, const std::string& text) const {
        write(relative + ".tmp", text);
        std::filesystem::rename(path(relative + ".tmp"), path(relative));
    }

    [[nodiscard]] std::string read(const std::string& relative) const {
        std::ifstream in(path(relative), std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    void mkdir(const std::string& relative) const { std::filesystem::create_directories(path(relative)); }

    // Creates `relative` as a symlink holding `target` verbatim.
    void symlink(const std::string& target, const std::string& relative) const {
        std::filesystem::create_directories(path(relative).parent_path());
        std::filesystem::create_symlink(target, path(relative));
    }

    void rename(const std::string& from, const std::string& to) const {
        std::filesystem::rename(path(from), path(to));
    }

    void remove(const std::string& relative) const { std::filesystem::remove_all(path(relative)); }

    void mkfifo(const std::string& relative) const {
        if (::mkfifo(path(relative).c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
    }

private:
    std::filesystem::path root_;
};

}  // namespace driftless::watchers::testing
