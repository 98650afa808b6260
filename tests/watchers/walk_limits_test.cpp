// Caps on how much one walk reads: beyond them the walk stops with an error
// for the root, and nothing is erased because of it.
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
using driftless::watchers::source_options;
using driftless::watchers::walk_documents;
using driftless::watchers::walk_limits;
using driftless::watchers::testing::temp_tree;
using errors = std::vector<scan_error>;

std::string over(const std::string& what) {
    return "more than " + what + " under the root; the rest is not read and nothing is removed: "
           "split the folder into several sources";
}

}  // namespace

TEST_CASE("walk limits") {
    CHECK(walk_limits{}.max_files == 10'000);
    CHECK(walk_limits{}.max_folders == 2'000);
    temp_tree t;
    errors e;

    SUBCASE("more documents than allowed stops the walk") {
        for (const char* name : {"a.yaml", "b.yaml", "c/d.yaml", "c/e.yaml", "f.yaml"}) t.write(name, "x");
        const auto tree = walk_documents(t.root(), e, walk_limits{3, 100});
        CHECK(tree.stopped);
        CHECK(tree.files.size() == 3);
        CHECK(e == errors{{t.root().generic_string(), over("3 documents")}});
    }

    SUBCASE("more folders than allowed stops the walk") {
        for (const char* name : {"a/x.yaml", "b/x.yaml", "c/x.yaml", "d/x.yaml"}) t.write(name, "x");
        const auto tree = walk_documents(t.root(), e, walk_limits{100, 3});
        CHECK(tree.stopped);
        CHECK(tree.folders.size() == 3);
        CHECK(e == errors{{t.root().generic_string(), over("3 folders")}});
    }

    SUBCASE("at the limits exactly, nothing is stopped") {
        for (const char* name : {"a/x.yaml", "b/x.yaml"}) t.write(name, "x");
        const auto tree = walk_documents(t.root(), e, walk_limits{2, 3});
        CHECK_FALSE(tree.stopped);
        CHECK(e.empty());
    }
}

TEST_CASE("a source over its limits erases nothing") {
    temp_tree t;
    for (const char* name : {"a.yaml", "b.yaml", "c.yaml"}) t.write(name, "x");
    source_options options;
    options.walk = walk_limits{4, 100};
    directory_source source(t.root(), options);
    REQUIRE(source.scan().changes.size() == 3);

    // Sorted first, these push b.yaml and c.yaml past the cap: they are no
    // longer listed, and are not taken for deleted.
    t.write("0.yaml", "y");
    t.write("00.yaml", "y");
    t.write("1.yaml", "y");
    const auto over_limit = source.scan();
    CHECK(over_limit.changes.size() == 3);
    for (const auto& c : over_limit.changes) CHECK(c.op == document_change::op_kind::upsert);
    CHECK(over_limit.errors == errors{{t.root().generic_string(), over("4 documents")}});
    CHECK(source.size() == 6);

    t.remove("0.yaml");
    t.remove("00.yaml");
    t.remove("1.yaml");
    const auto back = source.scan();
    CHECK(back.errors.empty());
    CHECK(back.changes.size() == 3);
    for (const auto& c : back.changes) CHECK(c.op == document_change::op_kind::erase);
    CHECK(source.size() == 3);
}
