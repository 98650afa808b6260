// The Kafka source against librdkafka's mock cluster (a process of its own,
// tests/tools/kafka_mock_cluster.cpp), with kcat as the independent
// producer. The source runs on an io_context driven by this thread.
#include <utility>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "desired_state/store.hpp"
#include "support/process.hpp"
#include "tools/kafka_cluster.hpp"
#include "watchers/kafka_source.hpp"

using namespace driftless;
using namespace driftless::testing;
using namespace std::chrono_literals;
using watchers::kafka_change;

namespace {

std::string json_service(const std::string& name, const std::string& image) {
    return R"({"kind": "Service", "name": ")" + name + R"(", "image": ")" + image + R"("})";
}

// A kafka_source feeding a store, as the reconciler wires it.
struct reader {
    boost::asio::io_context io;
    desired_state::store store;
    std::vector<kafka_change> changes;             // every change delivered, in order
    std::size_t state_calls = 0;
    std::map<std::string, std::string> at_sync;     // name -> image when synced() turned true
    std::unique_ptr<watchers::kafka_source> source;

    reader(const std::string& uri_text, watchers::kafka_source_options options = fast()) {
        auto uri = watchers::parse_kafka_uri(uri_text);
        REQUIRE(uri.ok());
        source = std::make_unique<watchers::kafka_source>(
            io.get_executor(), *uri, std::move(options),
            [this](std::vector<kafka_change> batch) {
                watchers::apply_kafka_changes(store, batch);
                changes.insert(changes.end(), batch.begin(), batch.end());
            },
            [this] {
                ++state_calls;
                store.set_synced(source->synced());
                watchers::apply_kafka_broker_error(store, source->uri(), source->broker_error());
                if (source->synced() && at_sync.empty()) at_sync = images();
            });
        store.set_synced(false);
        auto st = source->start();
        REQUIRE_MESSAGE(st.ok(), st.err().message);
    }

    static watchers::kafka_source_options fast() {
        watchers::kafka_source_options o;
        o.metadata_interval = 300ms;
        o.retry_interval = 200ms;
        return o;
    }

    // Runs what the source posted until `condition` holds.
    bool until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 30s) {
        return wait_until(
            [&] {
                io.restart();
                io.poll();
                return condition();
            },
            timeout);
    }

    std::map<std::string, std::string> images() {
        std::map<std::string, std::string> out;
        for (const auto& [key, e] : store.current()->resources)
            if (const auto* s = e.spec.as_service()) out[key.name] = s->image;
        return out;
    }

    std::vector<std::string> errors() {
        std::vector<std::string> out;
        for (const auto& d : store.current()->errors) out.push_back(d.to_string());
        return out;
    }

    std::size_t count(kafka_change::op_kind op) const {
        std::size_t n = 0;
        for (const auto& c : changes) n += c.op == op;
        return n;
    }
};

