// diff(desired, actual) -> plan: every rule, without an engine.
#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "drivers/docker_labels.hpp"
#include "reconciler/plan.hpp"
#include "plan_support.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::reconciler::testing;
using desired_state::kind;


TEST_CASE("diff: create, keep, update, start, remove") {
    auto desired = snapshot_of({service_entry("new", "h1"), service_entry("same", "h2"), service_entry("changed", "h3"),
                                service_entry("stopped", "h4")});
    std::vector<drivers::actual_object> actual{owned(kind::service, "same", "h2"), owned(kind::service, "changed", "old"),
                                               owned(kind::service, "stopped", "h4", false), owned(kind::service, "gone", "h5"),
                                               owned(kind::service, "gone2", "h6")};
    auto p = diff(desired, actual, {});
    REQUIRE(p.actions.size() == 5);
    CHECK(find(p, "Service/new")->type == action_type::create);
    CHECK(find(p, "Service/same") == nullptr);
    CHECK(find(p, "Service/changed")->type == action_type::update);
    CHECK(find(p, "Service/changed")->reason == "spec hash changed");
    CHECK(find(p, "Service/stopped")->type == action_type::start);
    CHECK(find(p, "Service/stopped")->reason == "not running (exited)");
    CHECK(find(p, "Service/gone")->type == action_type::remove);
    CHECK(p.held_back == guard::none);
    CHECK_FALSE(p.converged());
}

TEST_CASE("diff: a container the engine is removing is left to go; its destroy event brings the pass that makes it again") {
    auto desired = snapshot_of({service_entry("web", "h1")});
    auto going = owned(kind::service, "web", "h1", false);
    going.state = "removing";
    auto p = diff(desired, {going}, {});
    CHECK(p.actions.empty());
    CHECK(find(diff(desired, {}, {}), "Service/web")->type == action_type::create);
}

TEST_CASE("diff: converged state gives an empty plan") {
    auto desired = snapshot_of({service_entry("a", "h1"), network_entry("n", "h2")});
    auto p = diff(desired, {owned(kind::service, "a", "h1"), owned(kind::network, "n", "h2")}, {});
    CHECK(p.actions.empty());
    CHECK(p.converged());
}

TEST_CASE("diff: an unowned object holding a wanted name is a conflict, never removed") {
    auto desired = snapshot_of({service_entry("web", "h1")});
    auto stranger = owned(kind::service, "web", "");
    stranger.owner = "";
    auto p = diff(desired, {}, {stranger});
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == action_type::conflict);
    CHECK(p.actions[0].reason == "an unmanaged Service holds the name");
    CHECK(symbol(p.actions[0].type) == '!');

    SUBCASE("another owner's object is named") {
        stranger.owner = "team-b";
        auto q = diff(desired, {}, {stranger});
        CHECK(q.actions[0].reason == "owned by another driftless instance (owner \"team-b\")");
    }
}

TEST_CASE("diff: names_to_check lists wanted names nothing owned holds") {
    auto desired = snapshot_of({service_entry("a", "h1"), service_entry("b", "h2")});
    desired.held.insert({kind::service, "c"});
    auto keys = names_to_check(desired, {owned(kind::service, "a", "h1")});
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].name == "b");
}

