#include "watchers/kafka_batch.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using driftless::watchers::kafka_batch;
using driftless::watchers::kafka_change;
using driftless::watchers::kafka_pending;
using driftless::watchers::record_options;
using op = kafka_change::op_kind;

record_options options(std::size_t max = 1024 * 1024) {
    record_options o;
    o.max_record_bytes = max;
    o.parse.env = [](std::string_view) { return std::optional<std::string>{}; };
    return o;
}

std::string service(const std::string& name, const std::string& image) {
    return "name: " + name + "\nimage: " + image + "\n";
}

void add(kafka_batch& b, const std::string& key, const std::string& value, std::int64_t offset, std::int32_t partition = 0) {
    b.add(key, value.empty() ? nullptr : value.data(), value.size(), partition, offset);
}

struct seen {
    op what;
    std::string key, where, text;
    bool operator==(const seen&) const = default;
};

std::vector<seen> summary(const std::vector<kafka_change>& changes) {
    std::vector<seen> out;
    for (const auto& c : changes) out.push_back({c.op, c.key, c.where, c.text});
    return out;
}

}  // namespace

TEST_CASE("kafka_batch: the latest record per key wins") {
    kafka_batch b("desired", options());
    add(b, "web", service("web", "web:1"), 0);
    add(b, "db", service("db", "db:1"), 1);
    add(b, "web", service("web", "web:2"), 2);
    add(b, "cache", service("cache", "c:1"), 3);
    add(b, "cache", "", 4);
    CHECK(b.records() == 5);
    auto changes = b.close();
    CHECK(summary(changes) == std::vector<seen>{{op::erase, "cache", "desired/0@4", ""},
                                                {op::upsert, "db", "desired/0@1", service("db", "db:1")},
                                                {op::upsert, "web", "desired/0@2", service("web", "web:2")}});
    CHECK(changes[2].doc_id == "kafka:desired/web");
    REQUIRE(changes[2].specs.size() == 1);
    CHECK(changes[2].specs[0].as_service()->image == "web:2");
    CHECK(b.records() == 0);
    CHECK(b.close().empty());
}

TEST_CASE("kafka_batch: a rejected record never hides a good one before it") {
    kafka_batch b("desired", options(64));
    add(b, "web", service("web", "web:1"), 10);
    add(b, "web", "name: web\nimagee: x\n", 11);
    add(b, "db", service("db", "db:1"), 12, 1);
    add(b, "db", service("db", std::string(100, 'x')), 13, 1);
    add(b, "api", "name: api\nimagee: x\n", 14);
    auto changes = b.close();
    CHECK(summary(changes) == std::vector<seen>{{op::reject, "api", "desired/0@14", "name: api\nimagee: x\n"},
                                                {op::upsert, "db", "desired/1@12", service("db", "db:1")},
                                                {op::reject, "db", "desired/1@13", ""},
                                                {op::upsert, "web", "desired/0@10", service("web", "web:1")},
                                                {op::reject, "web", "desired/0@11", "name: web\nimagee: x\n"}});
    REQUIRE(changes[2].errors.size() == 1);
    CHECK(changes[2].errors[0].to_string() ==
          "desired/1@13: record value is 117 bytes, more than the limit of 64 bytes; the key's last good version is kept");
    CHECK(changes[4].errors[0].to_string() == "desired/0@11:2:1: imagee: unknown key; did you mean \"image\"?");
    CHECK(changes[4].errors.size() == 2);
}

TEST_CASE("kafka_batch: a tombstone after a rejected record erases") {
    kafka_batch b("desired", options());
    add(b, "web", "name: [\n", 0);
    add(b, "web", "", 1);
    CHECK(summary(b.close()) == std::vector<seen>{{op::erase, "web", "desired/0@1", ""}});
}

TEST_CASE("kafka_pending: rounds fold with the same rule") {
    kafka_pending p;
    CHECK(p.empty());
    auto change = [](op o, std::string key, std::string where) {
        kafka_change c;
        c.op = o;
        c.key = key;
        c.doc_id = "kafka:t/" + key;
        c.where = std::move(where);
        return c;
    };
    p.merge({change(op::upsert, "web", "t/0@1"), change(op::reject, "web", "t/0@2"), change(op::upsert, "db", "t/0@3")});
    p.merge({change(op::reject, "web", "t/0@4"), change(op::erase, "db", "t/0@5")});
    p.merge({change(op::reject, "api", "t/0@6")});
    CHECK_FALSE(p.empty());
    CHECK(summary(p.take()) == std::vector<seen>{{op::reject, "api", "t/0@6", ""},
                                                 {op::erase, "db", "t/0@5", ""},
                                                 {op::upsert, "web", "t/0@1", ""},
                                                 {op::reject, "web", "t/0@4", ""}});
    CHECK(p.empty());

    p.merge({change(op::reject, "web", "t/0@7")});
    p.merge({change(op::upsert, "web", "t/0@8")});   // a good record clears the pending rejection
    CHECK(summary(p.take()) == std::vector<seen>{{op::upsert, "web", "t/0@8", ""}});
}
