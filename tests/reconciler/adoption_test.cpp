// Taking over what docker compose made (--adopt): which container each
// declared Service takes over, what compose's networks and volumes become,
// and the conflicts that name --adopt without it. No engine.
#include <doctest/doctest.h>

#include <algorithm>

#include "desired_state/compose_labels.hpp"
#include "reconciler/adoption.hpp"
#include "reconciler/plan.hpp"
#include "plan_support.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::reconciler::testing;
using desired_state::kind;
namespace labels = desired_state::compose_labels;

namespace {

// Replica `n` of service `svc` in compose project "shop", as driftless names it.
desired_state::desired_entry compose_service(const std::string& svc, int n, std::vector<std::string> networks = {"shop_default"}) {
    auto e = service_entry("shop-" + svc + "-" + std::to_string(n), "h-" + svc, {}, std::move(networks));
    e.spec.labels = {{labels::project, "shop"}, {labels::service, svc}, {labels::number, std::to_string(n)}, {labels::oneoff, "False"}};
    return e;
}

desired_state::desired_entry compose_network(const std::string& key) {
    auto e = network_entry("shop_" + key, "h-net");
    e.spec.labels = {{labels::project, "shop"}, {labels::network, key}};
    return e;
}

desired_state::desired_entry compose_volume(const std::string& key) {
    desired_state::spec s;
    s.name = "shop_" + key;
    s.body = desired_state::volume{};
    s.labels = {{labels::project, "shop"}, {labels::volume, key}};
    return {s, "h-vol", "compose.yaml"};
}

// What docker compose made: a container named `name`, of `svc`'s replica `n`.
drivers::actual_object made_container(const std::string& name, const std::string& svc, int n, const std::string& project = "shop") {
    drivers::actual_object a;
    a.kind = kind::service;
    a.name = name;
    a.id = "id-" + name;
    a.state = "running";
    a.compose = {project, svc, std::to_string(n), "False", ""};
    return a;
}

drivers::actual_object made_object(kind k, const std::string& name, const std::string& key) {
    drivers::actual_object a;
    a.kind = k;
    a.name = name;
    a.id = name;
    a.compose.project = "shop";
    a.compose.key = key;
    return a;
}

diff_options adopting() {
    diff_options o;
    o.adopt = true;
    return o;
}

std::size_t index_in(const plan& p, const action* a) { return static_cast<std::size_t>(a - p.actions.data()); }

}  // namespace

TEST_CASE("adoption: compose 1.29's containers (PROJECT_SERVICE_N) are taken over per replica") {
    auto desired = snapshot_of({compose_service("web", 1), compose_service("web", 2), compose_service("db", 1),
                                compose_network("default")});
    const std::vector<drivers::actual_object> unowned{made_container("shop_web_2", "web", 2), made_container("shop_web_1", "web", 1),
                                                      made_container("shop_db_1", "db", 1),
                                                      made_object(kind::network, "shop_default", "default")};
    auto p = diff(desired, {}, unowned, adopting());
    REQUIRE(p.actions.size() == 3);
    for (const auto* name : {"shop-web-1", "shop-web-2", "shop-db-1"}) {
        const action* a = find(p, std::string("Service/") + name);
        REQUIRE(a != nullptr);
        CHECK(a->type == action_type::adopt);
        CHECK(a->want->spec.name == name);
        CHECK(symbol(a->type) == '~');
    }
    CHECK(find(p, "Service/shop-web-1")->have->name == "shop_web_1");
    CHECK(find(p, "Service/shop-web-2")->have->name == "shop_web_2");
    CHECK(find(p, "Service/shop-db-1")->reason ==
          "container \"shop_db_1\" was made by docker compose for project \"shop\" (service \"db\", replica 1): removed, and "
          "this made in its place");
    // compose's network is used as it is: not created, nothing to wait for.
    REQUIRE(p.used.size() == 1);
    CHECK(p.used[0].type == action_type::use);
    CHECK(p.used[0].key.to_string() == "Network/shop_default");
    CHECK(p.used[0].have->id == "shop_default");
    CHECK(symbol(p.used[0].type) == '=');
    CHECK(p.used[0].reason ==
          "network \"shop_default\" was made by docker compose for project \"shop\": used as it is (--adopt); driftless never "
          "changes or removes it");
    CHECK(find(p, "Network/shop_default") == nullptr);
    CHECK(find(p, "Service/shop-web-1")->after.empty());
    CHECK(p.converged() == false);
}

