#include "watchers/kafka_change.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "desired_state/store.hpp"
#include "reconciler/plan.hpp"
#include "watchers/kafka_batch.hpp"

using namespace driftless;
using watchers::kafka_change;

namespace {

// A topic's records, batched and applied to a store as the source does.
struct topic_reader {
    desired_state::store store{no_env()};
    watchers::kafka_batch b{"desired", [] {
                                watchers::record_options ro;
                                ro.parse = no_env();
                                return ro;
                            }()};

    static desired_state::parse_options no_env() {
        desired_state::parse_options po;
        po.env = [](std::string_view) { return std::optional<std::string>{}; };
        return po;
    }
    void add(const std::string& key, const std::string& value, std::int64_t offset) {
        b.add(key, value.empty() ? nullptr : value.data(), value.size(), 0, offset);
    }
};

}  // namespace

TEST_CASE("kafka_change: applied to the store, a rejection keeps the last good specs") {
    topic_reader t;
    auto& store = t.store;
    auto& b = t.b;
    const desired_state::resource_key web{desired_state::kind::service, "web"};
    auto add = [&](const std::string& key, const std::string& value, std::int64_t offset) { t.add(key, value, offset); };

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

TEST_CASE("kafka_change: a bad record holds back only what its key names") {
    topic_reader t;
    auto& store = t.store;
    auto& b = t.b;
    using desired_state::kind;
    auto add = [&](const std::string& key, const std::string& value, std::int64_t offset) { t.add(key, value, offset); };
    add("old", "name: old\nimage: old:1\n", 0);
    add("keep", "name: keep\nimage: keep:1\n", 1);
    watchers::apply_kafka_changes(store, b.close());
    add("old", "", 2);                                        // a tombstone: Service/old is to be removed
    add("", "name: web\nimage: web:1\n", 3);                  // no key
    add("Pod/web", "name: web\nimage: web:1\n", 4);           // unknown kind
    add("Service/Web", "name: Web\nimage: web:1\n", 5);       // not a resource name
    add(std::string(10'000, 'k'), "name: k\n", 6);            // too long
    add("api", "name: api\nimagee: x\n", 7);                  // a named key, a bad value, no last good version
    add("keep", "name: keep\nimage: [\n", 8);                 // a bad value over a last good version
    const auto changes = b.close();
    for (const auto& c : changes) CHECK(c.key.size() <= 257);
    watchers::apply_kafka_changes(store, changes);

    auto snap = store.current();
    CHECK(snap->unparsed.empty());
    CHECK(snap->held == std::set<desired_state::resource_key>{
                            {kind::service, "api"}, {kind::network, "api"}, {kind::volume, "api"}});
    CHECK(snap->resources.at({kind::service, "keep"}).spec.as_service()->image == "keep:1");
    std::vector<std::string> places;
    for (const auto& e : snap->errors) places.push_back(e.where.path);
    std::sort(places.begin(), places.end());
    CHECK(places == std::vector<std::string>{"desired/0@3", "desired/0@4", "desired/0@5", "desired/0@6", "desired/0@7",
                                             "desired/0@7", "desired/0@8"});

    // The removal the tombstone asks for goes ahead.
    drivers::actual_object old, keep, api;
    using named = std::pair<drivers::actual_object*, const char*>;
    for (auto [o, name] : {named{&old, "old"}, named{&keep, "keep"}, named{&api, "api"}}) {
        o->kind = kind::service;
        o->name = name;
        o->owner = "me";
        o->running = true;
    }
    keep.spec_hash = snap->resources.at({kind::service, "keep"}).hash;
    const auto p = reconciler::diff(*snap, {old, keep, api}, {});
    CHECK(p.held_back == reconciler::guard::none);
    REQUIRE(p.actions.size() == 1);
    CHECK(p.actions[0].type == reconciler::action_type::remove);
    CHECK(p.actions[0].key.name == "old");
}
