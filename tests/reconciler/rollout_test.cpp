// Health-gated updates: the strategy, the verdict on a candidate, and the
// step planned for every state a rollout can leave on the engine (also
// after driftless was killed half way), without an engine.
#include <doctest/doctest.h>

#include "reconciler/plan.hpp"
#include "reconciler/rollout.hpp"
#include "plan_support.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::reconciler::testing;
using drivers::rollout_role;
using drivers::rollout_step;

namespace {

constexpr std::int64_t t0 = 1'800'000'000'000;   // a candidate's start, Unix ms

drivers::actual_object in_role(rollout_role role, const std::string& hash, const std::string& state = "running") {
    auto a = owned(kind::service, "web", hash, state == "running");
    a.role = role;
    a.state = state;
    a.id = std::string("id-") + drivers::to_string(role);
    a.rollout.inspected = true;
    a.rollout.started_at_ms = state == "created" ? 0 : t0;
    return a;
}

drivers::actual_object live(const std::string& hash, const std::string& state = "running") {
    return in_role(rollout_role::none, hash, state);
}

plan plan_at(const std::vector<drivers::actual_object>& actual, std::int64_t now_ms = t0 + 1000,
             desired_state::desired_entry want = service_entry("web", "new")) {
    diff_options o;
    o.rollouts = true;
    o.now_ms = now_ms;
    return diff(snapshot_of({std::move(want)}), actual, {}, o);
}

action only(const plan& p) {
    REQUIRE(p.actions.size() == 1);
    return p.actions[0];
}

desired_state::desired_entry with_ports(desired_state::desired_entry e) {
    auto& svc = std::get<desired_state::service>(e.spec.body);
    desired_state::port_mapping p;
    p.target = 80;
    p.published = 8080;
    svc.ports.push_back(p);
    return e;
}

desired_state::desired_entry with_policy(desired_state::desired_entry e, desired_state::update_policy u) {
    std::get<desired_state::service>(e.spec.body).update_config = std::move(u);
    return e;
}

}  // namespace