using images = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("kafka source: upserts, tombstones, updates and rejected records") {
    kafka_cluster cluster({"desired:3"});
    cluster.produce("desired", "web", "kind: Service\nname: web\nimage: web:1\n");
    cluster.produce("desired", "Service/db", json_service("db", "db:1"));
    cluster.produce("desired", "Network/front", "kind: Network\nname: front\n");

    watchers::kafka_source_options options = reader::fast();
    options.records.max_record_bytes = 512;
    reader r(cluster.uri("desired"), options);
    REQUIRE(r.until([&] { return r.source->synced(); }));
    CHECK(r.images() == images{{"db", "db:1"}, {"web", "web:1"}});
    CHECK(r.store.current()->resources.size() == 3);
    CHECK(r.store.current()->synced);
    CHECK(r.count(kafka_change::op_kind::upsert) == 3);
    std::map<std::string, std::string> ids;
    for (const auto& c : r.changes) ids[c.key] = c.doc_id;
    CHECK(ids == std::map<std::string, std::string>{{"Network/front", "kafka:desired/Network/front"},
                                                    {"Service/db", "kafka:desired/Service/db"},
                                                    {"web", "kafka:desired/web"}});
    CHECK(r.errors().empty());

    SUBCASE("a tombstone erases") {
        cluster.produce("desired", "Service/db", "");
        REQUIRE(r.until([&] { return !r.images().count("db"); }));
        CHECK(r.changes.back().op == kafka_change::op_kind::erase);
        CHECK(r.changes.back().doc_id == "kafka:desired/Service/db");
        CHECK(r.images() == images{{"web", "web:1"}});
    }

    SUBCASE("an update is an upsert with the new text") {
        const std::string v2 = "kind: Service\nname: web\nimage: web:2\n";
        cluster.produce("desired", "web", v2);
        REQUIRE(r.until([&] { return r.images()["web"] == "web:2"; }));
        CHECK(r.changes.back().op == kafka_change::op_kind::upsert);
        CHECK(r.changes.back().text == v2);
        const auto at = cluster.last_of("desired", "web");
        CHECK(r.changes.back().where == "desired/" + std::to_string(at.partition) + "@" + std::to_string(at.offset));
    }

    SUBCASE("a malformed record is an error with its topic/partition/offset; the previous version stays") {
        cluster.produce("desired", "web", "kind: Service\nname: web\nimage: [web:2\n");
        REQUIRE(r.until([&] { return !r.errors().empty(); }));
        const auto at = cluster.last_of("desired", "web");
        const auto where = "desired/" + std::to_string(at.partition) + "@" + std::to_string(at.offset);
        REQUIRE(r.errors().size() == 1);
        CHECK(r.errors()[0].rfind(where + ":", 0) == 0);
        CHECK(r.changes.back().op == kafka_change::op_kind::reject);
        CHECK(r.images() == images{{"db", "db:1"}, {"web", "web:1"}});

        SUBCASE("the next good record clears the error") {
            cluster.produce("desired", "web", json_service("web", "web:3"));
            REQUIRE(r.until([&] { return r.images()["web"] == "web:3"; }));
            CHECK(r.errors().empty());
        }
    }

    SUBCASE("a key that names another resource is rejected, naming both") {
        cluster.produce("desired", "Service/db", json_service("dbx", "db:2"));
        REQUIRE(r.until([&] { return !r.errors().empty(); }));
        const auto at = cluster.last_of("desired", "Service/db");
        CHECK(r.errors() == std::vector<std::string>{"desired/" + std::to_string(at.partition) + "@" + std::to_string(at.offset) +
                                                     ": name: key \"Service/db\" does not match the resource Service/dbx in "
                                                     "the value; the key must be its name or Kind/name"});
        CHECK(r.images() == images{{"db", "db:1"}, {"web", "web:1"}});
    }

    SUBCASE("an oversized record is rejected by size, the previous version stays") {
        cluster.produce("desired", "web", json_service("web", std::string(600, 'x')));
        REQUIRE(r.until([&] { return !r.errors().empty(); }));
        const auto at = cluster.last_of("desired", "web");
        const auto size = json_service("web", std::string(600, 'x')).size();
        CHECK(r.errors() == std::vector<std::string>{"desired/" + std::to_string(at.partition) + "@" + std::to_string(at.offset) +
                                                     ": record value is " + std::to_string(size) +
                                                     " bytes, more than the limit of 512 bytes; the key's last good version is kept"});
        CHECK(r.images()["web"] == "web:1");
    }
}

TEST_CASE("kafka source: a backlog ends at the last record per key, and synced waits for it") {
    kafka_cluster cluster({"desired:3"});
    std::vector<std::string> lines;
    images want;
    for (int i = 0; i < 300; ++i) {
        const auto name = "svc" + std::to_string(i % 7);
        const auto image = "img:" + std::to_string(i);
        // Every 10th record of svc3 is broken; every 50th of svc5 a tombstone.
        if (name == "svc3" && i % 10 == 3) lines.push_back(name + "|{\"name\": \"svc3\", \"imagee\": \"x\"}");
        else if (name == "svc5" && i % 50 == 5) lines.push_back(name + "|");
        else lines.push_back(name + "|" + json_service(name, image));
    }
    // The final word per key: svc3's last record (i = 297) is good, svc5's
    // last (i = 299) too.
    for (int i = 0; i < 300; ++i) want["svc" + std::to_string(i % 7)] = "img:" + std::to_string(i);
    cluster.produce_lines("desired", lines);

    reader r(cluster.uri("desired"));
    CHECK_FALSE(r.source->synced());
    CHECK_FALSE(r.store.current()->synced);
    REQUIRE(r.until([&] { return r.source->synced(); }));
    CHECK(r.at_sync == want);          // nothing was synced before the whole backlog was in the store
    CHECK(r.images() == want);
    CHECK(r.errors().empty());
    CHECK(r.source->stats().records == 300);
    CHECK(r.source->stats().partitions == 3);
    CHECK(r.source->stats().deliveries < 300);   // coalesced
    CHECK(r.changes.size() < 300);
}

