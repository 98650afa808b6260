#include "watchers/directory_source.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "watchers/temp_tree.hpp"

namespace {

using driftless::watchers::directory_source;
using driftless::watchers::document_change;
using driftless::watchers::scan_error;
using driftless::watchers::source_options;
using driftless::watchers::testing::temp_tree;

document_change upsert(std::string id, std::string text) {
    return {document_change::op_kind::upsert, std::move(id), std::move(text)};
}
document_change erase(std::string id) { return {document_change::op_kind::erase, std::move(id), {}}; }

using changes = std::vector<document_change>;
using errors = std::vector<scan_error>;

}  // namespace

TEST_CASE("directory_source scan") {
    temp_tree t;
    t.write("web.yaml", "name: web\n");
    t.write("sub/db.yaml", "name: db\n");
    t.write("notes.txt", "not a document");
    directory_source source(t.root());

    const auto first = source.scan();
    CHECK(first.changes == changes{upsert(t.id("sub/db.yaml"), "name: db\n"), upsert(t.id("web.yaml"), "name: web\n")});
    CHECK(first.errors.empty());

    SUBCASE("an unchanged tree yields no change") {
        CHECK(source.scan().empty());
        CHECK(source.scan().empty());
    }

    SUBCASE("a file changed in place, same size, at once, is seen") {
        t.write("web.yaml", "name: wex\n");
        CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "name: wex\n")});
        CHECK(source.scan().empty());
    }

    SUBCASE("a file replaced by rename is seen") {
        t.write_atomic("web.yaml", "name: web\nimage: x\n");
        CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "name: web\nimage: x\n")});
    }

    SUBCASE("rewriting the same bytes is no change") {
        t.write("web.yaml", "name: web\n");
        t.write_atomic("sub/db.yaml", "name: db\n");
        CHECK(source.scan().empty());
    }

    SUBCASE("a new file is an upsert, a deleted one an erase") {
        t.write("new/api.json", "{}");
        t.remove("sub");
        const auto r = source.scan();
        CHECK(r.changes == changes{upsert(t.id("new/api.json"), "{}"), erase(t.id("sub/db.yaml"))});
        CHECK(r.errors.empty());
        CHECK(source.size() == 2);
    }

    SUBCASE("a file that cannot be read is an error, not an erase") {
        t.remove("web.yaml");
        t.symlink("missing.yaml", "web.yaml");
        auto r = source.scan();
        CHECK(r.changes.empty());
        CHECK(r.errors == errors{{t.id("web.yaml"), "cannot follow symlink: No such file or directory"}});

        SUBCASE("the error stays while it lasts") {
            CHECK(source.scan().errors == r.errors);
        }
        SUBCASE("once readable again the text is sent again, even if unchanged") {
            t.remove("web.yaml");
            t.write("web.yaml", "name: web\n");
            r = source.scan();
            CHECK(r.changes == changes{upsert(t.id("web.yaml"), "name: web\n")});
            CHECK(r.errors.empty());
        }
        SUBCASE("pointed back at the same file, the text is sent again") {
            t.write(".keep/web.yaml", "name: web\n");
            t.remove("web.yaml");
            t.symlink(".keep/web.yaml", "web.yaml");
            CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "name: web\n")});
            t.remove("web.yaml");
            t.symlink("missing.yaml", "web.yaml");
            CHECK(source.scan().errors.size() == 1);
            t.remove("web.yaml");
            t.symlink(".keep/web.yaml", "web.yaml");
            r = source.scan();
            CHECK(r.changes == changes{upsert(t.id("web.yaml"), "name: web\n")});
            CHECK(r.errors.empty());
        }
        SUBCASE("once gone it is erased") {
            t.remove("web.yaml");
            r = source.scan();
            CHECK(r.changes == changes{erase(t.id("web.yaml"))});
            CHECK(r.errors.empty());
        }
    }

    SUBCASE("a document turned into a FIFO is an error, not an erase") {
        t.remove("web.yaml");
        t.mkfifo("web.yaml");
        const auto r = source.scan();
        CHECK(r.changes.empty());
        CHECK(r.errors == errors{{t.id("web.yaml"), "not a regular file; not read"}});
    }

    SUBCASE("documents under a folder that cannot be read are kept") {
        t.write(".mnt/api.yaml", "name: api\n");
        t.symlink(".mnt", "conf");
        CHECK(source.scan().changes == changes{upsert(t.id("conf/api.yaml"), "name: api\n")});
        t.remove("conf");
        t.symlink("/nonexistent-mount", "conf");
        const auto r = source.scan();
        CHECK(r.changes.empty());
        CHECK(r.errors == errors{{t.id("conf"), "cannot follow symlink: No such file or directory"}});

        t.remove("conf");
        const auto back = source.scan();
        CHECK(back.changes == changes{erase(t.id("conf/api.yaml"))});
        CHECK(back.errors.empty());
    }

    SUBCASE("a document with only errors is erased when it goes") {
        t.symlink("missing.yaml", "broken.yaml");
        CHECK(source.scan().errors.size() == 1);
        t.remove("broken.yaml");
        const auto r = source.scan();
        CHECK(r.changes == changes{erase(t.id("broken.yaml"))});
        CHECK(r.errors.empty());
        CHECK(source.scan().empty());
    }

    SUBCASE("a missing root changes nothing, and coming back changes nothing") {
        const auto moved = t.root().parent_path() / (t.root().filename().string() + "-moved");
        std::filesystem::rename(t.root(), moved);
        auto r = source.scan();
        std::filesystem::rename(moved, t.root());
        CHECK(r.changes.empty());
        CHECK(r.errors == errors{{t.root().generic_string(), "cannot read: No such file or directory"}});
        r = source.scan();
        CHECK(r.empty());
    }
}

