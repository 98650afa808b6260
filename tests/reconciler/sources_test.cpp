// Folder sources that are not there yet: `run` waits for one, the one-shot
// commands refuse it. While it is missing its root is a document in error
// with no last good version, so no pass prunes what it may declare
// (DESIGN.md §5); once made, it is read at once.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "desired_state/store.hpp"
#include "reconciler/sources.hpp"
#include "tools/wait_until.hpp"
#include "../watchers/temp_tree.hpp"

using namespace driftless;
using driftless::reconciler::sources;
using driftless::testing::wait_until;
using driftless::watchers::testing::temp_tree;
using namespace std::chrono_literals;

namespace {

const char* const service_doc = "kind: Service\nname: web\nimage: busybox:1\n";

bool declares(desired_state::store& store, const std::string& name) {
    for (const auto& [key, entry] : store.current()->resources)
        if (key.name == name) return true;
    return false;
}

}  // namespace

TEST_CASE("sources: a folder that is not there is refused unless waited for") {
    temp_tree t;
    boost::asio::io_context io;
    desired_state::store store;
    sources refusing(io.get_executor(), store);
    const auto st = refusing.add(t.path("later").string());
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().message == "-s \"" + t.path("later").string() + "\": no such file or folder");
    sources waiting(io.get_executor(), store);
    CHECK(waiting.add(t.path("later").string(), sources::missing_folder::wait).ok());
    CHECK(waiting.size() == 1);
}

TEST_CASE("sources: a missing folder holds removals until it is read") {
    temp_tree t;
    t.write("now/db.yaml", "kind: Service\nname: db\nimage: busybox:1\n");
    boost::asio::io_context io;
    desired_state::store store;
    sources srcs(io.get_executor(), store);
    REQUIRE(srcs.add(t.path("now").string()).ok());
    REQUIRE(srcs.add(t.path("later").string(), sources::missing_folder::wait).ok());
    srcs.set_parse_options({}, {});

    srcs.scan_once();
    auto snap = store.current();
    CHECK(snap->unparsed == std::set<std::string>{t.path("later").generic_string()});   // what it declares is unknown
    CHECK(declares(store, "db"));   // the other folder converges meanwhile
    REQUIRE(snap->errors.size() == 1);
    CHECK(snap->errors[0].to_string().find(t.path("later").generic_string()) != std::string::npos);

    t.write("later/web.yaml", service_doc);
    srcs.scan_once();
    snap = store.current();
    CHECK(snap->unparsed.empty());
    CHECK(snap->errors.empty());
    CHECK(declares(store, "web"));

    // Read once, a root that goes away keeps its documents.
    std::filesystem::rename(t.path("later"), t.path("gone"));
    srcs.scan_once();
    snap = store.current();
    CHECK(declares(store, "web"));
    CHECK(snap->errors.size() == 1);
    srcs.stop();
}

TEST_CASE("sources: under watch, a folder made after the start is read at once") {
    temp_tree t;
    boost::asio::io_context io;
    desired_state::store store;
    sources srcs(io.get_executor(), store);
    REQUIRE(srcs.add(t.path("current").string(), sources::missing_folder::wait).ok());
    srcs.set_parse_options({}, {});
    int changes = 0;
    srcs.watch([&] { ++changes; });
    CHECK(store.current()->unparsed.size() == 1);

    // git-sync's way: a checkout beside, then the link made by a rename.
    t.write("worktrees/abc/web.yaml", service_doc);
    t.symlink("worktrees/abc", "current.tmp");
    std::filesystem::rename(t.path("current.tmp"), t.path("current"));
    // The periodic rescan is 30 s away: within 10 s, only the inotify event can have done it.
    const bool seen = wait_until([&] {
        io.run_for(50ms);
        return declares(store, "web");
    }, 10s);
    CHECK(seen);
    CHECK(changes >= 1);
    CHECK(store.current()->unparsed.empty());
    srcs.stop();
    io.run_for(50ms);
}

TEST_CASE("sources: a compose project's .env is read after git-sync re-points the folder's link") {
    // The watched folder is a link to one checkout, then to the next: the
    // companion files of the new checkout are inside the watched folder.
    temp_tree t;
    auto write_checkout = [&](const std::string& rev, const std::string& tag) {
        t.write("worktrees/" + rev + "/shop/compose.yaml",
                "services:\n  web:\n    image: busybox:1\n    environment: {TAG: \"${TAG}\"}\n");
        t.write("worktrees/" + rev + "/shop/.env", "TAG=" + tag + "\n");
    };
    auto tag_of_web = [](desired_state::store& store) {
        for (const auto& [key, entry] : store.current()->resources)
            if (const auto* s = entry.spec.as_service()) return s->env.count("TAG") ? s->env.at("TAG") : "(unset)";
        return std::string("(no service)");
    };
    write_checkout("a", "1");
    t.symlink("worktrees/a", "current");
    boost::asio::io_context io;
    desired_state::store store;
    sources srcs(io.get_executor(), store);
    REQUIRE(srcs.add(t.path("current").string()).ok());
    srcs.set_parse_options({}, {});
    srcs.scan_once();
    CHECK(store.current()->errors.empty());
    CHECK(tag_of_web(store) == "1");

    write_checkout("b", "2");
    t.symlink("worktrees/b", "current.tmp");
    std::filesystem::rename(t.path("current.tmp"), t.path("current"));
    srcs.scan_once();   // compose.yaml reads the same: only its .env changed, as `run`'s companion poll sees
    store.refresh_companions();
    for (const auto& e : store.current()->errors) MESSAGE(e.to_string());
    CHECK(store.current()->errors.empty());
    CHECK(tag_of_web(store) == "2");
    srcs.stop();
}

TEST_CASE("sources: a folder not there yet opens nothing around it to companion files") {
    // -s /x/current, missing: a compose file that later shows up there may
    // not read /x/secret.env through a path leading out of the folder.
    temp_tree t;
    t.write("secret.env", "TAG=leaked\n");
    boost::asio::io_context io;
    desired_state::store store;
    sources srcs(io.get_executor(), store);
    REQUIRE(srcs.add(t.path("current").string(), sources::missing_folder::wait).ok());
    srcs.set_parse_options({}, {});
    srcs.scan_once();
    t.write("current/compose.yaml", "services:\n  web:\n    image: busybox:1\n    env_file: ../secret.env\n");
    srcs.scan_once();
    const auto errors = store.current()->errors;
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].to_string().find("outside the watched folders; not read") != std::string::npos);
    srcs.stop();
}
