// The status topic's records (status_surface/status_topic.hpp): pure parts.
#include "status_surface/status_topic.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace driftless;
using status_surface::make_status_record;
using status_surface::status_topic_uri;

TEST_CASE("kafka status topic: one record per object, a tombstone when it is gone") {
    reconciler::loop_status s;
    const desired_state::resource_key web{desired_state::kind::service, "web"};
    const desired_state::resource_key gone{desired_state::kind::network, "old"};
    auto& o = s.objects[web];
    o.desired_hash = "d1";
    o.actual_hash = "a0";
    o.observed = "running";
    o.last_action = "update";
    o.last_result = "failed";
    o.error = "engine said no";
    o.backoff_ms = 2000;
    o.drifted = true;
    o.failing = true;
    o.since = "2024-05-01T10:00:00.000Z";

    CHECK(status_surface::status_key("line-3", web) == "line-3/Service/web");
    auto r = make_status_record("line-3", s, web, "2024-05-01T10:00:01.000Z");
    CHECK(r.key == "line-3/Service/web");
    REQUIRE(r.value);
    CHECK(nlohmann::json::parse(*r.value) == nlohmann::json{{"owner", "line-3"},
                                                             {"kind", "Service"},
                                                             {"name", "web"},
                                                             {"desired_hash", "d1"},
                                                             {"actual_hash", "a0"},
                                                             {"observed", "running"},
                                                             {"last_action", "update"},
                                                             {"last_result", "failed"},
                                                             {"error", "engine said no"},
                                                             {"backoff_ms", 2000},
                                                             {"drifted", true},
                                                             {"failing", true},
                                                             {"since", "2024-05-01T10:00:00.000Z"},
                                                             {"timestamp", "2024-05-01T10:00:01.000Z"}});
    CHECK(make_status_record("line-3", s, gone, "t") ==
          status_surface::status_record{"line-3/Network/old", std::nullopt});
}

TEST_CASE("kafka status topic: where --status-topic goes") {
    const std::vector<watchers::kafka_uri> sources{{{"a:9092", "b:9092"}, "desired"}};
    auto bare = status_topic_uri("status", sources);
    REQUIRE(bare.ok());
    CHECK(*bare == watchers::kafka_uri{{"a:9092", "b:9092"}, "status"});
    auto full = status_topic_uri("kafka://c:9093/status", sources);
    REQUIRE(full.ok());
    CHECK(*full == watchers::kafka_uri{{"c:9093"}, "status"});
    CHECK(status_topic_uri("status", {}).err().message ==
          "--status-topic \"status\": no Kafka source to take the brokers from; give kafka://HOST:PORT/TOPIC");
    CHECK(status_topic_uri("st atus", sources).err().message ==
          "--status-topic \"st atus\": topic \"st atus\": ' ' cannot appear in a topic name (letters, digits, '.', '_', '-')");
    CHECK(status_topic_uri("kafka://c/status", sources).err().message ==
          "--status-topic \"kafka://c/status\": broker \"c\": missing port; expected HOST:PORT, e.g. localhost:9092");
}
