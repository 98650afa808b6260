// Real temp folders, real inotify. The io_context runs until a condition
// holds or a deadline passes; nothing here depends on how long things take.
#include <utility>

#include "watchers/directory_watcher.hpp"

#include <sys/resource.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "watchers/run_until.hpp"
#include "watchers/temp_tree.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using driftless::watchers::directory_watcher;
using driftless::watchers::document_change;
using driftless::watchers::scan_error;
using driftless::watchers::watcher_options;
using driftless::watchers::testing::temp_tree;

watcher_options fast_options() {
    watcher_options o;
    o.debounce = 20ms;
    o.max_delay = 200ms;
    o.rescan = 0ms;  // off: what is seen here is seen through inotify
    return o;
}

// Applies every report to a view of the documents, as a consumer would.
class harness {
public:
    explicit harness(const std::filesystem::path& root, watcher_options options = fast_options())
        : watcher_(io_.get_executor(), root, options,
                   [this](std::vector<document_change> c, std::vector<scan_error> e) {
                       ++callbacks;
                       apply(c);
                       errors = std::move(e);
                   }) {}

    void start() {
        auto first = watcher_.start();
        apply(first.changes);
        errors = std::move(first.errors);
    }

    // Runs the loop until `done()` holds; false when the deadline passed.
    template <class Predicate>
    bool run_until(Predicate done, std::chrono::steady_clock::duration deadline = 10s) {
        return driftless::watchers::testing::run_until(io_, done, deadline);
    }

    bool has(const std::string& id, const std::string& text) const {
        auto it = view.find(id);
        return it != view.end() && it->second == text;
    }
    bool erased(const std::string& id) const {
        return std::any_of(log.begin(), log.end(), [&](const document_change& c) {
            return c.doc_id == id && c.op == document_change::op_kind::erase;
        });
    }

    directory_watcher& watcher() { return watcher_; }

    std::map<std::string, std::string> view;
    std::vector<document_change> log;   // every change reported after start()
    std::vector<scan_error> errors;
    int callbacks = 0;

private:
    void apply(const std::vector<document_change>& changes) {
        for (const auto& c : changes) {
            if (started_) log.push_back(c);
            if (c.op == document_change::op_kind::upsert) {
                view[c.doc_id] = c.text;
            } else {
                view.erase(c.doc_id);
            }
        }
        started_ = true;
    }

    asio::io_context io_;
    directory_watcher watcher_;
    bool started_ = false;
};

}  // namespace