TEST_CASE("adoption: compose v2's containers hold driftless's names and are taken over, not reported as held names") {
    auto desired = snapshot_of({compose_service("web", 1), compose_volume("data")});
    const auto v2 = made_container("shop-web-1", "web", 1);
    // The same container comes back from the name lookup and the label lookup.
    auto p = diff(desired, {}, {v2, made_object(kind::volume, "shop_data", "data"), v2}, adopting());
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == action_type::adopt);
    CHECK(p.actions[0].have->id == "id-shop-web-1");
    REQUIRE(p.used.size() == 1);
    CHECK(p.used[0].key.to_string() == "Volume/shop_data");

    SUBCASE("the name holder is paired before a replica number that says otherwise") {
        auto odd = made_container("shop-web-1", "web", 7);
        auto q = diff(desired, {}, {made_container("shop_web_1", "web", 1), odd}, adopting());
        const action* a = find(q, "Service/shop-web-1");
        REQUIRE(a != nullptr);
        CHECK(a->type == action_type::adopt);
        CHECK(a->have->name == "shop-web-1");
        // The other is compose's too, and no replica takes it: removed first.
        const action* extra = find(q, "Service/shop_web_1");
        REQUIRE(extra != nullptr);
        CHECK(extra->type == action_type::adopt);
        CHECK_FALSE(extra->want.has_value());
        CHECK(a->after == std::vector<std::size_t>{index_in(q, extra)});
    }
}

TEST_CASE("adoption: without --adopt, compose's objects are conflicts that name --adopt, and nothing is created") {
    auto desired = snapshot_of({compose_service("web", 1), compose_network("default"), compose_volume("data")});
    auto p = diff(desired, {},
                  {made_container("shop_web_1", "web", 1), made_object(kind::network, "shop_default", "default"),
                   made_object(kind::volume, "shop_data", "data")});
    REQUIRE(p.actions.size() == 3);
    CHECK(p.count(action_type::conflict) == 3);
    CHECK(p.used.empty());
    CHECK(find(p, "Service/shop-web-1")->reason ==
          "container \"shop_web_1\" was made by docker compose for project \"shop\" (service \"web\", replica 1); run with "
          "--adopt to take it over");
    CHECK(find(p, "Service/shop-web-1")->have->name == "shop_web_1");
    CHECK(find(p, "Network/shop_default")->reason ==
          "network \"shop_default\" was made by docker compose for project \"shop\"; run with --adopt to use it as it is");
    CHECK(find(p, "Volume/shop_data")->reason ==
          "volume \"shop_data\" was made by docker compose for project \"shop\"; run with --adopt to use it as it is");

    SUBCASE("replicas beyond those declared are not reported") {
        auto q = diff(desired, {}, {made_container("shop_web_1", "web", 1), made_container("shop_web_2", "web", 2)});
        CHECK(q.count(action_type::conflict) == 1);
        CHECK(q.count(action_type::adopt) == 0);
        CHECK(find(q, "Service/shop_web_2") == nullptr);
    }
}

TEST_CASE("adoption: only compose's own containers of a declared project and service are taken over") {
    auto desired = snapshot_of({compose_service("web", 1), compose_network("default")});

    SUBCASE("another project, another service, a one-off: left alone, ours is created") {
        auto run_container = made_container("shop_web_run_1f2e", "web", 1);
        run_container.compose.oneoff = "True";
        auto p = diff(desired, {},
                      {made_container("blog_web_1", "web", 1, "blog"), made_container("shop_cache_1", "cache", 1), run_container},
                      adopting());
        CHECK(find(p, "Service/shop-web-1")->type == action_type::create);
        CHECK(p.count(action_type::adopt) == 0);
        CHECK(find(p, "Network/shop_default")->type == action_type::create);
    }
    SUBCASE("one labelled with a driftless owner is not compose's") {
        auto other = made_container("shop-web-1", "web", 1);
        other.owner = "team-b";
        auto p = diff(desired, {}, {other}, adopting());
        CHECK(find(p, "Service/shop-web-1")->type == action_type::conflict);
        CHECK(find(p, "Service/shop-web-1")->reason == "owned by another driftless instance (owner \"team-b\")");
    }
    SUBCASE("a name held by something else stays a plain conflict, even with compose's container at hand") {
        auto stranger = owned(kind::service, "shop-web-1", "");
        stranger.owner = "";
        auto p = diff(desired, {}, {stranger, made_container("shop_web_1", "web", 1)}, adopting());
        CHECK(find(p, "Service/shop-web-1")->type == action_type::conflict);
        CHECK(find(p, "Service/shop-web-1")->reason == "an unmanaged Service holds the name");
    }
    SUBCASE("a network compose made for another key or project is a plain conflict") {
        auto p = diff(desired, {}, {made_object(kind::network, "shop_default", "front")}, adopting());
        CHECK(find(p, "Network/shop_default")->type == action_type::conflict);
        CHECK(find(p, "Network/shop_default")->reason == "an unmanaged Network holds the name");
        CHECK(p.used.empty());
    }
    SUBCASE("a spec that is not from a compose file takes nothing over") {
        auto native = snapshot_of({service_entry("shop-web-1", "h")});
        auto p = diff(native, {}, {made_container("shop-web-1", "web", 1)}, adopting());
        CHECK(find(p, "Service/shop-web-1")->type == action_type::conflict);
    }
}