TEST_CASE("kafka source: an empty topic is synced at once") {
    kafka_cluster cluster({"empty:4"});
    reader r(cluster.uri("empty"));
    REQUIRE(r.until([&] { return r.source->synced(); }));
    CHECK(r.changes.empty());
    CHECK(r.source->broker_error().empty());
    CHECK(r.source->stats().partitions == 4);
}

TEST_CASE("kafka source: brokers away at start: reported, not synced, read once they return") {
    kafka_cluster cluster({"desired:2"});
    cluster.produce_lines("desired", {"web|" + json_service("web", "web:1")});
    cluster.brokers_down();
    reader r(cluster.uri("desired"));
    REQUIRE(r.until([&] { return !r.source->broker_error().empty(); }));
    CHECK(r.source->broker_error().rfind(cluster.uri("desired") + ": ", 0) == 0);
    CHECK_FALSE(r.source->synced());
    CHECK_FALSE(r.store.current()->synced);    // no pass may prune
    CHECK(r.images().empty());

    cluster.brokers_up();
    REQUIRE(r.until([&] { return r.source->synced(); }, 60s));
    CHECK(r.images() == images{{"web", "web:1"}});
    CHECK(r.source->broker_error().empty());
    CHECK(r.errors().empty());
    CHECK(r.store.current()->synced);
}

TEST_CASE("kafka source: broker loss is reported, nothing is erased, reading resumes") {
    kafka_cluster cluster({"desired:2"});
    cluster.produce_lines("desired", {"web|" + json_service("web", "web:1"), "db|" + json_service("db", "db:1")});
    reader r(cluster.uri("desired"));
    REQUIRE(r.until([&] { return r.source->synced(); }));
    REQUIRE(r.images() == images{{"db", "db:1"}, {"web", "web:1"}});

    cluster.brokers_down();
    REQUIRE(r.until([&] { return !r.source->broker_error().empty(); }));
    INFO(r.source->broker_error());
    CHECK(r.source->broker_error().rfind(cluster.uri("desired") + ": ", 0) == 0);
    CHECK(r.source->broker_error().find("the last known desired state is kept") != std::string::npos);
    CHECK(r.images() == images{{"db", "db:1"}, {"web", "web:1"}});
    CHECK(r.count(kafka_change::op_kind::erase) == 0);
    CHECK(r.source->synced());
    CHECK(r.store.current()->errors.size() == 1);

    cluster.brokers_up();
    REQUIRE(r.until([&] { return r.source->broker_error().empty(); }, 60s));
    cluster.produce("desired", "web", json_service("web", "web:2"));
    REQUIRE(r.until([&] { return r.images()["web"] == "web:2"; }, 60s));
    CHECK(r.images() == images{{"db", "db:1"}, {"web", "web:2"}});
    CHECK(r.errors().empty());
    CHECK(r.count(kafka_change::op_kind::erase) == 0);
}

TEST_CASE("kafka source: settings librdkafka does not know are refused at start") {
    boost::asio::io_context io;
    watchers::kafka_source_options o;
    o.settings = {{"fetch.wait.max.msx", "10"}};
    watchers::kafka_source s(io.get_executor(), {{"127.0.0.1:1"}, "t"}, o, [](auto) {}, [] {});
    auto st = s.start();
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().message == "-X fetch.wait.max.msx=10: No such configuration property: \"fetch.wait.max.msx\"");
}
