#include <doctest/doctest.h>

#include "drivers/swarm_listing.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::swarm;

namespace {

// The shape of dockerd 20.10's GET /services?status=true, trimmed.
const char* services_answer = R"json([
  {"ID": "uke9n7en1rqx1r3uce1v4qghu", "Version": {"Index": 11},
   "Spec": {"Name": "web", "Labels": {"io.driftless.owner": "me", "io.driftless.name": "web",
                                      "io.driftless.spec-hash": "h1", "io.driftless.spec": "{}"},
            "Mode": {"Replicated": {"Replicas": 2}}},
   "ServiceStatus": {"RunningTasks": 2, "DesiredTasks": 2, "CompletedTasks": 0}},
  {"ID": "abcdefghijklmnopqrstuvwxy", "Version": {"Index": 40},
   "Spec": {"Name": "pinned", "Labels": {"io.driftless.owner": "me", "io.driftless.spec-hash": "h2"}},
   "ServiceStatus": {"RunningTasks": 0, "DesiredTasks": 1}},
  {"ID": "zzzzzzzzzzzzzzzzzzzzzzzzz", "Version": {"Index": 50},
   "Spec": {"Name": "rolling", "Labels": {"io.driftless.owner": "me", "io.driftless.spec-hash": "h3"}},
   "ServiceStatus": {"RunningTasks": 1, "DesiredTasks": 1},
   "UpdateStatus": {"State": "paused", "Message": "update paused due to failure or early termination of task x"}},
  {"ID": "yyyyyyyyyyyyyyyyyyyyyyyyy", "Version": {"Index": 60},
   "Spec": {"Name": "other"},
   "ServiceStatus": {"RunningTasks": 0, "DesiredTasks": 0}}
])json";

}  // namespace

TEST_CASE("swarm services list") {
    auto r = parse_service_list(services_answer, docker::naming::by_label);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 4);
    const auto& web = (*r)[0];
    CHECK(web.kind == driftless::desired_state::kind::service);
    CHECK(web.id == "uke9n7en1rqx1r3uce1v4qghu");
    CHECK(web.name == "web");
    CHECK(web.owner == "me");
    CHECK(web.spec_hash == "h1");
    CHECK(web.spec_json == "{}");
    CHECK(web.version == 11);
    CHECK(web.tasks_running == 2);
    CHECK(web.tasks_desired == 2);
    CHECK(web.running);
    CHECK(web.state == "running");
    CHECK(web.task_error.empty());

    const auto& pinned = (*r)[1];
    CHECK(pinned.name == "pinned");     // no name label: the engine's name
    CHECK_FALSE(pinned.running);
    CHECK(pinned.state == "0/1 tasks running");

    const auto& rolling = (*r)[2];
    CHECK_FALSE(rolling.running);
    CHECK(rolling.state == "update paused");
    CHECK(rolling.task_error == "update paused: update paused due to failure or early termination of task x");

    const auto& other = (*r)[3];
    CHECK(other.owner.empty());
    CHECK(other.running);               // 0 of 0: nothing to run
}

TEST_CASE("swarm services list: shapes that are not the API's are errors") {
    CHECK(parse_service_list("{}", docker::naming::by_label).err().message == "unexpected answer to GET /services: not a JSON array");
    CHECK(parse_service_list("[1]", docker::naming::by_label).err().message ==
          "unexpected answer to GET /services: an entry is not an object");
    CHECK(parse_service_list(R"([{"ID": "x"}])", docker::naming::by_label).err().message ==
          "unexpected answer to GET /services: an entry has no Spec");
    CHECK(parse_service_list("[]", docker::naming::by_label)->empty());
}

TEST_CASE("swarm tasks explain services that do not converge") {
    auto services = parse_service_list(services_answer, docker::naming::by_label).value();
    // Task shapes of dockerd 20.10's GET /tasks, trimmed.
    const char* tasks = R"json([
      {"ID": "t1", "Version": {"Index": 41}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "shutdown",
       "Status": {"State": "failed", "Message": "started", "Err": "task: non-zero exit (1)"}},
      {"ID": "t2", "Version": {"Index": 45}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "shutdown",
       "Status": {"State": "rejected", "Err": "No such image: nope:1"}},
      {"ID": "t3", "Version": {"Index": 44}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "running",
       "Status": {"State": "pending", "Message": "pending task scheduling",
                  "Err": "no suitable node (scheduling constraints not satisfied on 1 node)"}},
      {"ID": "t4", "Version": {"Index": 19}, "ServiceID": "uke9n7en1rqx1r3uce1v4qghu", "DesiredState": "shutdown",
       "Status": {"State": "failed", "Err": "old failure"}},
      {"ID": "t5", "Version": {"Index": 55}, "ServiceID": "zzzzzzzzzzzzzzzzzzzzzzzzz", "DesiredState": "running",
       "Status": {"State": "running", "Message": "started"}}
    ])json";
    REQUIRE(apply_tasks(services, tasks).ok());
    // A task meant to run with an error beats a later failure.
    CHECK(services[1].task_error == "pending: no suitable node (scheduling constraints not satisfied on 1 node)");
    // A converged service keeps no error, whatever its history.
    CHECK(services[0].task_error.empty());
    // The update's own message stays.
    CHECK(services[2].task_error == "update paused: update paused due to failure or early termination of task x");

    SUBCASE("without a live task in trouble, the latest failure") {
        auto again = parse_service_list(services_answer, docker::naming::by_label).value();
        const char* failures = R"json([
          {"Version": {"Index": 41}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "shutdown",
           "Status": {"State": "failed", "Err": "task: non-zero exit (1)"}},
          {"Version": {"Index": 45}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "shutdown",
           "Status": {"State": "rejected", "Err": "No such image: nope:1"}},
          {"Version": {"Index": 43}, "ServiceID": "abcdefghijklmnopqrstuvwxy", "DesiredState": "shutdown",
           "Status": {"State": "failed", "Err": "task: non-zero exit (2)"}}
        ])json";
        REQUIRE(apply_tasks(again, failures).ok());
        CHECK(again[1].task_error == "rejected: No such image: nope:1");
    }
    SUBCASE("tasks still starting say nothing") {
        auto again = parse_service_list(services_answer, docker::naming::by_label).value();
        REQUIRE(apply_tasks(again, R"json([{"Version": {"Index": 46}, "ServiceID": "abcdefghijklmnopqrstuvwxy",
                                        "DesiredState": "running", "Status": {"State": "preparing"}}])json").ok());
        CHECK(again[1].task_error.empty());
    }
    SUBCASE("an answer that is not an array") {
        CHECK(apply_tasks(services, "{}").err().message == "unexpected answer to GET /tasks: not a JSON array");
    }
}
