// A git repository for tests that sync from git: a bare repository (what a
// git-sync container reads) and a working copy beside it that commits and
// pushes to it. No remote is needed.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace driftless::testing {

class git_repo {
public:
    // Makes `dir`/repo.git (bare, branch main) and `dir`/work; both readable
    // by every user, since the git-sync container runs as its own.
    explicit git_repo(const std::filesystem::path& dir);

    [[nodiscard]] const std::filesystem::path& bare() const noexcept { return bare_; }
    // Writes the files (path relative to the repository -> content), commits
    // them all with `message` and pushes to the bare repository; returns the
    // commit's id. Fails the test when git does.
    std::string commit(const std::map<std::string, std::string>& files, const std::string& message);

private:
    std::filesystem::path bare_;
    std::filesystem::path work_;
};

}  // namespace driftless::testing
