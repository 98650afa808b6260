#include "support/git_repo.hpp"

#include <fstream>
#include <stdexcept>

#include "support/process.hpp"

namespace driftless::testing {

namespace fs = std::filesystem;

namespace {

std::string git(const fs::path& repo, const std::string& args) {
    auto r = sh("git -C '" + repo.string() + "' -c user.name=driftless-test -c user.email=test@localhost " + args);
    if (r.exit_code != 0) throw std::runtime_error("git " + args + ": " + r.err);
    return r.out;
}

}  // namespace

git_repo::git_repo(const fs::path& dir) : bare_(dir / "repo.git"), work_(dir / "work") {
    fs::create_directories(bare_);
    fs::create_directories(work_);
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    git(bare_, "init -q --bare --initial-branch=main");
    git(work_, "init -q --initial-branch=main");
}

std::string git_repo::commit(const std::map<std::string, std::string>& files, const std::string& message) {
    for (const auto& [path, content] : files) {
        fs::create_directories((work_ / path).parent_path());
        std::ofstream(work_ / path, std::ios::binary | std::ios::trunc) << content;
    }
    git(work_, "add -A");
    git(work_, "commit -q -m '" + message + "'");
    git(work_, "push -q '" + bare_.string() + "' HEAD:main");
    auto id = git(work_, "rev-parse HEAD");
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
}

}  // namespace driftless::testing
