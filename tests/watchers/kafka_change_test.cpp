#include "watchers/kafka_change.hpp"

#include <doctest/doctest.h>

#include "desired_state/store.hpp"
#include "watchers/kafka_batch.hpp"

using namespace driftless;
using watchers::kafka_change;

TEST_CASE("kafka_change: applied to the store, a rejection keeps the last good specs") {
    desired_state::parse_options po;
    po.env = [](std::string_view) { return std::optional<std::string>{}; };
    desired_state::store store(po);
    watchers::record_options ro;
    ro.parse = po;
    watchers::kafka_batch b("desired", ro);
    const desired_state::resource_key web{desired_state::kind::service, "web"};
    auto add = [&](const std::string& key, const std::string& value, std::int64_t offset) {
        b.add(key, value.empty() ? nullptr : value.data(), value.size(), 0, offset);
    };

    add("web", "name: web\nimage: web:1\n", 0);
    watchers::apply_kafka_changes(store, b.close());
    auto snap = store.current();
    REQUIRE(snap->resources.count(web) == 1);
    CHECK(snap->resources.at(web).doc_id == "kafka:desired/web");

    add("web", "name: web\nimage: [\n", 1);
    watchers::apply_kafka_changes(store, b.close());
    snap = store.current();
    REQUIRE(snap->resources.count(web) == 1);
    CHECK(snap->resources.at(web).spec.as_service()->image == "web:1");
    REQUIRE(snap->errors.size() == 1);
    CHECK(snap->errors[0].where.path == "desired/0@1");

    add("web", "name: web\nimage: web:2\n", 2);
    watchers::apply_kafka_changes(store, b.close());
    snap = store.current();
    CHECK(snap->resources.at(web).spec.as_service()->image == "web:2");
    CHECK(snap->errors.empty());

    add("web", "", 3);
    watchers::apply_kafka_changes(store, b.close());
    CHECK(store.current()->resources.empty());
    CHECK_FALSE(store.contains("kafka:desired/web"));
}

TEST_CASE("kafka_change: the source's own trouble is an error of kafka:TOPIC") {
    desired_state::store store;
    const watchers::kafka_uri uri{{"localhost:9092"}, "desired"};
    CHECK(watchers::kafka_source_doc_id(uri) == "kafka:desired");
    watchers::apply_kafka_broker_error(store, uri, "kafka://localhost:9092/desired: 1/1 brokers are down");
    auto snap = store.current();
    REQUIRE(snap->errors.size() == 1);
    CHECK(snap->errors[0].to_string() == "kafka://localhost:9092/desired: 1/1 brokers are down");
    watchers::apply_kafka_broker_error(store, uri, "");
    CHECK(store.current()->errors.empty());
    CHECK(store.current()->documents == 0);
}
