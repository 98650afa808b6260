// driftless (the binary) fed from a Kafka topic, against the real dockerd:
// librdkafka's mock cluster as the broker, Debian's kcat as an independent
// producer and consumer, the docker CLI as an independent check.
#include <doctest/doctest.h>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scenario.hpp"
#include "tools/kafka_cluster.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

std::string spec(const std::string& name, const std::string& release) {
    return "{\"kind\": \"Service\", \"name\": \"" + name +
           "\", \"image\": \"driftless-test/busybox:1\", \"pull\": \"never\", \"command\": [\"sleep\", \"3600\"], "
           "\"stop_grace_period\": \"1s\", \"env\": {\"RELEASE\": \"" + release + "\"}}";
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string env_of(const scenario& s, const std::string& name) {
    return s.engine("inspect -f '{{.Config.Env}}' " + name).out;
}

std::unique_ptr<child> start(scenario& s, const kafka_cluster& k, unsigned short& port) {
    std::vector<std::string> argv{binary(), "run", "-s", k.uri("desired"), "--owner", s.owner(), "--status-topic", "status",
                                  "--listen", "127.0.0.1:0", "-X", "reconnect.backoff.max.ms=500"};
    auto c = std::make_unique<child>(argv, std::vector<std::string>{}, (s.dir() / unique_id("run")).string() + ".log");
    const std::string marker = "status on http://127.0.0.1:";
    port = 0;
    wait_until([&] {
        const auto log = c->log();
        const auto at = log.find(marker);
        if (at == std::string::npos) return !c->running();
        port = static_cast<unsigned short>(std::stoi(log.substr(at + marker.size())));
        return true;
    }, 30s);
    return c;
}

std::string get(unsigned short port, const std::string& path) {
    return run({"curl", "-s", "--max-time", "5", "http://127.0.0.1:" + std::to_string(port) + path}).out;
}

// The state's source errors alone (the instance lists its sources too).
std::string source_errors(unsigned short port) {
    const auto state = nlohmann::json::parse(get(port, "/api/v1/state"), nullptr, false);
    return state.is_object() && state.contains("source_errors") ? state["source_errors"].dump() : std::string("(no state)");
}

}  // namespace

