// driftless restarted on a topic it must read through again, against the
// real dockerd: librdkafka's mock cluster with slow answers (100 ms each),
// Debian's kcat as the producer, the engine's own event log as the
// independent witness.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>

#include "support/process.hpp"
#include "support/scenario.hpp"
#include "tools/kafka_cluster.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

std::string spec(const std::string& name) {
    return "{\"kind\": \"Service\", \"name\": \"" + name +
           "\", \"image\": \"driftless-test/busybox:1\", \"pull\": \"never\", \"command\": [\"sleep\", \"3600\"], "
           "\"stop_grace_period\": \"1s\"}";
}

std::string unix_now() {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
    return std::to_string(us.count() / 1'000'000) + "." + std::to_string(1'000'000 + us.count() % 1'000'000).substr(1);
}

}  // namespace

TEST_CASE("kafka restart: a record then its tombstone, read again after a restart: the object is never created") {
    ensure_docker();
    scenario s("kr");
    kafka_cluster k({"desired:1"}, 1, 100ms);
    const auto first = s.name("first"), gone = s.name("gone"), last = s.name("last"), folder = s.name("folder");
    // Small fetches, so the backlog may arrive over several deliveries.
    const std::vector<std::string> run_args{"-s", k.uri("desired"), "-X", "max.partition.fetch.bytes=1",
                                            "-X", "reconnect.backoff.max.ms=500"};

    k.produce("desired", first, spec(first));
    auto run1 = s.start_run(run_args);
    REQUIRE(run1->running());
    REQUIRE(wait_until([&] { return s.container_state(first) == "running"; }, 60s));
    const auto first_id = s.container_id(first);
    run1->signal(SIGTERM);
    CHECK(run1->wait(30s) == 0);

    // While driftless is away: `gone` is declared, then, a few batches
    // later, deleted; `last` is declared after everything else.
    k.produce("desired", gone, spec(gone));
    std::vector<std::string> fillers;
    for (int i = 0; i < 20; ++i) fillers.push_back(s.name("filler-" + std::to_string(i)) + "|");   // tombstones of nothing
    k.produce_lines("desired", fillers, {"batch.num.messages=1"});
    k.produce("desired", gone, "");
    k.produce("desired", last, spec(last));
    s.write("folder.yaml", "name: " + folder + "\nimage: driftless-test/busybox:1\npull: never\ncommand: [sleep, \"3600\"]\n");

    const auto since = unix_now();
    auto run2 = s.start_run(run_args);
    REQUIRE(run2->running());
    // `last` follows the tombstone in the partition: once it runs, every
    // record before it has been read and acted on.
    REQUIRE(wait_until([&] { return s.container_state(last) == "running"; }, 90s));
    CHECK(wait_until([&] { return s.container_state(folder) == "running"; }, 30s));   // the folder converges too
    const auto until = unix_now();
    auto created = s.engine("events --since " + since + " --until " + until +
                            " --filter type=container --filter event=create --filter label=io.driftless.owner=" +
                            s.owner() + " --format '{{.Actor.Attributes.name}}'");
    REQUIRE(created.exit_code == 0);
    INFO(created.out);
    INFO(run2->log());
    CHECK(created.out.find(last) != std::string::npos);
    CHECK(created.out.find(gone) == std::string::npos);    // never created, not even for a moment
    CHECK(created.out.find(first) == std::string::npos);   // nothing pruned and remade during the catch-up
    CHECK(s.container_id(first) == first_id);
    CHECK(s.container_id(gone).empty());
    run2->signal(SIGTERM);
    CHECK(run2->wait(30s) == 0);
}
