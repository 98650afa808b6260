#include "watchers/inotify_watches.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>

#include "watchers/temp_tree.hpp"

namespace {

using driftless::watchers::entry_type;
using driftless::watchers::inotify_watches;
using driftless::watchers::name_event_matters;
using driftless::watchers::watch_target;
using driftless::watchers::watch_targets;
using driftless::watchers::testing::temp_tree;

bool has_target(const std::vector<watch_target>& targets, const std::filesystem::path& folder, bool all_names,
                const std::string& name = {}) {
    return std::any_of(targets.begin(), targets.end(), [&](const watch_target& t) {
        return t.folder == folder && t.all_names == all_names && (name.empty() || t.names.contains(name));
    });
}

}  // namespace

TEST_CASE("name_event_matters") {
    SUBCASE("documents matter, however they changed") {
        CHECK(name_event_matters(IN_CLOSE_WRITE, "web.yaml", entry_type::regular));
        CHECK(name_event_matters(IN_MOVED_TO, "web.yml", entry_type::regular));
        CHECK(name_event_matters(IN_DELETE, "web.json", entry_type::gone));
        CHECK(name_event_matters(IN_ATTRIB, "web.yaml", entry_type::regular));
    }
    SUBCASE("editor temporaries never matter") {
        for (const char* name : {".web.yaml.swp", ".web.yaml.swx", "4913", "web.yaml~", "#web.yaml#", ".#web.yaml",
                                 "web.yaml.tmp"}) {
            CAPTURE(name);
            CHECK_FALSE(name_event_matters(IN_CREATE, name, entry_type::regular));
            CHECK_FALSE(name_event_matters(IN_DELETE, name, entry_type::gone));
        }
    }
    SUBCASE("plain files that are not documents do not matter") {
        CHECK_FALSE(name_event_matters(IN_CLOSE_WRITE, "README.md", entry_type::regular));
        CHECK_FALSE(name_event_matters(IN_CLOSE_WRITE, ".hidden", entry_type::regular));
    }
    SUBCASE("folders matter unless they are dot folders") {
        CHECK(name_event_matters(IN_CREATE | IN_ISDIR, "sub", entry_type::folder));
        CHECK(name_event_matters(IN_DELETE | IN_ISDIR, "sub", entry_type::gone));
        CHECK_FALSE(name_event_matters(IN_CREATE | IN_ISDIR, "..2024_01_01", entry_type::folder));
        CHECK_FALSE(name_event_matters(IN_CREATE | IN_ISDIR, ".git", entry_type::folder));
    }
    SUBCASE("symlinks matter, dot names too (..data), and so does what is gone") {
        CHECK(name_event_matters(IN_MOVED_TO, "..data", entry_type::symlink));
        CHECK(name_event_matters(IN_CREATE, "conf", entry_type::symlink));
        CHECK(name_event_matters(IN_MOVED_FROM, "..data_tmp", entry_type::gone));
        CHECK(name_event_matters(IN_DELETE, "conf", entry_type::gone));
    }
}

TEST_CASE("watch_targets") {
    temp_tree t;

    SUBCASE("a folder: its folders, and its own entry from its parent") {
        const std::vector<driftless::watchers::walked_folder> folders{{t.path("src")}, {t.path("src/sub")}};
        const auto targets = watch_targets(t.path("src/"), folders, false);
        CHECK(has_target(targets, t.path("src"), true));
        CHECK(has_target(targets, t.path("src/sub"), true));
        CHECK(has_target(targets, t.root(), false, "src"));
    }
    SUBCASE("a file: its folder, every entry") {
        t.write("web.yaml", "x");
        const auto targets = watch_targets(t.path("web.yaml"), {}, true);
        CHECK(has_target(targets, t.root(), true));
    }
    SUBCASE("every symlink on the path is watched from its folder (git-sync with a subpath)") {
        t.mkdir(".worktrees/abc/deploy");
        t.symlink(".worktrees/abc", "repo");
        const auto targets = watch_targets(t.path("repo/deploy"), {}, false);
        CHECK(has_target(targets, t.root(), false, "repo"));
        CHECK(has_target(targets, t.path("repo"), false, "deploy"));
    }
}

TEST_CASE("inotify_watches") {
    temp_tree t;
    t.mkdir("a/b");
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    REQUIRE(fd >= 0);
    inotify_watches watches;

    SUBCASE("sync adds, keeps and removes watches") {
        auto r = watches.sync(fd, {{t.path("a"), true, {}}, {t.path("a/b"), true, {}}});
        CHECK(r.added == 2);
        CHECK(watches.size() == 2);
        r = watches.sync(fd, {{t.path("a"), true, {}}, {t.path("a/b"), true, {}}});
        CHECK(r.added == 0);
        r = watches.sync(fd, {{t.path("a"), true, {}}, {t.path("gone"), true, {}}});
        CHECK(r.added == 0);
        CHECK(watches.size() == 1);
    }
    SUBCASE("a queue overflow always matters") {
        inotify_event overflow{};
        overflow.wd = -1;
        overflow.mask = IN_Q_OVERFLOW;
        CHECK(watches.matters(overflow));
    }
    SUBCASE("a watch limited to names ignores the others") {
        (void)watches.sync(fd, {{t.root(), false, {"a"}}});
        t.write("other.yaml", "x");
        alignas(inotify_event) char buffer[4096];
        const auto n = ::read(fd, buffer, sizeof buffer);
        REQUIRE(n > 0);
        bool any = false;
        for (ssize_t at = 0; at < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
            any = any || watches.matters(*e);
            at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
        CHECK_FALSE(any);
    }
    ::close(fd);
}