TEST_CASE("adoption: compose's replicas beyond those declared are removed before the take-over") {
    auto desired = snapshot_of({compose_service("web", 1)});
    auto p = diff(desired, {},
                  {made_container("shop_web_3", "web", 3), made_container("shop_web_1", "web", 1), made_container("shop_web_2", "web", 2)},
                  adopting());
    REQUIRE(p.actions.size() == 3);
    const action* take = find(p, "Service/shop-web-1");
    const action* two = find(p, "Service/shop_web_2");
    const action* three = find(p, "Service/shop_web_3");
    REQUIRE((take && two && three));
    CHECK(two->type == action_type::adopt);
    CHECK_FALSE(two->want.has_value());
    CHECK(two->reason ==
          "container \"shop_web_2\" was made by docker compose for project \"shop\" (service \"web\", replica 2), which no "
          "declared replica takes: removed");
    CHECK(take->after == std::vector<std::size_t>{index_in(p, two), index_in(p, three)});

    SUBCASE("also when driftless already runs the service") {
        auto q = diff(desired, {owned(kind::service, "shop-web-1", "h-web")}, {made_container("shop_web_1", "web", 1)}, adopting());
        REQUIRE(q.actions.size() == 1);
        CHECK(q.actions[0].key.to_string() == "Service/shop_web_1");
        CHECK_FALSE(q.actions[0].want.has_value());
    }
}

TEST_CASE("adoption: a service one of whose declarations is held back is left alone") {
    auto desired = snapshot_of({compose_service("web", 1), compose_service("web", 2)});
    desired.held.insert({kind::service, "shop-web-2"});
    auto p = diff(desired, {}, {made_container("shop_web_1", "web", 1), made_container("shop_web_2", "web", 2)}, adopting());
    // Neither paired nor removed: replica 1 is made beside compose's, as before --adopt.
    CHECK(p.count(action_type::adopt) == 0);
    CHECK(find(p, "Service/shop-web-1")->type == action_type::create);
}

TEST_CASE("adoption: take-overs are ordered like creates") {
    auto db = compose_service("db", 1);
    auto web = compose_service("web", 1);
    web.spec.body = [&] {
        auto svc = *web.spec.as_service();
        svc.depends_on = {"shop-db-1"};
        return svc;
    }();
    auto desired = snapshot_of({web, db, compose_network("default")});
    // The network is driftless's to make; both containers are compose's.
    auto p = diff(desired, {}, {made_container("shop_web_1", "web", 1), made_container("shop_db_1", "db", 1)}, adopting());
    const action* net = find(p, "Network/shop_default");
    const action* take_db = find(p, "Service/shop-db-1");
    const action* take_web = find(p, "Service/shop-web-1");
    REQUIRE((net && take_db && take_web));
    CHECK(net->type == action_type::create);
    CHECK(take_db->after == std::vector<std::size_t>{index_in(p, net)});
    auto after = take_web->after;
    std::sort(after.begin(), after.end());
    std::vector<std::size_t> expected{index_in(p, net), index_in(p, take_db)};
    std::sort(expected.begin(), expected.end());
    CHECK(after == expected);
}

TEST_CASE("adoption: the projects a pass looks in are those of compose Services with no owned container") {
    auto native = service_entry("plain", "h");
    auto other = compose_service("web", 1);
    other.spec.name = "blog-web-1";
    other.spec.labels[labels::project] = "blog";
    auto desired = snapshot_of({compose_service("web", 1), compose_service("db", 1), other, native, compose_network("default")});
    auto keys = names_to_check(desired, {owned(kind::service, "blog-web-1", "h-web")});
    CHECK(adoption::projects_to_check(desired, keys) == std::vector<std::string>{"shop"});
    CHECK(adoption::projects_to_check(desired, {}).empty());
}
