// Real temp folders, real inotify. The io_context runs until a condition
// holds or a deadline passes; nothing here depends on how long things take.
#include <utility>

#include "watchers/folder_changes.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>

#include "watchers/run_until.hpp"
#include "watchers/temp_tree.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using driftless::watchers::folder_changes;
using driftless::watchers::folder_changes_options;
using driftless::watchers::testing::temp_tree;

folder_changes_options fast_options(std::size_t max_watches = 8192) {
    folder_changes_options o;
    o.quiet = 20ms;
    o.max_delay = 200ms;
    o.max_watches = max_watches;
    return o;
}

class harness {
public:
    explicit harness(folder_changes_options options = fast_options())
        : changes_(io_.get_executor(), options, [this] { ++calls; }) {}

    // Watches `roots` and waits out the call a first watch makes.
    void watch(const std::set<std::string>& roots) {
        const int before = calls;
        changes_.watch(roots);
        REQUIRE(run_until([&] { return calls > before; }));
        calls = 0;
    }

    template <class Predicate>
    bool run_until(Predicate done, std::chrono::steady_clock::duration deadline = 10s) {
        return driftless::watchers::testing::run_until(io_, done, deadline);
    }

    // Lets queued events be read, when nothing is expected of them.
    void settle() { run_until([] { return false; }, 150ms); }

    folder_changes& changes() { return changes_; }
    int calls = 0;

private:
    asio::io_context io_;
    folder_changes changes_;
};

}  // namespace

TEST_CASE("folder_changes on a build context") {
    temp_tree t;
    t.write("Dockerfile", "FROM scratch");
    t.write("src/main.c", "v1");
    const std::string root = t.root().string();
    harness h;
    h.watch({root});
    REQUIRE(h.changes().stats().inotify);
    CHECK(h.changes().stats().watches == 3);   // its two folders, and its own entry in the folder above
    const auto v0 = h.changes().version(root);
    REQUIRE(v0.has_value());

    SUBCASE("nothing happened: same version, no call") {
        h.settle();
        CHECK(h.changes().version(root) == v0);
        CHECK(h.calls == 0);
    }

    SUBCASE("an edit below the root, written in place") {
        t.write("src/main.c", "v2");
        CHECK(h.run_until([&] { return h.calls == 1; }));
        CHECK(h.changes().version(root) != v0);
    }

    SUBCASE("any file counts: an editor's temporary, a file .dockerignore may exclude") {
        t.write(".main.c.swp", "x");
        CHECK(h.run_until([&] { return h.calls == 1; }));
        CHECK(h.changes().version(root) != v0);
    }

    SUBCASE("an editor's save burst is one call") {
        // Written before the loop runs, so every event waits in the queue.
        for (int i = 0; i < 50; ++i) t.write_atomic("src/main.c", "v" + std::to_string(i));
        REQUIRE(h.run_until([&] { return h.calls >= 1; }));
        h.settle();
        CHECK(h.calls == 1);
    }

    SUBCASE("a folder created later is watched, and so are the ones made in it at once") {
        t.write("lib/deeper/util.c", "u1");   // mkdir -p, then a file: before its watch may exist
        REQUIRE(h.run_until([&] { return h.calls >= 1 && h.changes().stats().watches == 5; }));
        const auto v1 = h.changes().version(root);
        CHECK(v1 != v0);
        h.settle();
        h.calls = 0;
        t.write("lib/deeper/util.c", "u2");
        CHECK(h.run_until([&] { return h.calls == 1; }));
        CHECK(h.changes().version(root) != v1);
    }

    SUBCASE("a removed folder is dropped; one moved out is no longer watched") {
        t.write("gone/x.c", "x");
        t.write("moved/y.c", "y");
        REQUIRE(h.run_until([&] { return h.changes().stats().watches == 5; }));
        t.remove("gone");
        std::filesystem::rename(t.path("moved"), t.root().parent_path() / (t.root().filename().string() + "-out"));
        CHECK(h.run_until([&] { return h.changes().stats().watches == 3; }));
        h.settle();
        h.calls = 0;
        const auto v1 = h.changes().version(root);
        const auto out = t.root().parent_path() / (t.root().filename().string() + "-out");
        { std::ofstream(out / "y.c") << "outside"; }
        h.settle();
        CHECK(h.calls == 0);
        CHECK(h.changes().version(root) == v1);
        std::filesystem::remove_all(out);
    }

    SUBCASE("a root no longer asked for is no longer watched") {
        h.changes().watch({});
        CHECK(h.changes().stats().watches == 0);
        CHECK_FALSE(h.changes().version(root).has_value());
        t.write("src/main.c", "v2");
        h.settle();
        CHECK(h.calls == 0);
    }

    SUBCASE("stop is idempotent and ends the calls") {
        h.changes().stop();
        h.changes().stop();
        CHECK_FALSE(h.changes().stats().inotify);
        CHECK_FALSE(h.changes().version(root).has_value());
        t.write("src/main.c", "v2");
        h.settle();
        CHECK(h.calls == 0);
    }
}