TEST_CASE("directory_watcher on a folder") {
    temp_tree t;
    t.write("web.yaml", "v1");
    t.write("sub/db.yaml", "db1");
    harness h(t.root());
    h.start();
    REQUIRE(h.view == std::map<std::string, std::string>{{t.id("sub/db.yaml"), "db1"}, {t.id("web.yaml"), "v1"}});
    REQUIRE(h.watcher().stats().inotify);

    SUBCASE("write in place") {
        t.write("web.yaml", "v2");
        CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v2"); }));
    }

    SUBCASE("atomic rename over the file, no erase") {
        t.write_atomic("web.yaml", "v2-longer");
        CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v2-longer"); }));
        CHECK_FALSE(h.erased(t.id("web.yaml")));
        CHECK_FALSE(h.view.contains(t.id("web.yaml.tmp")));
    }

    SUBCASE("delete") {
        t.remove("sub/db.yaml");
        CHECK(h.run_until([&] { return h.erased(t.id("sub/db.yaml")); }));
        CHECK_FALSE(h.view.contains(t.id("sub/db.yaml")));
    }

    SUBCASE("a folder created later is watched") {
        const auto watches = h.watcher().stats().watches;
        t.mkdir("later");
        REQUIRE(h.run_until([&] { return h.watcher().stats().watches == watches + 1; }));
        t.write("later/api.yaml", "api");
        CHECK(h.run_until([&] { return h.has(t.id("later/api.yaml"), "api"); }));
        t.write("later/api.yaml", "api2");
        CHECK(h.run_until([&] { return h.has(t.id("later/api.yaml"), "api2"); }));
    }

    SUBCASE("a folder created with files already in it") {
        t.write("later/deeper/api.yaml", "api");
        CHECK(h.run_until([&] { return h.has(t.id("later/deeper/api.yaml"), "api"); }));
        t.write("later/deeper/api.yaml", "api2");
        CHECK(h.run_until([&] { return h.has(t.id("later/deeper/api.yaml"), "api2"); }));
    }

    SUBCASE("a burst of 50 writes is coalesced") {
        // Written before the loop runs, so the events wait in the queue; the
        // watcher must still answer them with few scans.
        for (int i = 0; i < 50; ++i) t.write("web.yaml", "v" + std::to_string(i));
        CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v49"); }));
        CHECK(h.callbacks <= 3);
    }

    SUBCASE("editor temporaries are ignored") {
        for (const char* name : {".web.yaml.swp", ".web.yaml.swx", "4913", "web.yaml~", "#web.yaml#", "x.tmp"}) {
            t.write(name, "junk");
        }
        t.write("zz.yaml", "z");
        REQUIRE(h.run_until([&] { return h.has(t.id("zz.yaml"), "z"); }));
        const auto stats = h.watcher().stats();
        CHECK(stats.ignored_events >= 12);  // IN_CREATE and IN_CLOSE_WRITE for each
        CHECK(h.log.size() == 1);
        CHECK(h.view.size() == 3);
    }

    SUBCASE("an unreadable file is reported, not erased, and the report clears") {
        t.remove("web.yaml");
        t.symlink("nowhere.yaml", "web.yaml");
        REQUIRE(h.run_until([&] { return !h.errors.empty(); }));
        CHECK(h.errors ==
              std::vector<scan_error>{{t.id("web.yaml"), "cannot follow symlink: No such file or directory"}});
        CHECK_FALSE(h.erased(t.id("web.yaml")));
        CHECK(h.has(t.id("web.yaml"), "v1"));
        t.write("nowhere.yaml", "v3");
        CHECK(h.run_until([&] { return h.errors.empty() && h.has(t.id("web.yaml"), "v3"); }));
    }

    SUBCASE("stop is idempotent and ends the reports") {
        h.watcher().stop();
        h.watcher().stop();
        CHECK_FALSE(h.watcher().stats().inotify);
        t.write("web.yaml", "v2");
        h.run_until([] { return false; }, 200ms);
        CHECK(h.callbacks == 0);
    }
}