TEST_CASE("kafka: driftless run converges on a topic: create, tombstone, update, bad record, restart with a backlog, broker loss") {
    ensure_docker();
    scenario s("kf");
    kafka_cluster k({"desired:3", "status:1"});
    const auto a = s.name("a"), b = s.name("b"), c = s.name("c"), d = s.name("d");

    k.produce("desired", a, spec(a, "1"));
    k.produce("desired", b, spec(b, "1"));
    k.produce("desired", "Service/" + c, spec(c, "1"));
    unsigned short port = 0;
    auto run1 = start(s, k, port);
    REQUIRE(run1->running());
    REQUIRE(wait_until([&] { return s.owned_containers().size() == 3; }, 60s));
    CHECK(wait_until([&] { return get(port, "/readyz") == "ready\n"; }, 30s));

    // A tombstone removes.
    k.produce("desired", "Service/" + c, "");
    CHECK(wait_until([&] { return s.container_id(c).empty(); }, 30s));

    // An update recreates.
    const auto b1 = s.container_id(b);
    k.produce("desired", b, spec(b, "2"));
    CHECK(wait_until([&] { return s.container_id(b) != b1 && contains(env_of(s, b), "RELEASE=2"); }, 30s));

    // A malformed record: reported with its topic/partition/offset; nothing removed.
    const auto a1 = s.container_id(a);
    k.produce("desired", a, "{\"kind\": \"Service\", \"name\": \"" + a + "\", \"imagee\": \"x\"}");
    const auto bad = k.last_of("desired", a);
    const auto where = "desired/" + std::to_string(bad.partition) + "@" + std::to_string(bad.offset);
    CHECK(wait_until([&] { return contains(source_errors(port), where); }, 30s));
    CHECK(contains(run1->log(), where));
    CHECK(s.container_id(a) == a1);

    // The status topic carries a record per object, and a tombstone for c.
    CHECK(wait_until([&] {
        bool a_seen = false, c_gone = false;
        for (const auto& r : k.consume("status")) {
            if (r.key == s.owner() + "/Service/" + a && contains(r.value, "\"desired_hash\"")) a_seen = true;
            if (r.key == s.owner() + "/Service/" + c && r.value == "NULL") c_gone = true;
        }
        return a_seen && c_gone;
    }, 30s));

    // Killed; 300 records arrive meanwhile; restarted.
    run1->signal(SIGKILL);
    run1->wait(10s);
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) {
        lines.push_back(a + "|" + spec(a, "flap-" + std::to_string(i)));   // a flaps ...
        lines.push_back(b + "|" + spec(b, "step-" + std::to_string(i)));
        lines.push_back(d + "|" + spec(d, "step-" + std::to_string(i)));
    }
    lines.back() = d + "|" + spec(d, "final");
    lines.push_back(a + "|" + spec(a, "1"));                                 // ... and ends where it started
    k.produce_lines("desired", lines);
    run1.reset();
    auto run2 = start(s, k, port);
    CHECK(wait_until([&] {
        return contains(env_of(s, b), "RELEASE=step-99") && contains(env_of(s, d), "RELEASE=final") &&
               s.container_state(d) == "running";
    }, 60s));
    CHECK(s.container_id(a) == a1);   // its final record equals what runs: never recreated on the way
    CHECK(s.owned_containers() == [&] { std::vector<std::string> v{a, b, d}; std::sort(v.begin(), v.end()); return v; }());

    // Brokers gone: reported, nothing removed.
    const auto b2 = s.container_id(b), d2 = s.container_id(d);
    k.brokers_down();
    CHECK(wait_until([&] { return contains(source_errors(port), k.uri("desired")); }, 60s));
    REQUIRE(s.engine("rm -f " + b).exit_code == 0);   // a pass runs meanwhile, and removes nothing
    CHECK(wait_until([&] { return s.container_state(b) == "running"; }, 30s));
    CHECK(s.container_id(a) == a1);
    CHECK(s.container_id(d) == d2);
    CHECK(s.container_id(b) != b2);
    k.brokers_up();
    CHECK(wait_until([&] { return source_errors(port) == "[]"; }, 60s));
    run2->signal(SIGTERM);
    CHECK(run2->wait(30s) == 0);
}

TEST_CASE("kafka: examples/kafka's record, and a name defined in a folder and a topic is a conflict naming both") {
    ensure_docker();
    scenario s("kx");
    kafka_cluster k({"desired:1"});
    // README: kcat -b broker:9092 -P -t desired -k kafka-web examples/kafka/web.json
    REQUIRE(run({"kcat", "-b", k.bootstrap(), "-P", "-t", "desired", "-k", "kafka-web", source_dir() + "/examples/kafka/web.json"})
                .exit_code == 0);
    auto plan = run({binary(), "plan", "-s", k.uri("desired"), "--owner", s.owner()});
    INFO(plan.err);
    CHECK(plan.exit_code == 2);
    CHECK(contains(plan.out, "+ Service/kafka-web"));

    s.write("web.yaml", "name: kafka-web\nimage: driftless-test/busybox:1\n");
    auto both = run({binary(), "plan", "-s", s.dir().string(), "-s", k.uri("desired"), "--owner", s.owner()});
    CHECK(both.exit_code == 1);
    CHECK(contains(both.err, s.dir().string() + "/web.yaml:1:1: name: Service \"kafka-web\" is also defined at desired/0@0"));
    CHECK(contains(both.err, "desired/0@0"));
    CHECK_FALSE(contains(both.out, "Service/kafka-web"));
}
