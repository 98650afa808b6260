// Which cluster's settings the status topic's producer gets.
#include "status_surface/status_topic.hpp"

#include <doctest/doctest.h>

using namespace driftless;
using status_surface::status_topic_settings;
using watchers::kafka_setting;
using watchers::kafka_uri;

TEST_CASE("status topic settings: -X stays with its cluster, --status-X goes to the status topic's") {
    const std::vector<kafka_uri> sources{{{"a1:9092", "a2:9092"}, "desired"}};
    const std::vector<kafka_setting> source_x{{"sasl.username", "source"}, {"sasl.password", "source-secret"}};
    const std::vector<kafka_setting> status_x{{"sasl.username", "status", "--status-X"}};

    SUBCASE("on another cluster: none of -X") {
        const kafka_uri other{{"b1:9092"}, "status"};
        CHECK(status_topic_settings(other, sources, source_x, {}).empty());
        CHECK(status_topic_settings(other, sources, source_x, status_x) == status_x);
    }
    SUBCASE("on a source's cluster (a bare topic, or a broker in common): -X, unless --status-X") {
        auto bare = status_surface::status_topic_uri("status", sources);
        REQUIRE(bare.ok());
        CHECK(status_topic_settings(*bare, sources, source_x, {}) == source_x);
        const kafka_uri same{{"a2:9092", "a1:9092"}, "status"};
        CHECK(status_topic_settings(same, sources, source_x, {}) == source_x);
        CHECK(status_topic_settings(same, sources, source_x, status_x) == status_x);
    }
    SUBCASE("one broker in common is the same cluster") {
        const kafka_uri part{{"b1:9092", "a1:9092"}, "status"};
        CHECK(status_topic_settings(part, sources, source_x, {}) == source_x);
    }
}