TEST_CASE("diff: prune guards hold removals back") {
    std::vector<drivers::actual_object> actual;
    for (int i = 0; i < 10; ++i) actual.push_back(owned(kind::service, "s" + std::to_string(i), "h"));

    SUBCASE("empty desired state removes nothing") {
        auto p = diff(snapshot_of({}), actual, {});
        CHECK(p.actions.empty());
        CHECK(p.held_back == guard::empty);
        CHECK(p.removals_held == 10);
        CHECK(p.guard_message ==
              "holding back 10 removal(s): the desired state is empty while 10 object(s) are managed (an emptied folder or a "
              "missing mount?); pass --allow-empty to remove them");
        diff_options o;
        o.allow_empty = true;
        o.allow_mass_prune = true;
        CHECK(diff(snapshot_of({}), actual, {}, o).count(action_type::remove) == 10);
    }
    SUBCASE("more than half of the managed objects is a mass prune") {
        auto p = diff(snapshot_of({service_entry("s0", "h"), service_entry("s1", "h"), service_entry("s2", "h"),
                                   service_entry("s3", "h")}),
                      actual, {});
        CHECK(p.held_back == guard::mass);
        CHECK(p.removals_held == 6);
        CHECK(p.count(action_type::remove) == 0);
        diff_options o;
        o.allow_mass_prune = true;
        CHECK(diff(snapshot_of({service_entry("s0", "h")}), actual, {}, o).count(action_type::remove) == 9);
        o = {};
        o.max_prune = 6;
        CHECK(diff(snapshot_of({service_entry("s0", "h"), service_entry("s1", "h"), service_entry("s2", "h"),
                                service_entry("s3", "h")}),
                   actual, {}, o)
                  .count(action_type::remove) == 6);
    }
    SUBCASE("at most five removals always pass the mass guard") {
        std::vector<drivers::actual_object> few(actual.begin(), actual.begin() + 6);
        auto p = diff(snapshot_of({service_entry("s0", "h")}), few, {});
        CHECK(p.count(action_type::remove) == 5);
        CHECK(p.held_back == guard::none);
    }
    SUBCASE("an unsynced source removes nothing") {
        auto desired = snapshot_of({service_entry("s0", "h")});
        desired.synced = false;
        auto p = diff(desired, actual, {});
        CHECK(p.held_back == guard::not_synced);
        CHECK(p.count(action_type::remove) == 0);
    }
    SUBCASE("an unsynced source's keys get nothing, others converge") {
        auto desired = snapshot_of({service_entry("s0", "changed"), service_entry("fresh", "h")});
        desired.synced = false;
        desired.unsynced.insert({kind::service, "s0"});
        auto p = diff(desired, actual, {});
        CHECK(p.count(action_type::update) == 0);
        CHECK(p.count(action_type::create) == 1);
        CHECK(p.removals_held == 10);
        CHECK(p.guard_message == "holding back 1 update(s) and 9 removal(s): not every source has been read through yet");
    }
    SUBCASE("a document with errors and no last good version removes nothing") {
        auto desired = snapshot_of({service_entry("s0", "h")});
        desired.errors.push_back({{"broken.yaml", 3, 1}, "image", "bad"});
        desired.unparsed.insert("broken.yaml");
        auto p = diff(desired, {actual[0], actual[1]}, {});
        CHECK(p.held_back == guard::unparsed_documents);
        CHECK(p.count(action_type::remove) == 0);
    }
    SUBCASE("a held name is neither created nor removed") {
        auto desired = snapshot_of({service_entry("s0", "h")});
        desired.held.insert({kind::service, "s1"});
        auto p = diff(desired, {actual[0], actual[1]}, {});
        CHECK(p.actions.empty());
    }
}

TEST_CASE("diff: ordering respects networks, depends_on and removal order") {
    auto desired = snapshot_of({service_entry("app", "h1", {"db"}, {"front"}), service_entry("db", "h2"),
                                network_entry("front", "h3")});
    auto p = diff(desired, {owned(kind::service, "old", "x"), owned(kind::network, "oldnet", "y")}, {});
    const auto index = [&](const std::string& key) {
        for (std::size_t i = 0; i < p.actions.size(); ++i)
            if (p.actions[i].key.to_string() == key) return i;
        FAIL("missing " << key);
        return std::size_t{0};
    };
    const auto& app = p.actions[index("Service/app")];
    CHECK(app.after == std::vector<std::size_t>{index("Network/front"), index("Service/db")});
    CHECK(p.actions[index("Service/db")].after.empty());
    CHECK(p.actions[index("Network/oldnet")].after == std::vector<std::size_t>{index("Service/old")});
    CHECK(index("Service/old") < index("Network/oldnet"));
}

TEST_CASE("diff: a service waits for the services whose container it joins or links to, as compose orders them") {
    auto joins = service_entry("vpn-client", "h1");
    std::get<desired_state::service>(joins.spec.body).network_mode = "container:vpn";
    auto shares = service_entry("sidecar", "h2");
    std::get<desired_state::service>(shares.spec.body).pid = "container:app";
    std::get<desired_state::service>(shares.spec.body).ipc = "container:vpn";
    auto native = service_entry("probe", "h3");
    std::get<desired_state::service>(native.spec.body).network_mode = "service:app";
    auto linked = service_entry("web", "h4");
    std::get<desired_state::service>(linked.spec.body).links = {"app:backend", "vpn"};
    // "app" runs already: nothing to wait for there.
    auto p = diff(snapshot_of({joins, shares, native, linked, service_entry("vpn", "h5"), service_entry("app", "h6")}),
                  {owned(kind::service, "app", "h6")}, {});
    const auto index = [&](const std::string& key) {
        for (std::size_t i = 0; i < p.actions.size(); ++i)
            if (p.actions[i].key.to_string() == key) return i;
        FAIL("missing " << key);
        return std::size_t{0};
    };
    const std::vector<std::size_t> vpn{index("Service/vpn")};
    CHECK(p.actions[index("Service/vpn-client")].after == vpn);
    CHECK(p.actions[index("Service/sidecar")].after == vpn);
    CHECK(p.actions[index("Service/probe")].after.empty());
    CHECK(p.actions[index("Service/web")].after == vpn);
    CHECK(p.actions[index("Service/vpn")].after.empty());
}

TEST_CASE("diff: a changed network or volume is reported, not recreated") {
    auto desired = snapshot_of({network_entry("n", "new")});
    auto p = diff(desired, {owned(kind::network, "n", "old")}, {});
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == action_type::drifted);
    CHECK(p.actions[0].reason ==
          "spec hash changed; remove the network by hand to apply (driftless does not recreate it)");
}

TEST_CASE("diff: a service scaled to zero replicas is not started") {
    auto e = service_entry("idle", "h");
    std::get<desired_state::service>(e.spec.body).replicas = 0;
    auto p = diff(snapshot_of({e}), {owned(kind::service, "idle", "h", false)}, {});
    CHECK(p.actions.empty());
}

