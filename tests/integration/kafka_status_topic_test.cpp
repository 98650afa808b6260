// The status topic against librdkafka's mock cluster, read back with kcat.
#include <utility>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "status_surface/status_topic.hpp"
#include "support/process.hpp"
#include "tools/kafka_cluster.hpp"

using namespace driftless;
using namespace driftless::testing;
using namespace std::chrono_literals;

TEST_CASE("kafka status topic: a record per changed object, a tombstone when gone") {
    kafka_cluster cluster({"status:1"});
    boost::asio::io_context io;
    status_surface::status_topic_options options;
    options.owner = "line-3";
    auto uri = status_surface::status_topic_uri("status", {*watchers::parse_kafka_uri(cluster.uri("desired"))});
    REQUIRE(uri.ok());
    status_surface::status_topic topic(io.get_executor(), *uri, options);
    REQUIRE(topic.start().ok());

    const desired_state::resource_key web{desired_state::kind::service, "web"};
    const desired_state::resource_key front{desired_state::kind::network, "front"};
    reconciler::loop_status s;
    s.objects[web] = {"h1", "", "absent", "create", "failed", "image not found", 1000, true, true, "2024-05-01T10:00:00.000Z"};
    s.objects[front] = {"h2", "h2", "present", "create", "succeeded", "", 0, false, false, "2024-05-01T10:00:00.000Z"};
    topic.publish(s, {web, front});
    s.objects[web] = {"h1", "h1", "running", "create", "succeeded", "", 0, false, false, "2024-05-01T10:00:05.000Z"};
    s.objects.erase(front);
    topic.publish(s, {web, front});

    auto poll = [&] {
        io.restart();
        io.poll();
    };
    REQUIRE(wait_until(
        [&] {
            poll();
            return topic.stats().delivered == 4;
        },
        30s));
    CHECK(topic.stats().failed == 0);
    CHECK(topic.error().empty());

    const auto records = cluster.consume("status");
    REQUIRE(records.size() == 4);
    std::vector<std::string> keys;
    for (const auto& r : records) keys.push_back(r.key);
    // One partition: the order of production.
    CHECK(keys == std::vector<std::string>{"line-3/Service/web", "line-3/Network/front", "line-3/Service/web",
                                           "line-3/Network/front"});
    const auto first = nlohmann::json::parse(records[0].value);
    CHECK(first["owner"] == "line-3");
    CHECK(first["kind"] == "Service");
    CHECK(first["name"] == "web");
    CHECK(first["desired_hash"] == "h1");
    CHECK(first["observed"] == "absent");
    CHECK(first["last_action"] == "create");
    CHECK(first["last_result"] == "failed");
    CHECK(first["error"] == "image not found");
    CHECK(first["timestamp"].get<std::string>().size() == 24);
    const auto later = nlohmann::json::parse(records[2].value);
    CHECK(later["observed"] == "running");
    CHECK(later["last_result"] == "succeeded");
    CHECK(later["error"] == "");
    CHECK(records[3].value == "NULL");   // the tombstone

    topic.stop(5s);
}
