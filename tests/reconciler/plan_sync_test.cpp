// The sync gate in diff (DESIGN.md §5): nothing an unsynced source declares
// is acted on, and nothing is pruned before every source is synced.
#include <doctest/doctest.h>

#include "reconciler/plan.hpp"
#include "plan_support.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::reconciler::testing;
using desired_state::kind;


TEST_CASE("diff sync gate: while a source catches up, the actions kept are whole") {
    // A folder's create and start while another source is not synced, and
    // nothing to update: the plan carries them intact, with their specs.
    auto desired = snapshot_of({service_entry("fresh", "h1", {}, {"front"}), network_entry("front", "hn"),
                                service_entry("stopped", "h2")});
    desired.synced = false;
    auto p = diff(desired, {owned(kind::service, "stopped", "h2", false)}, {});
    REQUIRE(p.actions.size() == 3);
    for (const auto& a : p.actions) {
        CHECK_FALSE(a.key.name.empty());
        CHECK(a.want.has_value());
    }
    REQUIRE(find(p, "Service/fresh") != nullptr);
    CHECK(find(p, "Service/fresh")->type == action_type::create);
    CHECK(find(p, "Service/fresh")->want->spec.name == "fresh");
    CHECK(find(p, "Service/stopped")->type == action_type::start);
    CHECK(find(p, "Network/front")->type == action_type::create);
    CHECK(find(p, "Service/fresh")->after ==
          std::vector<std::size_t>{static_cast<std::size_t>(find(p, "Network/front") - p.actions.data())});
    CHECK(p.held_back == guard::none);
    CHECK(p.converged() == false);
}

TEST_CASE("diff sync gate: nothing an unsynced source declares is acted on") {
    // kafka:desired/ is catching up; the f-* services come from a folder, read through.
    auto desired = snapshot_of({declared_by(service_entry("k-new", "h1"), "kafka:desired/k-new"),
                                declared_by(service_entry("k-changed", "h2"), "kafka:desired/k-changed"),
                                declared_by(service_entry("k-stopped", "h3"), "kafka:desired/k-stopped"),
                                service_entry("f-new", "h4"), service_entry("f-changed", "h5")});
    std::vector<drivers::actual_object> actual{owned(kind::service, "k-changed", "old"),
                                               owned(kind::service, "k-stopped", "h3", false),
                                               owned(kind::service, "f-changed", "old"), owned(kind::service, "k-gone", "h6")};
    desired.synced = false;
    desired.unsynced = {{kind::service, "k-new"}, {kind::service, "k-changed"}, {kind::service, "k-stopped"}};

    SUBCASE("step 1: catching up, the folder's objects converge alone") {
        auto p = diff(desired, actual, {});
        REQUIRE(p.actions.size() == 2);
        CHECK(find(p, "Service/f-new")->type == action_type::create);
        CHECK(find(p, "Service/f-changed")->type == action_type::update);
        CHECK(find(p, "Service/k-new") == nullptr);
        CHECK(find(p, "Service/k-changed") == nullptr);
        CHECK(find(p, "Service/k-stopped") == nullptr);
        CHECK(find(p, "Service/k-gone") == nullptr);
        CHECK(p.held_back == guard::not_synced);
        CHECK(p.removals_held == 4);
        CHECK(p.guard_message == "holding back 1 create(s), 1 update(s), 1 start(s) and 1 removal(s): "
                                "not every source has been read through yet");
        CHECK_FALSE(p.converged());
        CHECK(names_to_check(desired, actual) == std::vector<resource_key>{{kind::service, "f-new"}});
    }
    SUBCASE("step 2: the source is synced, but another is not: its objects converge, nothing is pruned") {
        desired.unsynced.clear();
        auto p = diff(desired, actual, {});
        CHECK(find(p, "Service/k-new")->type == action_type::create);
        CHECK(find(p, "Service/k-changed")->type == action_type::update);
        CHECK(find(p, "Service/k-stopped")->type == action_type::start);
        CHECK(find(p, "Service/k-gone") == nullptr);
        CHECK(p.held_back == guard::not_synced);
        CHECK(p.removals_held == 1);
        CHECK(p.guard_message == "holding back 1 removal(s): not every source has been read through yet");
    }
    SUBCASE("step 3: every source synced: the removal goes ahead") {
        desired.unsynced.clear();
        desired.synced = true;
        auto p = diff(desired, actual, {});
        CHECK(p.actions.size() == 6);
        CHECK(find(p, "Service/k-gone")->type == action_type::remove);
        CHECK(p.held_back == guard::none);
        CHECK(p.removals_held == 0);
    }
    SUBCASE("a record then its tombstone, read apart: the key never gets a create") {
        // Read up to the record: the key is declared, by a source not synced.
        auto p = diff(desired, {}, {});
        CHECK(find(p, "Service/k-new") == nullptr);
        // Read up to the tombstone: gone from the desired state; synced now.
        desired.resources.erase({kind::service, "k-new"});
        desired.unsynced.clear();
        desired.synced = true;
        p = diff(desired, {}, {});
        CHECK(find(p, "Service/k-new") == nullptr);
    }
    SUBCASE("a conflict or a drift of an unsynced key is not reported yet") {
        auto stranger = owned(kind::service, "k-new", "");
        stranger.owner = "";
        auto p = diff(desired, actual, {stranger});
        CHECK(find(p, "Service/k-new") == nullptr);
        CHECK(p.guard_message == "holding back 1 update(s), 1 start(s), 1 removal(s) and 1 conflict(s): "
                                "not every source has been read through yet");
    }
}

TEST_CASE("diff sync gate: a pull: always image of an unsynced key is not asked about") {
    auto e = declared_by(service_entry("web", "h1"), "kafka:desired/web");
    std::get<desired_state::service>(e.spec.body).pull = desired_state::pull_policy::always;
    auto desired = snapshot_of({e});
    auto web = owned(kind::service, "web", "h1");
    web.image_digest = "sha256:aaa";
    CHECK(images_to_check(desired, {web}) == std::vector<std::string>{"busybox:1"});
    desired.unsynced.insert({kind::service, "web"});
    CHECK(images_to_check(desired, {web}).empty());
}