TEST_CASE("rollout: the strategy and its defaults") {
    desired_state::service svc;
    auto s = rollout::strategy_of(svc);
    CHECK(s.order == rollout::order::start_first);
    CHECK(s.monitor_ms == 10'000);
    CHECK(s.on_failure == rollout::failure_action::rollback);
    CHECK(s.why == "start-first: the old container holds nothing the new one needs");

    SUBCASE("a published host port is held by the old container: stop-first, even when start-first is asked") {
        svc = std::get<desired_state::service>(with_ports(service_entry("web", "h")).spec.body);
        CHECK(rollout::strategy_of(svc).why == "stop-first: it publishes host port 8080");
        svc.update_config = desired_state::update_policy{};
        svc.update_config->order = "start-first";
        CHECK(rollout::strategy_of(svc).order == rollout::order::stop_first);
        CHECK(rollout::strategy_of(svc).why == "stop-first: start-first cannot work, it publishes host port 8080");
    }
    SUBCASE("a writable volume is stop-first by default, start-first when asked") {
        desired_state::mount m;
        m.type = desired_state::mount_type::volume;
        m.source = "data";
        m.target = "/data";
        svc.mounts.push_back(m);
        CHECK(rollout::strategy_of(svc).order == rollout::order::stop_first);
        svc.update_config = desired_state::update_policy{};
        svc.update_config->order = "start-first";
        CHECK(rollout::strategy_of(svc).order == rollout::order::start_first);
    }
    SUBCASE("update_config sets monitor and failure_action") {
        svc.update_config = desired_state::update_policy{};
        svc.update_config->monitor_ns = 3'000'000'000;
        svc.update_config->failure_action = "continue";
        svc.update_config->order = "stop-first";
        s = rollout::strategy_of(svc);
        CHECK(s.monitor_ms == 3000);
        CHECK(s.on_failure == rollout::failure_action::keep);
        CHECK(s.order == rollout::order::stop_first);
    }
}

TEST_CASE("rollout: judging a candidate") {
    rollout::strategy s;
    s.monitor_ms = 5000;
    auto c = in_role(rollout_role::next, "new");

    SUBCASE("without a healthcheck: running through the monitor period") {
        auto j = rollout::judge(c, s, t0 + 1000);
        CHECK(j.verdict == rollout::verdict::pending);
        CHECK(j.recheck_at_ms == t0 + 5000);
        CHECK(rollout::judge(c, s, t0 + 5000).verdict == rollout::verdict::passed);
    }
    SUBCASE("exited at once, with its last log lines") {
        c.running = false;
        c.state = "exited";
        c.exit_code = 3;
        c.rollout.log_tail = "boom";
        auto j = rollout::judge(c, s, t0 + 1000);
        CHECK(j.verdict == rollout::verdict::failed);
        CHECK(j.reason == "it exited with code 3; last log lines: boom");
    }
    SUBCASE("restarted by its restart policy") {
        c.rollout.restart_count = 2;
        CHECK(rollout::judge(c, s, t0 + 1000).reason == "it restarted 2 time(s)");
    }
    SUBCASE("the engine would not start it") {
        c.running = false;
        c.state = "created";
        c.rollout.error = "exec: \"nope\": not found";
        CHECK(rollout::judge(c, s, t0).reason == "the engine could not start it: exec: \"nope\": not found");
    }
    SUBCASE("made, never started") {
        c = in_role(rollout_role::next, "new", "created");
        CHECK(rollout::judge(c, s, t0).verdict == rollout::verdict::not_started);
    }
    SUBCASE("with a healthcheck: healthy passes at once, unhealthy fails, starting waits up to its window") {
        c.rollout.has_healthcheck = true;
        c.rollout.health_window_ms = 20'000;
        c.health = "starting";
        auto j = rollout::judge(c, s, t0 + 6000);
        CHECK(j.verdict == rollout::verdict::pending);
        CHECK(j.recheck_at_ms == t0 + 8000);
        j = rollout::judge(c, s, t0 + 20'000);
        CHECK(j.verdict == rollout::verdict::failed);
        CHECK(j.reason == "its healthcheck did not pass within 20s (health: starting)");
        c.health = "healthy";
        CHECK(rollout::judge(c, s, t0 + 100).verdict == rollout::verdict::passed);
        c.health = "unhealthy";
        c.rollout.health_output = "wget: can't connect";
        CHECK(rollout::judge(c, s, t0 + 100).reason == "its healthcheck failed: wget: can't connect");
    }
}

TEST_CASE("rollout: an update begins start-first or stop-first") {
    auto p = plan_at({live("old")});
    const auto& a = only(p);
    CHECK(a.type == action_type::update);
    REQUIRE(a.rollout);
    CHECK(a.rollout->step == rollout_step::begin_start_first);
    CHECK(a.rollout->live->id == "id-");
    CHECK(a.in_rollout);

    auto q = plan_at({live("old")}, t0, with_ports(service_entry("web", "new")));
    CHECK(only(q).rollout->step == rollout_step::begin_stop_first);
    CHECK(only(q).reason == "spec hash changed; rolling out new, stop-first: it publishes host port 8080");

    SUBCASE("without rollouts (swarm) an update is what it was") {
        auto r = diff(snapshot_of({service_entry("web", "new")}), {live("old")}, {}, {});
        CHECK_FALSE(only(r).rollout);
    }
    SUBCASE("replicas: 0 is recreated as before") {
        auto e = service_entry("web", "new");
        std::get<desired_state::service>(e.spec.body).replicas = 0;
        CHECK_FALSE(only(plan_at({live("old")}, t0, e)).rollout);
    }
}

TEST_CASE("rollout: start-first states") {
    SUBCASE("candidate made, not started (killed between create and start): start it, without a recreate") {
        const auto& a = only(plan_at({live("old"), in_role(rollout_role::next, "new", "created")}));
        CHECK(a.type == action_type::start);
        CHECK(a.have->role == rollout_role::next);
        CHECK_FALSE(a.want);
    }
    SUBCASE("candidate under watch: a wait, reported rolling_out, rechecked when its monitor ends") {
        auto p = plan_at({live("old"), in_role(rollout_role::next, "new")});
        const auto& a = only(p);
        CHECK(a.type == action_type::wait);
        CHECK(a.observed == "rolling_out");
        REQUIRE(p.recheck_at_ms);
        CHECK(*p.recheck_at_ms == t0 + 10'000);
    }
    SUBCASE("candidate passed: promote, removing the old one") {
        const auto& a = only(plan_at({live("old"), in_role(rollout_role::next, "new")}, t0 + 10'000));
        CHECK(a.type == action_type::rollout);
        CHECK(a.rollout->step == rollout_step::promote);
        CHECK(a.rollout->live->id == "id-");
        CHECK(a.rollout->candidate->id == "id-next");
        REQUIRE(a.rollout->want);   // the aliases the candidate takes
        CHECK(a.rollout->want->hash == "new");
    }
    SUBCASE("killed after the old one was removed: finish the promotion") {
        const auto& a = only(plan_at({in_role(rollout_role::next, "new")}));
        CHECK(a.rollout->step == rollout_step::promote);
        CHECK_FALSE(a.rollout->live);
        CHECK(a.rollout->want);
    }
    SUBCASE("candidate failed: roll back, replacing an older NAME--FAILED") {
        auto cand = in_role(rollout_role::next, "new", "exited");
        cand.exit_code = 1;
        const auto& a = only(plan_at({live("old"), cand}));
        CHECK(a.rollout->step == rollout_step::roll_back);
        CHECK(a.reason == "roll back new: it exited with code 1");
        CHECK_FALSE(a.rollout->previous);
    }
    SUBCASE("a candidate of another spec is removed") {
        const auto& a = only(plan_at({live("old"), in_role(rollout_role::next, "other")}));
        CHECK(a.type == action_type::remove);
        CHECK(a.have->role == rollout_role::next);
        CHECK(a.reason == "web--NEXT: a candidate of another spec");
    }
}

TEST_CASE("rollout: stop-first states") {
    const auto want = with_ports(service_entry("web", "new"));
    SUBCASE("killed after the old one was stopped: begin again (the stop is done)") {
        const auto& a = only(plan_at({live("old", "exited")}, t0, want));
        CHECK(a.rollout->step == rollout_step::begin_stop_first);
    }
    SUBCASE("killed after the rename: make the candidate") {
        const auto& a = only(plan_at({in_role(rollout_role::previous, "old", "exited")}, t0, want));
        CHECK(a.rollout->step == rollout_step::create_candidate);
        CHECK(a.rollout->previous->id == "id-previous");
        REQUIRE(a.rollout->want);   // what the candidate is made from
        CHECK(a.rollout->want->hash == "new");
    }
    SUBCASE("candidate made, not started") {
        const auto& a = only(plan_at({in_role(rollout_role::previous, "old", "exited"), live("new", "created")}, t0, want));
        CHECK(a.type == action_type::start);
        CHECK(a.have->role == rollout_role::none);
    }
    SUBCASE("candidate under watch, then passed: the old one is removed") {
        std::vector<drivers::actual_object> both{in_role(rollout_role::previous, "old", "exited"), live("new")};
        CHECK(only(plan_at(both, t0 + 1000, want)).observed == "rolling_out");
        const auto& a = only(plan_at(both, t0 + 10'000, want));
        CHECK(a.rollout->step == rollout_step::finish);
        CHECK(a.rollout->previous->id == "id-previous");
    }
    SUBCASE("candidate failed: roll back to the old one") {
        auto cand = live("new");
        cand.rollout.restart_count = 4;
        const auto& a = only(plan_at({in_role(rollout_role::previous, "old", "exited"), cand}, t0 + 1000, want));
        CHECK(a.rollout->step == rollout_step::roll_back);
        CHECK(a.rollout->previous->id == "id-previous");
        CHECK(a.rollout->candidate->id == "id-");
    }
    SUBCASE("killed mid roll back, after the candidate became NAME--FAILED: put the old one back") {
        const auto& a = only(plan_at({in_role(rollout_role::previous, "old", "exited"), in_role(rollout_role::failed, "new", "exited")},
                                     t0, want));
        CHECK(a.rollout->step == rollout_step::restore);
    }
    SUBCASE("the old spec wanted again while it waits as NAME--PREVIOUS") {
        auto old = with_ports(service_entry("web", "old"));
        const auto& a = only(plan_at({in_role(rollout_role::previous, "old", "exited"), live("new")}, t0, old));
        CHECK(a.type == action_type::remove);   // the candidate goes first, then restore
        const auto& b = only(plan_at({in_role(rollout_role::previous, "old", "exited")}, t0, old));
        CHECK(b.rollout->step == rollout_step::restore);
    }
}

TEST_CASE("rollout: a rolled-back spec is not tried again; a new spec is") {
    auto failed = in_role(rollout_role::failed, "new", "exited");
    failed.exit_code = 3;
    failed.rollout.log_tail = "no config";
    auto p = plan_at({live("old"), failed});
    const auto& a = only(p);
    CHECK(a.type == action_type::rolled_back);
    CHECK(a.observed == "rolled_back");
    CHECK(a.reason ==
          "the update to new was rolled back: it exited with code 3; last log lines: no config; the old container runs; "
          "a new spec or `driftless retry web` tries again");
    CHECK_FALSE(p.recheck_at_ms);

    SUBCASE("the old container stopped meanwhile: started as it is") {
        const auto& b = only(plan_at({live("old", "exited"), failed}));
        CHECK(b.type == action_type::start);
        CHECK_FALSE(b.want);
    }
    SUBCASE("another spec: the update begins and replaces NAME--FAILED") {
        const auto& b = only(plan_at({live("old"), failed}, t0, service_entry("web", "newer")));
        CHECK(b.rollout->step == rollout_step::begin_start_first);
        CHECK(b.rollout->failed->id == "id-failed");
    }
    SUBCASE("the spec that runs is wanted again: NAME--FAILED goes") {
        const auto& b = only(plan_at({live("old"), failed}, t0, service_entry("web", "old")));
        CHECK(b.type == action_type::remove);
        CHECK(b.have->role == rollout_role::failed);
    }
    SUBCASE("nothing runs: a create is never held back") {
        CHECK(only(plan_at({failed})).type == action_type::create);
    }
    SUBCASE("retry removes NAME--FAILED") {
        auto gone = rollout::retry_removals({live("old"), failed}, "web");
        REQUIRE(gone.size() == 1);
        CHECK(gone[0].role == rollout_role::failed);
        CHECK(rollout::retry_removals({live("old")}, "web").empty());
    }
}

TEST_CASE("rollout: failure_action pause and continue") {
    auto cand = live("new", "exited");
    cand.exit_code = 2;
    const std::vector<drivers::actual_object> stop_first{in_role(rollout_role::previous, "old", "exited"), cand};
    desired_state::update_policy u;
    u.order = "stop-first";
    u.failure_action = "pause";
    const auto& a = only(plan_at(stop_first, t0, with_policy(service_entry("web", "new"), u)));
    CHECK(a.type == action_type::rolled_back);
    CHECK(a.observed == "paused");
    auto gone = rollout::retry_removals(stop_first, "web");
    REQUIRE(gone.size() == 1);
    CHECK(gone[0].role == rollout_role::none);

    u.failure_action = "continue";
    const auto& b = only(plan_at(stop_first, t0, with_policy(service_entry("web", "new"), u)));
    CHECK(b.rollout->step == rollout_step::finish);
}

TEST_CASE("rollout: a service no longer declared goes with every container of its rollout") {
    auto p = diff(snapshot_of({service_entry("other", "h")}),
                  {live("old"), in_role(rollout_role::previous, "x", "exited"), in_role(rollout_role::failed, "y", "exited")}, {},
                  [] { diff_options o; o.rollouts = true; o.allow_mass_prune = true; return o; }());
    CHECK(p.count(action_type::remove) == 3);
}

TEST_CASE("rollout: a NAME--FAILED its restart policy started again is stopped") {
    auto failed = in_role(rollout_role::failed, "new", "running");
    const auto a = only(plan_at({live("old"), failed}));
    CHECK(a.type == action_type::rollout);
    CHECK(a.rollout->step == rollout_step::quiet);
    CHECK(a.rollout->failed->id == "id-failed");
}

TEST_CASE("rollout: swarm's rolled-back and paused updates are reported, and a rolled-back spec is not sent again") {
    auto svc = owned(kind::service, "web", "old");
    svc.self_healing = true;
    svc.update_state = "rollback_completed";
    svc.update_message = "rollback completed";
    auto plan_swarm = [](const drivers::actual_object& have, const std::map<std::string, std::string>* memory,
                         const std::string& want = "new") {
        diff_options o;
        o.swarm_rolled_back = memory;
        return diff(snapshot_of({service_entry("web", want)}), {have}, {}, o);
    };
    SUBCASE("rolled back, nothing remembered: the spec wanted now is taken as the one rolled back") {
        const auto& a = only(plan_swarm(svc, nullptr));
        CHECK(a.type == action_type::rolled_back);
        CHECK(a.observed == "rolled_back");
        CHECK(a.reason ==
              "swarm rolled the update to new back (rollback_completed: rollback completed); the previous spec runs; "
              "a new spec or `driftless retry web` tries again");
    }
    SUBCASE("rolled back, remembered for this spec: still reported") {
        const std::map<std::string, std::string> memory{{"web", "new"}};
        CHECK(only(plan_swarm(svc, &memory)).type == action_type::rolled_back);
    }
    SUBCASE("a new spec since the roll back: sent") {
        const std::map<std::string, std::string> memory{{"web", "new"}};
        const auto& a = only(plan_swarm(svc, &memory, "newer"));
        CHECK(a.type == action_type::update);
        CHECK(a.observed.empty());
    }
    SUBCASE("rolled back to the spec wanted: converged") {
        CHECK(plan_swarm(svc, nullptr, "old").actions.empty());
    }
    SUBCASE("paused half way on the wanted spec: reported paused, not updated") {
        auto paused = svc;
        paused.spec_hash = "new";
        paused.update_state = "paused";
        paused.update_message = "update paused due to failure or early termination of task x";
        paused.running = false;
        paused.task_error = "update paused: " + paused.update_message;
        const auto& a = only(plan_swarm(paused, nullptr));
        CHECK(a.type == action_type::rolled_back);
        CHECK(a.observed == "paused");
        CHECK(a.reason.find("swarm paused the update to new half way") == 0);
        // A new spec is sent.
        CHECK(only(plan_swarm(paused, nullptr, "newer")).type == action_type::update);
    }
    SUBCASE("an update that completed: the ordinary rules") {
        auto done = svc;
        done.update_state = "completed";
        CHECK(only(plan_swarm(done, nullptr)).type == action_type::update);
    }
}
