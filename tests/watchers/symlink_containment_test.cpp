// Symlinks are followed only where they resolve under the watched folder:
// driftless runs as root, and whoever can write the folder must not make it
// read /etc/shadow or walk /usr.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "watchers/directory_source.hpp"
#include "watchers/document_files.hpp"
#include "watchers/temp_tree.hpp"

namespace {

using driftless::watchers::directory_source;
using driftless::watchers::document_change;
using driftless::watchers::scan_error;
using driftless::watchers::walk_documents;
using driftless::watchers::testing::temp_tree;
using errors = std::vector<scan_error>;
using changes = std::vector<document_change>;

constexpr const char* outside = "symlink leads outside the watched folder; not followed";
constexpr const char* shadow_line = "root:$6$salt$0123456789abcdef:19000:0:99999:7:::\n";

std::vector<std::string> strings(const std::vector<std::filesystem::path>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(p.generic_string());
    return out;
}

document_change upsert(std::string id, std::string text) {
    return {document_change::op_kind::upsert, std::move(id), std::move(text)};
}

}  // namespace

TEST_CASE("a symlink leading outside the watched folder is an error, never read") {
    temp_tree t;
    temp_tree elsewhere;
    elsewhere.write("shadow", shadow_line);
    elsewhere.write("tree/a/x.yaml", "name: a\n");
    elsewhere.write("tree/b/y.yaml", "name: b\n");
    t.write("ok.yaml", "name: ok\n");
    t.symlink(elsewhere.path("shadow").string(), "absolute.yaml");
    t.symlink("../" + elsewhere.root().filename().string() + "/shadow", "relative.yaml");
    t.symlink(elsewhere.path("tree").string(), "big");
    t.symlink("ok.yaml", "inside.yaml");

    SUBCASE("the walk neither lists nor enters them") {
        errors e;
        const auto tree = walk_documents(t.root(), e);
        CHECK(strings(tree.files) == std::vector<std::string>{t.id("inside.yaml"), t.id("ok.yaml")});
        REQUIRE(tree.folders.size() == 1);
        CHECK(tree.folders[0].path == t.root());
        CHECK(e == errors{{t.id("absolute.yaml"), outside}, {t.id("big"), outside}, {t.id("relative.yaml"), outside}});
    }

    SUBCASE("a source reports them and nothing of what they point at") {
        directory_source source(t.root());
        const auto first = source.scan();
        CHECK(first.changes == changes{upsert(t.id("inside.yaml"), "name: ok\n"), upsert(t.id("ok.yaml"), "name: ok\n")});
        CHECK(first.errors == errors{{t.id("absolute.yaml"), outside}, {t.id("big"), outside}, {t.id("relative.yaml"), outside}});
        for (const auto& err : first.errors) CHECK(err.to_string().find("root:") == std::string::npos);
    }

    SUBCASE("a symlink re-pointed outside keeps its last good text and is not read") {
        directory_source source(t.root());
        (void)source.scan();
        t.remove("inside.yaml");
        t.symlink(elsewhere.path("shadow").string(), "inside.yaml");
        const auto second = source.scan();
        CHECK(second.changes.empty());   // no erase, no upsert of the shadow line
        CHECK(second.errors == errors{{t.id("absolute.yaml"), outside},
                                      {t.id("big"), outside},
                                      {t.id("inside.yaml"), outside},
                                      {t.id("relative.yaml"), outside}});
        t.remove("inside.yaml");
        t.symlink("ok.yaml", "inside.yaml");
        CHECK(source.scan().changes == changes{upsert(t.id("inside.yaml"), "name: ok\n")});
    }
}

TEST_CASE("a symlink to /usr is not walked") {
    temp_tree t;
    t.symlink("/usr", "usr");
    errors e;
    const auto tree = walk_documents(t.root(), e);
    CHECK(tree.files.empty());
    CHECK(tree.folders.size() == 1);
    CHECK(e == errors{{t.id("usr"), outside}});
}

TEST_CASE("symlinks that stay under the watched folder are followed") {
    temp_tree t;
    errors e;

    SUBCASE("Kubernetes ConfigMap volume: key -> ..data/key, ..data -> ..<timestamp>") {
        t.write("..2024_01_01_00_00_00.1/web.yaml", "w");
        t.symlink("..2024_01_01_00_00_00.1", "..data");
        t.symlink("..data/web.yaml", "web.yaml");
        t.symlink(t.path("..data/web.yaml").string(), "absolute.yaml");   // absolute, but inside
        CHECK(strings(walk_documents(t.root(), e).files) ==
              std::vector<std::string>{t.id("absolute.yaml"), t.id("web.yaml")});
        CHECK(e.empty());
    }

    SUBCASE("git-sync: a checkout linked into the watched folder") {
        t.write(".worktrees/h1/apps/web.yaml", "w");
        t.symlink(".worktrees/h1", "repo");
        CHECK(strings(walk_documents(t.root(), e).files) == std::vector<std::string>{t.id("repo/apps/web.yaml")});
        CHECK(e.empty());
    }

    SUBCASE("git-sync: the watched folder is the link; links inside the checkout stay in it") {
        t.write(".worktrees/h0/old.yaml", "o");
        t.write(".worktrees/h1/web.yaml", "w");
        t.symlink("web.yaml", ".worktrees/h1/alias.yaml");
        t.symlink("../h0/old.yaml", ".worktrees/h1/previous.yaml");   // another revision: outside this root
        t.symlink(".worktrees/h1", "repo");
        CHECK(strings(walk_documents(t.path("repo"), e).files) ==
              std::vector<std::string>{t.id("repo/alias.yaml"), t.id("repo/web.yaml")});
        CHECK(e == errors{{t.id("repo/previous.yaml"), outside}});
    }

    SUBCASE("a root given as a file is read wherever it points") {
        temp_tree elsewhere;
        elsewhere.write("web.yaml", "w");
        t.symlink(elsewhere.path("web.yaml").string(), "web.yaml");
        directory_source source(t.path("web.yaml"));
        CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "w")});
    }
}
