// A build context's files and digest: what .dockerignore keeps, contents
// and permission bits in, times out; unchanged files are not read again.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "desired_state/build_context.hpp"

using namespace driftless::desired_state;
namespace fs = std::filesystem;

namespace {

struct temp_context {
    temp_context() {
        char tmpl[] = "/tmp/driftless-context-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        root = tmpl;
    }
    ~temp_context() { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel, std::ios::trunc) << text;
    }
    fs::path root;
};

std::vector<std::string> paths(const context_listing& l) {
    std::vector<std::string> out;
    for (const auto& e : l.entries) out.push_back(e.path);
    return out;
}

}  // namespace

TEST_CASE("build context: the same files give the same digest, wherever they are; unchanged files are not read again") {
    temp_context a, b;
    for (const auto* c : {&a, &b}) {
        c->write("Dockerfile", "FROM scratch\nCOPY app /app\n");
        c->write("app/main.sh", "echo hi\n");
        c->write("app/lib/x.sh", "true\n");
    }
    context_digester d;
    auto first = d.read(a.root, "Dockerfile");
    REQUIRE_MESSAGE(first.ok(), first.err().message);
    CHECK(first->digest.size() == 64);
    CHECK(paths(*first) == std::vector<std::string>{"Dockerfile", "app", "app/lib", "app/lib/x.sh", "app/main.sh"});
    CHECK(first->bytes == 27 + 8 + 5);
    CHECK(d.read_last() == 3);
    auto again = d.read(a.root, "Dockerfile");
    REQUIRE(again.ok());
    CHECK(again->digest == first->digest);
    CHECK(d.read_last() == 0);                      // stat only
    context_digester other;
    CHECK(other.read(b.root, "Dockerfile")->digest == first->digest);

    SUBCASE("a changed source file changes it") {
        a.write("app/main.sh", "echo bye\n");
        auto changed = d.read(a.root, "Dockerfile");
        CHECK(changed->digest != first->digest);
        CHECK(d.read_last() == 1);
    }
    SUBCASE("touching a file does not") {
        const auto file = a.root / "app/main.sh";
        fs::last_write_time(file, fs::last_write_time(file) + std::chrono::hours(1));
        CHECK(d.read(a.root, "Dockerfile")->digest == first->digest);
    }
    SUBCASE("an executable bit does") {
        fs::permissions(a.root / "app/main.sh", fs::perms::owner_exec, fs::perm_options::add);
        CHECK(d.read(a.root, "Dockerfile")->digest != first->digest);
    }
    SUBCASE("a new file does, and a removed one; what was removed is forgotten") {
        a.write("app/new.sh", "new\n");
        const auto grown = d.read(a.root, "Dockerfile");
        CHECK(grown->digest != first->digest);
        CHECK(d.remembered() == 4);
        fs::remove(a.root / "app/new.sh");
        CHECK(d.read(a.root, "Dockerfile")->digest == first->digest);
        CHECK(d.remembered() == 3);
    }
}

TEST_CASE("build context: one digester over several contexts reads none of them again when nothing changed") {
    temp_context a, b;
    for (const auto* c : {&a, &b}) {
        c->write("Dockerfile", "FROM scratch\nCOPY app /app\n");
        c->write("app/main.sh", "echo hi\n");
    }
    context_digester d;
    REQUIRE(d.read(a.root, "Dockerfile").ok());
    REQUIRE(d.read(b.root, "Dockerfile").ok());
    CHECK(d.remembered() == 4);
    REQUIRE(d.read(a.root, "Dockerfile").ok());
    CHECK(d.read_last() == 0);
    REQUIRE(d.read(b.root, "Dockerfile").ok());
    CHECK(d.read_last() == 0);
    fs::remove(b.root / "app/main.sh");
    REQUIRE(d.read(b.root, "Dockerfile").ok());
    CHECK(d.remembered() == 3);   // b's file gone, a's kept
}

TEST_CASE("build context: what .dockerignore excludes is neither listed nor digested; the Dockerfile always is") {
    temp_context c;
    c.write("Dockerfile", "FROM scratch\n");
    c.write("src/app.c", "int main(){}\n");
    c.write("node_modules/big/index.js", "x\n");
    c.write("notes.md", "n\n");
    c.write("README.md", "r\n");
    c.write(".dockerignore", "node_modules\n*.md\n!README.md\nDockerfile\n");
    context_digester d;
    auto l = d.read(c.root, "Dockerfile");
    REQUIRE_MESSAGE(l.ok(), l.err().message);
    CHECK(paths(*l) == std::vector<std::string>{".dockerignore", "Dockerfile", "README.md", "src", "src/app.c"});
    const auto digest = l->digest;
    c.write("notes.md", "changed\n");
    c.write("node_modules/big/index.js", "changed\n");
    CHECK(d.read(c.root, "Dockerfile")->digest == digest);
    CHECK(d.read_last() == 0);                      // excluded files are never read
    c.write("README.md", "changed\n");
    CHECK(d.read(c.root, "Dockerfile")->digest != digest);
}

TEST_CASE("build context: a link is recorded by its target, not followed") {
    temp_context c;
    c.write("Dockerfile", "FROM scratch\n");
    fs::create_symlink("/etc/passwd", c.root / "passwd");
    context_digester d;
    auto l = d.read(c.root, "Dockerfile");
    REQUIRE(l.ok());
    REQUIRE(l->entries.size() == 2);
    CHECK(l->entries[1].kind == context_entry::type::symlink);
    CHECK(l->entries[1].link == "/etc/passwd");
    CHECK(l->bytes == 13);
}

TEST_CASE("build context: errors name the place") {
    temp_context c;
    c.write("Dockerfile", "FROM scratch\n");
    c.write(".dockerignore", "ok\n[a\n");
    context_digester d;
    CHECK(d.read(c.root, "Dockerfile").err().message == (c.root / ".dockerignore").string() + ": line 2: '[' is not closed by ']'");
    CHECK(d.read(c.root / "missing", "Dockerfile").err().message ==
          "build context: " + (c.root / "missing").string() + ": No such file or directory");
    CHECK(d.read(c.root / "Dockerfile", "Dockerfile").err().message ==
          "build context: " + (c.root / "Dockerfile").string() + ": not a folder");
}
