#include "watchers/document_files.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "watchers/temp_tree.hpp"

namespace {

using driftless::watchers::is_document_name;
using driftless::watchers::is_editor_temp_name;
using driftless::watchers::list_document_files;
using driftless::watchers::scan_error;
using driftless::watchers::walk_documents;
using driftless::watchers::testing::temp_tree;

std::vector<std::string> strings(const std::vector<std::filesystem::path>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(p.generic_string());
    return out;
}

}  // namespace

TEST_CASE("document names") {
    SUBCASE("yaml, yml and json are documents") {
        CHECK(is_document_name("web.yaml"));
        CHECK(is_document_name("web.yml"));
        CHECK(is_document_name("web.json"));
        CHECK(is_document_name("docker-compose.yml"));
    }
    SUBCASE("other suffixes are not; suffixes are case-sensitive") {
        CHECK_FALSE(is_document_name("web.txt"));
        CHECK_FALSE(is_document_name("README"));
        CHECK_FALSE(is_document_name("web.yaml.bak"));
        CHECK_FALSE(is_document_name("WEB.YAML"));
        CHECK_FALSE(is_document_name(""));
    }
    SUBCASE("dotfiles are not documents") {
        CHECK_FALSE(is_document_name(".web.yaml"));
        CHECK_FALSE(is_document_name("..data"));
        CHECK_FALSE(is_document_name(".yaml"));
    }
    SUBCASE("editor temporaries are not documents") {
        for (const char* name : {".#web.yaml", "#web.yaml#", "web.yaml~", ".web.yaml.swp", ".web.yaml.swx",
                                 ".web.yaml.swo", "4913", "web.yaml.tmp", "x.tmp"}) {
            CAPTURE(name);
            CHECK(is_editor_temp_name(name));
            CHECK_FALSE(is_document_name(name));
        }
        CHECK_FALSE(is_editor_temp_name("web.yaml"));
        CHECK_FALSE(is_editor_temp_name("#"));
        CHECK_FALSE(is_editor_temp_name("..data"));
    }
}

TEST_CASE("list_document_files") {
    temp_tree t;
    std::vector<scan_error> errors;

    SUBCASE("recursive and sorted, skipping dot entries and temporaries") {
        for (const char* f : {"b.yml", "a.yaml", "c.json", "notes.txt", "sub/d.yaml", "sub/deeper/e.yaml",
                              "z/f.yaml", ".hidden.yaml", ".git/config.yaml", "web.yaml~", "#web.yaml#",
                              ".web.yaml.swp", "4913", "x.yaml.tmp", ".#a.yaml"}) {
            t.write(f, "x");
        }
        CHECK(strings(list_document_files(t.root(), errors)) ==
              std::vector<std::string>{t.id("a.yaml"), t.id("b.yml"), t.id("c.json"), t.id("sub/d.yaml"),
                                       t.id("sub/deeper/e.yaml"), t.id("z/f.yaml")});
        CHECK(errors.empty());
    }

    SUBCASE("an empty folder is not an error") {
        CHECK(list_document_files(t.root(), errors).empty());
        CHECK(errors.empty());
    }

    SUBCASE("a root that is a file is read whatever its name") {
        t.write("one.conf", "x");
        CHECK(strings(list_document_files(t.path("one.conf"), errors)) == std::vector<std::string>{t.id("one.conf")});
        CHECK(errors.empty());
    }

    SUBCASE("a root that is a symlink to a folder is spelled as given (git-sync)") {
        t.write(".worktrees/abc/web.yaml", "x");
        t.symlink(".worktrees/abc", "repo");
        CHECK(strings(list_document_files(t.path("repo"), errors)) ==
              std::vector<std::string>{t.id("repo/web.yaml")});
        CHECK(errors.empty());
    }

    SUBCASE("non-dot symlinks into dot folders are followed (ConfigMap volume)") {
        t.write("..2024_01_01_00_00_00.1/web.yaml", "x");
        t.write("..2024_01_01_00_00_00.1/db.yaml", "x");
        t.symlink("..2024_01_01_00_00_00.1", "..data");
        t.symlink("..data/web.yaml", "web.yaml");
        t.symlink("..data/db.yaml", "db.yaml");
        CHECK(strings(list_document_files(t.root(), errors)) ==
              std::vector<std::string>{t.id("db.yaml"), t.id("web.yaml")});
        CHECK(errors.empty());
    }

    SUBCASE("a symlink cycle ends, each file once, no error") {
        t.write("sub/x.yaml", "x");
        t.symlink("..", "sub/up");
        t.symlink("sub", "again");
        CHECK(strings(list_document_files(t.root(), errors)) == std::vector<std::string>{t.id("again/x.yaml")});
        CHECK(errors.empty());
    }

    SUBCASE("nesting deeper than the cap is an error for that folder") {
        std::string deep;
        for (int i = 0; i <= driftless::watchers::max_walk_depth; ++i) deep += "d/";
        t.write(deep + "x.yaml", "x");
        t.write("top.yaml", "x");
        CHECK(strings(list_document_files(t.root(), errors)) == std::vector<std::string>{t.id("top.yaml")});
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].path == t.id(deep.substr(0, deep.size() - 1)));
        CHECK(errors[0].message == "folders nested deeper than 32 levels below the root; not read");
    }

    SUBCASE("a missing root is an error, and the walk says the root was unreadable") {
        const auto tree = walk_documents(t.path("missing"), errors);
        CHECK_FALSE(tree.root_readable);
        CHECK(tree.files.empty());
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].to_string() == t.id("missing") + ": cannot read: No such file or directory");
    }

    SUBCASE("a broken symlink is an error, the rest is listed") {
        t.write("ok.yaml", "x");
        t.symlink("nowhere/web.yaml", "web.yaml");
        t.symlink("/nonexistent-mount", "conf");
        CHECK(strings(list_document_files(t.root(), errors)) == std::vector<std::string>{t.id("ok.yaml")});
        REQUIRE(errors.size() == 2);
        CHECK(errors[0].to_string() == t.id("conf") + ": cannot follow symlink: No such file or directory");
        CHECK(errors[1].to_string() == t.id("web.yaml") + ": cannot follow symlink: No such file or directory");
    }

    SUBCASE("a document name that is not a regular file is an error") {
        t.mkfifo("pipe.yaml");
        CHECK(list_document_files(t.root(), errors).empty());
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].to_string() == t.id("pipe.yaml") + ": not a regular file; not read");
    }

    SUBCASE("a folder with a document name is a folder") {
        t.write("dir.yaml/inner.yaml", "x");
        CHECK(strings(list_document_files(t.root(), errors)) ==
              std::vector<std::string>{t.id("dir.yaml/inner.yaml")});
    }
}