TEST_CASE("diff: a self-healing service is never started; its task error is reported") {
    auto desired = snapshot_of({service_entry("web", "h")});
    auto have = owned(kind::service, "web", "h", false);
    have.self_healing = true;
    have.state = "0/1 tasks running";
    CHECK(diff(desired, {have}, {}).actions.empty());
    have.task_error = "pending: no suitable node";
    auto p = diff(desired, {have}, {});
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == action_type::drifted);
    CHECK(p.actions[0].reason == "not converged (0/1 tasks running): pending: no suitable node");
}

TEST_CASE("diff: an update names the fields it changes, whichever form the label holds") {
    auto want = service_entry("web", "new");
    std::get<desired_state::service>(want.spec.body).env = {{"LOG", "debug"}};
    std::get<desired_state::service>(want.spec.body).replicas = 2;
    auto before = service_entry("web", "old");
    std::get<desired_state::service>(before.spec.body).env = {{"LOG", "info"}};
    auto have = owned(kind::service, "web", "old");

    // The sparse form written today.
    have.spec_json = desired_state::without_defaults(desired_state::canonical_json(before.spec)).dump();
    auto p = diff(snapshot_of({want}), {have}, {});
    REQUIRE(find(p, "Service/web") != nullptr);
    CHECK(find(p, "Service/web")->reason == "changed: env, replicas");

    // The full canonical form earlier builds wrote.
    have.spec_json = desired_state::canonical_json(before.spec).dump();
    p = diff(snapshot_of({want}), {have}, {});
    CHECK(find(p, "Service/web")->reason == "changed: env, replicas");

    // A field set back to its default is named too.
    std::get<desired_state::service>(want.spec.body).env.clear();
    std::get<desired_state::service>(want.spec.body).replicas = 1;
    p = diff(snapshot_of({want}), {have}, {});
    CHECK(find(p, "Service/web")->reason == "changed: env");
}

TEST_CASE("diff: an update compares secret values by their redacted form, never shows them") {
    auto want = service_entry("web", "new");
    std::get<desired_state::service>(want.spec.body).env = {{"PASSWORD", "hunter2"}};
    std::get<desired_state::service>(want.spec.body).replicas = 2;
    auto before = service_entry("web", "old");
    std::get<desired_state::service>(before.spec.body).env = {{"PASSWORD", "hunter2"}};
    auto have = owned(kind::service, "web", "old");
    have.spec_json = drivers::docker::spec_label(before.spec);
    CHECK(have.spec_json.find("hunter2") == std::string::npos);
    auto p = diff(snapshot_of({want}), {have}, {});
    REQUIRE(find(p, "Service/web") != nullptr);
    CHECK(find(p, "Service/web")->reason == "changed: replicas");

    std::get<desired_state::service>(want.spec.body).env = {{"PASSWORD", "hunter3"}};
    p = diff(snapshot_of({want}), {have}, {});
    CHECK(find(p, "Service/web")->reason == "changed: env, replicas");
}

TEST_CASE("diff: a pull: always container whose tag moved in its registry is updated") {
    auto always = service_entry("web", "h1");
    std::get<desired_state::service>(always.spec.body).pull = desired_state::pull_policy::always;
    auto desired = snapshot_of({always, service_entry("db", "h2")});
    auto web = owned(kind::service, "web", "h1");
    web.image_digest = "sha256:aaa";
    auto db = owned(kind::service, "db", "h2");
    db.image_digest = "sha256:aaa";   // not pull: always: never compared
    const registry_digests moved{{"busybox:1", "sha256:bbb"}}, same{{"busybox:1", "sha256:aaa"}}, unknown{};

    CHECK(images_to_check(desired, {web, db}) == std::vector<std::string>{"busybox:1"});
    diff_options o;
    o.digests = &moved;
    auto p = diff(desired, {web, db}, {}, o);
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == action_type::update);
    CHECK(p.actions[0].key.name == "web");
    CHECK(p.actions[0].reason == "image busybox:1 is now sha256:bbb in its registry (made from sha256:aaa)");

    o.digests = &same;
    CHECK(diff(desired, {web, db}, {}, o).actions.empty());
    o.digests = &unknown;   // the registry did not answer: not drift
    CHECK(diff(desired, {web, db}, {}, o).actions.empty());
    CHECK(diff(desired, {web, db}, {}).actions.empty());

    SUBCASE("a container without the digest label, or made from another spec, is not asked about") {
        auto unlabelled = web;
        unlabelled.image_digest.clear();
        CHECK(images_to_check(desired, {unlabelled}).empty());
        o.digests = &moved;
        CHECK(diff(desired, {unlabelled, db}, {}, o).actions.empty());
        auto older = web;
        older.spec_hash = "h0";
        CHECK(images_to_check(desired, {older}).empty());
        auto q = diff(desired, {older, db}, {}, o);
        REQUIRE(q.actions.size() == 1);
        CHECK(q.actions[0].reason == "spec hash changed");
    }
}