TEST_CASE("folder_changes keeps each root's version apart") {
    temp_tree t;
    t.write("a/Dockerfile", "FROM scratch");
    t.write("b/Dockerfile", "FROM scratch");
    const std::string a = t.path("a").string(), b = t.path("b").string();
    harness h;
    h.watch({a, b});
    const auto va = h.changes().version(a), vb = h.changes().version(b);
    REQUIRE(va.has_value());
    REQUIRE(vb.has_value());
    t.write("a/Dockerfile", "FROM scratch\nCOPY x /");
    REQUIRE(h.run_until([&] { return h.calls == 1; }));
    CHECK(h.changes().version(a) != va);
    CHECK(h.changes().version(b) == vb);
    CHECK_FALSE(h.changes().version(t.root().string()).has_value());   // never asked for
}

TEST_CASE("folder_changes on a root that is not a folder yet") {
    temp_tree t;
    const std::string root = t.path("later").string();
    harness h;
    h.changes().watch({root});
    CHECK_FALSE(h.changes().version(root).has_value());
    CHECK(h.changes().stats().watches == 1);   // its entry, in the folder that will hold it
    t.write("later/Dockerfile", "FROM scratch");
    // Its creation is an event there: watched at once, and a change.
    CHECK(h.run_until([&] { return h.calls >= 1 && h.changes().version(root).has_value(); }));
    CHECK(h.changes().stats().watches == 2);
}

TEST_CASE("folder_changes past its watch limit") {
    temp_tree t;
    t.write("one/f", "1");
    t.write("two/f", "2");
    t.write("three/f", "3");
    const std::string root = t.root().string();
    harness h(fast_options(2));
    h.watch({root});
    const auto stats = h.changes().stats();
    CHECK(stats.watches == 3);   // two folders, and the root's own entry
    CHECK(stats.incomplete == 1);
    // Not watched in full: the caller reads it every time.
    CHECK_FALSE(h.changes().version(root).has_value());
    // What is watched still wakes the caller.
    t.write("f", "root");
    CHECK(h.run_until([&] { return h.calls == 1; }));

    SUBCASE("back under the limit, it is watched in full again") {
        t.remove("two");
        t.remove("three");
        REQUIRE(h.run_until([&] { return h.changes().stats().incomplete == 0; }));
        CHECK(h.changes().version(root).has_value());
        CHECK(h.changes().stats().watches == 3);
    }
}

TEST_CASE("folder_changes on a context reached through a link that git-sync re-points") {
    // /git/current -> worktrees/a, the context /git/current/shop: the swap
    // to worktrees/b changes nothing inside a's tree, and a may stay a while.
    temp_tree t;
    t.write("worktrees/a/shop/Dockerfile", "FROM scratch");
    t.write("worktrees/a/shop/src/main.c", "v1");
    t.symlink("worktrees/a", "current");
    const std::string root = t.path("current/shop").string();
    harness h;
    h.watch({root});
    const auto v0 = h.changes().version(root);
    REQUIRE(v0.has_value());

    t.write("worktrees/b/shop/Dockerfile", "FROM scratch");
    t.write("worktrees/b/shop/src/main.c", "v2");
    h.settle();
    h.calls = 0;
    t.symlink("worktrees/b", "current.tmp");
    std::filesystem::rename(t.path("current.tmp"), t.path("current"));
    CHECK(h.run_until([&] { return h.calls > 0; }));
    const auto v1 = h.changes().version(root);
    CHECK(v1.has_value());
    CHECK(v1 != v0);

    // From now on b's tree is the one watched: an edit there counts, one in a does not.
    h.settle();
    h.calls = 0;
    t.write("worktrees/a/shop/src/main.c", "stale");
    h.settle();
    CHECK(h.calls == 0);
    CHECK(h.changes().version(root) == v1);
    t.write("worktrees/b/shop/src/main.c", "v3");
    CHECK(h.run_until([&] { return h.calls > 0; }));
    CHECK(h.changes().version(root) != v1);
}