TEST_CASE("directory_watcher and symlink swaps") {
    temp_tree t;

    SUBCASE("ConfigMap volume: ..data re-pointed") {
        t.write("..2024_01_01_00_00_00.1/a.yaml", "a1");
        t.write("..2024_01_01_00_00_00.1/b.yaml", "b1");
        t.symlink("..2024_01_01_00_00_00.1", "..data");
        t.symlink("..data/a.yaml", "a.yaml");
        t.symlink("..data/b.yaml", "b.yaml");
        harness h(t.root());
        h.start();
        REQUIRE(h.view == std::map<std::string, std::string>{{t.id("a.yaml"), "a1"}, {t.id("b.yaml"), "b1"}});

        // As kubelet's atomic writer does it: new timestamped folder, new
        // ..data renamed over the old, new keys linked, old keys unlinked,
        // old folder removed.
        t.write("..2024_01_02_00_00_00.2/a.yaml", "a2");
        t.write("..2024_01_02_00_00_00.2/c.yaml", "c2");
        t.symlink("..2024_01_02_00_00_00.2", "..data_tmp");
        t.rename("..data_tmp", "..data");
        t.symlink("..data/c.yaml", "c.yaml");
        t.remove("b.yaml");
        t.remove("..2024_01_01_00_00_00.1");

        CHECK(h.run_until([&] {
            return h.view == std::map<std::string, std::string>{{t.id("a.yaml"), "a2"}, {t.id("c.yaml"), "c2"}};
        }));
        CHECK_FALSE(h.erased(t.id("a.yaml")));
        CHECK(h.erased(t.id("b.yaml")));
    }

    SUBCASE("ConfigMap volume: only a key's content changes") {
        t.write("..v1/a.yaml", "a1");
        t.write("..v1/b.yaml", "b1");
        t.symlink("..v1", "..data");
        t.symlink("..data/a.yaml", "a.yaml");
        t.symlink("..data/b.yaml", "b.yaml");
        harness h(t.root());
        h.start();
        t.write("..v2/a.yaml", "a1");
        t.write("..v2/b.yaml", "b2");
        t.symlink("..v2", "..data_tmp");
        t.rename("..data_tmp", "..data");
        t.remove("..v1");
        REQUIRE(h.run_until([&] { return h.has(t.id("b.yaml"), "b2"); }));
        CHECK(h.log.size() == 1);   // a.yaml, the same bytes, is not reported
    }

    SUBCASE("git-sync: the root symlink re-pointed") {
        t.write(".worktrees/h1/web.yaml", "w1");
        t.write(".worktrees/h1/apps/db.yaml", "d1");
        t.symlink(".worktrees/h1", "repo");
        harness h(t.path("repo"));
        h.start();
        REQUIRE(h.view ==
                std::map<std::string, std::string>{{t.id("repo/apps/db.yaml"), "d1"}, {t.id("repo/web.yaml"), "w1"}});

        t.write(".worktrees/h2/web.yaml", "w2");
        t.write(".worktrees/h2/apps/db.yaml", "d1");
        t.write(".worktrees/h2/new.yaml", "n2");
        t.symlink(".worktrees/h2", "repo-tmp");
        t.rename("repo-tmp", "repo");

        // The old worktree stays for now: the swap alone must be seen.
        CHECK(h.run_until([&] {
            return h.view == std::map<std::string, std::string>{{t.id("repo/apps/db.yaml"), "d1"},
                                                                 {t.id("repo/new.yaml"), "n2"},
                                                                 {t.id("repo/web.yaml"), "w2"}};
        }));
        CHECK(h.log.size() == 2);   // web.yaml and new.yaml; db.yaml is unchanged, nothing erased
        t.remove(".worktrees/h1");

        // The new worktree is watched: an edit inside it is seen.
        t.write(".worktrees/h2/apps/db.yaml", "d3");
        CHECK(h.run_until([&] { return h.has(t.id("repo/apps/db.yaml"), "d3"); }));
    }
}

TEST_CASE("directory_watcher on a root that comes and goes") {
    temp_tree t;
    harness h(t.path("mnt"));
    h.start();
    CHECK(h.view.empty());
    REQUIRE(h.errors == std::vector<scan_error>{{t.id("mnt"), "cannot read: No such file or directory"}});

    t.write("staging/web.yaml", "v1");
    t.rename("staging", "mnt");
    REQUIRE(h.run_until([&] { return h.has(t.id("mnt/web.yaml"), "v1") && h.errors.empty(); }));

    // A vanished root is a missing mount, not an emptied folder.
    t.remove("mnt");
    REQUIRE(h.run_until([&] { return !h.errors.empty(); }));
    CHECK(h.has(t.id("mnt/web.yaml"), "v1"));
    CHECK_FALSE(h.erased(t.id("mnt/web.yaml")));
}

