// .dockerignore rules, as docker's CLI applies them to a build context.
#include <doctest/doctest.h>

#include <string>

#include "desired_state/dockerignore.hpp"

using namespace driftless::desired_state;

namespace {

dockerignore rules(const std::string& text, const std::vector<std::string>& keep = {}) {
    auto r = dockerignore::parse(text, keep);
    REQUIRE_MESSAGE(r.ok(), r.err().message);
    return std::move(r).value();
}

}  // namespace

TEST_CASE("dockerignore: patterns are cleaned paths from the context's root") {
    CHECK(clean_pattern("./a/../b") == "b");
    CHECK(clean_pattern("/b/") == "b");
    CHECK(clean_pattern("a//b/./c/") == "a/b/c");
    CHECK(clean_pattern("../x") == "../x");
    CHECK(clean_pattern(".") == ".");
    CHECK(clean_pattern("/") == "/");

    const auto r = rules("# a comment\n\n   \n  /secrets/  \n./build/../dist\nabc\n");
    CHECK(r.excluded("secrets"));
    CHECK(r.excluded("secrets/key.pem"));        // under an excluded folder
    CHECK(r.excluded("dist/app.js"));
    CHECK_FALSE(r.excluded("build/app.js"));
    CHECK(r.excluded("abc"));
    CHECK_FALSE(r.excluded("x/abc"));            // not at any depth: from the root only
    CHECK_FALSE(r.excluded("abcd"));
    CHECK_FALSE(r.excluded("# a comment"));
}

TEST_CASE("dockerignore: '*', '?', classes and escapes stay within one path element") {
    const auto r = rules("*/temp*\n*/*/old*\ntemp?\n[a-c].txt\n[^x-z]?.log\n\\*.md\n");
    CHECK(r.excluded("somedir/temporary.txt"));
    CHECK(r.excluded("somedir/temp"));
    CHECK_FALSE(r.excluded("temporary.txt"));     // */ needs one folder
    CHECK(r.excluded("a/b/older"));
    CHECK_FALSE(r.excluded("a/older"));
    CHECK(r.excluded("tempa"));
    CHECK_FALSE(r.excluded("tempab"));
    CHECK_FALSE(r.excluded("temp"));
    CHECK(r.excluded("b.txt"));
    CHECK_FALSE(r.excluded("d.txt"));
    CHECK(r.excluded("ab.log"));
    CHECK_FALSE(r.excluded("yb.log"));
    CHECK(r.excluded("*.md"));
    CHECK_FALSE(r.excluded("README.md"));        // the '*' was escaped
}

TEST_CASE("dockerignore: '**' is any number of folders, none included") {
    const auto r = rules("**/*.go\ndocs/**\na/**/b\n");
    CHECK(r.excluded("main.go"));
    CHECK(r.excluded("cmd/x/main.go"));
    CHECK_FALSE(r.excluded("main.gox"));
    CHECK(r.excluded("docs/a/b.html"));
    CHECK(r.excluded("a/b"));
    CHECK(r.excluded("a/x/y/b"));
    CHECK(r.excluded("a/x/y/b/c"));               // under a matched folder
    CHECK_FALSE(r.excluded("ab"));
    CHECK_FALSE(r.excluded("a/xb"));
}

TEST_CASE("dockerignore: '!' sends again what an earlier pattern excluded; the last match decides") {
    const auto r = rules("*.md\n!README*.md\nREADME-secret.md\n");
    CHECK(r.excluded("CHANGELOG.md"));
    CHECK_FALSE(r.excluded("README.md"));
    CHECK_FALSE(r.excluded("README-x.md"));
    CHECK(r.excluded("README-secret.md"));
    CHECK_FALSE(r.excluded("docs/x.md"));         // *.md is the root's only

    // An exception inside an excluded folder: the folder is walked, not skipped.
    const auto n = rules("node_modules\n!node_modules/keep.js\n");
    CHECK(n.excluded("node_modules/a/b.js"));
    CHECK_FALSE(n.excluded("node_modules/keep.js"));
    CHECK_FALSE(n.skip_folder("node_modules"));
    const auto plain = rules("node_modules\n");
    CHECK(plain.skip_folder("node_modules"));
    CHECK_FALSE(plain.skip_folder("src"));
}

TEST_CASE("dockerignore: the Dockerfile and .dockerignore are always sent") {
    const auto r = rules("*\n", {"Dockerfile", ".dockerignore"});
    CHECK_FALSE(r.excluded("Dockerfile"));
    CHECK_FALSE(r.excluded(".dockerignore"));
    CHECK(r.excluded("src"));
    CHECK(r.excluded("main.c"));
    CHECK(r.skip_folder("src"));

    // A Dockerfile in a folder the file excludes: that folder is walked.
    const auto nested = rules("build\n", {"build/Dockerfile.prod", ".dockerignore"});
    CHECK_FALSE(nested.excluded("build/Dockerfile.prod"));
    CHECK(nested.excluded("build/cache.bin"));
    CHECK_FALSE(nested.skip_folder("build"));

    // A file with no patterns excludes nothing.
    CHECK(rules("# nothing\n", {"Dockerfile"}).empty());
}

TEST_CASE("dockerignore: a pattern that cannot be read names its line") {
    CHECK(dockerignore::parse("ok\n[a-\n").err().message == "line 2: '[' is not closed by ']'");
    CHECK(dockerignore::parse("a\\").err().message == "line 1: ends with '\\', which escapes nothing");
    CHECK(dockerignore::parse("\n\n[z-a]\n").err().message == "line 3: the range z-a runs backwards");
}

TEST_CASE("dockerignore: a pattern of many stars against a long name costs no more than its size") {
    const auto r = rules("*a*a*a*a*a*a*a*a*b\n");
    CHECK_FALSE(r.excluded(std::string(4000, 'a')));
    CHECK(r.excluded(std::string(4000, 'a') + "b"));
}