TEST_CASE("directory_source limits and spelling") {
    temp_tree t;

    SUBCASE("a file larger than the limit is an error, not read") {
        t.write("big.yaml", "0123456789A");
        t.write("ok.yaml", "0123456789");
        directory_source source(t.root(), source_options{10});
        auto r = source.scan();
        CHECK(r.changes == changes{upsert(t.id("ok.yaml"), "0123456789")});
        CHECK(r.errors ==
              errors{{t.id("big.yaml"), "file is 11 bytes, more than the 10 a document may hold; not read"}});
        t.write("ok.yaml", "0123456789AB");
        r = source.scan();
        CHECK(r.changes.empty());
        CHECK(r.errors.size() == 2);
    }

    SUBCASE("doc_id is the root as given plus the relative path") {
        t.write("hello/web.yaml", "x");
        const auto relative = std::filesystem::relative(t.path("hello"));
        directory_source source(relative);
        const auto r = source.scan();
        REQUIRE(r.changes.size() == 1);
        CHECK(r.changes[0].doc_id == (relative / "web.yaml").generic_string());
        CHECK(r.changes[0].doc_id.find("/tmp/") != 0);
    }

    SUBCASE("a root that is a file is its own doc_id") {
        t.write("web.yaml", "a");
        directory_source source(t.path("web.yaml"));
        CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "a")});
        t.write("web.yaml", "b");
        CHECK(source.scan().changes == changes{upsert(t.id("web.yaml"), "b")});
        t.remove("web.yaml");
        const auto r = source.scan();
        CHECK(r.changes.empty());   // a missing root is never taken for an emptied one
        CHECK(r.errors.size() == 1);
    }

    SUBCASE("ConfigMap ..data swap: only what differs") {
        t.write("..v1/a.yaml", "a1");
        t.write("..v1/b.yaml", "b1");
        t.symlink("..v1", "..data");
        t.symlink("..data/a.yaml", "a.yaml");
        t.symlink("..data/b.yaml", "b.yaml");
        directory_source source(t.root());
        CHECK(source.scan().changes == changes{upsert(t.id("a.yaml"), "a1"), upsert(t.id("b.yaml"), "b1")});

        t.write("..v2/a.yaml", "a1");
        t.write("..v2/b.yaml", "b2");
        t.symlink("..v2", "..data_tmp");
        t.rename("..data_tmp", "..data");
        t.remove("..v1");
        CHECK(source.scan().changes == changes{upsert(t.id("b.yaml"), "b2")});
    }
}