TEST_CASE("directory_watcher on a subfolder of a git-sync checkout") {
    temp_tree t;
    t.write(".worktrees/h1/deploy/web.yaml", "w1");
    t.symlink(".worktrees/h1", "repo");
    harness h(t.path("repo/deploy"));
    h.start();
    REQUIRE(h.has(t.id("repo/deploy/web.yaml"), "w1"));

    t.write(".worktrees/h2/deploy/web.yaml", "w2");
    t.symlink(".worktrees/h2", "repo-tmp");
    t.rename("repo-tmp", "repo");
    // The old worktree stays for now: the swap alone must be seen.
    CHECK(h.run_until([&] { return h.has(t.id("repo/deploy/web.yaml"), "w2"); }));
    t.remove(".worktrees/h1");
    t.write(".worktrees/h2/deploy/web.yaml", "w3");
    CHECK(h.run_until([&] { return h.has(t.id("repo/deploy/web.yaml"), "w3"); }));
    CHECK_FALSE(h.erased(t.id("repo/deploy/web.yaml")));
}

TEST_CASE("directory_watcher and git-sync swapping a checkout inside the watched folder") {
    temp_tree t;
    t.write(".worktrees/h1/web.yaml", "w1");
    t.symlink(".worktrees/h1", "repo");
    harness h(t.root());
    h.start();
    REQUIRE(h.view == std::map<std::string, std::string>{{t.id("repo/web.yaml"), "w1"}});
    REQUIRE(h.errors.empty());

    t.write(".worktrees/h2/web.yaml", "w2");
    t.symlink(".worktrees/h2", "repo-tmp");
    t.rename("repo-tmp", "repo");
    t.remove(".worktrees/h1");
    CHECK(h.run_until([&] { return h.has(t.id("repo/web.yaml"), "w2"); }));
    CHECK(h.errors.empty());
    CHECK_FALSE(h.erased(t.id("repo/web.yaml")));
}

TEST_CASE("directory_watcher neither walks nor watches a symlink out of the watched folder") {
    temp_tree t;
    temp_tree elsewhere;
    for (int i = 0; i < 40; ++i) elsewhere.write("tree/d" + std::to_string(i) + "/x.yaml", "x");
    t.write("web.yaml", "w1");
    t.symlink(elsewhere.path("tree").string(), "big");
    harness h(t.root());
    h.start();
    CHECK(h.view == std::map<std::string, std::string>{{t.id("web.yaml"), "w1"}});
    CHECK(h.errors == std::vector<scan_error>{{t.id("big"), "symlink leads outside the watched folder; not followed"}});
    // The root and the folder holding its entry; none of the 41 folders out there.
    CHECK(h.watcher().stats().watches <= 3);

    // Pointed back inside, it is followed and its error clears.
    t.write("inner/db.yaml", "d1");
    t.remove("big");
    t.symlink("inner", "big");
    CHECK(h.run_until([&] { return h.has(t.id("big/db.yaml"), "d1") && h.errors.empty(); }));
}

TEST_CASE("directory_watcher on a file") {
    temp_tree t;
    t.write("web.yaml", "v1");
    t.write("other.yaml", "o1");
    harness h(t.path("web.yaml"));
    h.start();
    REQUIRE(h.view == std::map<std::string, std::string>{{t.id("web.yaml"), "v1"}});

    SUBCASE("write in place, then atomic rename") {
        t.write("web.yaml", "v2");
        CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v2"); }));
        t.write_atomic("web.yaml", "v3");
        CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v3"); }));
        CHECK_FALSE(h.view.contains(t.id("other.yaml")));
    }
}

TEST_CASE("directory_watcher without inotify falls back to rescans") {
    temp_tree t;
    t.write("web.yaml", "v1");
    auto options = fast_options();
    options.rescan = 20ms;
    harness h(t.root(), options);

    // With no file descriptor left, inotify_init1 fails (EMFILE); so does
    // reading the file, which the first rescan after the limit is lifted
    // fixes.
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit none = saved;
    none.rlim_cur = 0;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &none) == 0);
    h.start();
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);

    CHECK_FALSE(h.watcher().stats().inotify);
    CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v1") && h.errors.empty(); }));
    t.write("web.yaml", "v2");
    CHECK(h.run_until([&] { return h.has(t.id("web.yaml"), "v2"); }));
}
