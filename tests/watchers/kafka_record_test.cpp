#include "watchers/kafka_record.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace {

using driftless::watchers::read_record;
using driftless::watchers::record_options;
using driftless::watchers::record_specs;

using strings = std::vector<std::string>;

strings texts(const record_specs& r) {
    strings out;
    for (const auto& d : r.errors) out.push_back(d.to_string());
    return out;
}

record_options no_env() {
    record_options o;
    o.parse.env = [](std::string_view) { return std::optional<std::string>{}; };
    return o;
}

const std::string web = "kind: Service\nname: web\nimage: registry.local/web:1.4\n";

}  // namespace

TEST_CASE("kafka_record: places") {
    CHECK(driftless::watchers::kafka_where("desired", 2, 1041) == "desired/2@1041");
    CHECK(driftless::watchers::kafka_doc_id("desired", "Service/web") == "kafka:desired/Service/web");
}

TEST_CASE("kafka_record: a record declaring the resource its key names") {
    SUBCASE("key NAME") {
        auto r = read_record("web", web, "desired/0@3", no_env());
        REQUIRE(r.ok());
        REQUIRE(r.specs.size() == 1);
        CHECK(r.specs[0].name == "web");
        CHECK(r.specs[0].origin.path == "desired/0@3");
    }
    SUBCASE("key Kind/NAME") {
        CHECK(read_record("Service/web", web, "desired/0@3", no_env()).ok());
        CHECK(read_record("Network/front", "kind: Network\nname: front\n", "desired/1@0", no_env()).ok());
    }
    SUBCASE("JSON, kind defaulting to Service") {
        auto r = read_record("Service/api", R"({"name": "api", "image": "api:2"})", "desired/0@4", no_env());
        REQUIRE(r.ok());
        CHECK(r.specs[0].as_service()->image == "api:2");
    }
}

TEST_CASE("kafka_record: rejected records name topic, partition and offset") {
    SUBCASE("a key that names another resource") {
        CHECK(texts(read_record("api", web, "desired/0@7", no_env())) ==
              strings{"desired/0@7: name: key \"api\" does not match the resource Service/web in the value; "
                      "the key must be its name or Kind/name"});
        CHECK(texts(read_record("Network/web", web, "desired/0@8", no_env())) ==
              strings{"desired/0@8: name: key \"Network/web\" does not match the resource Service/web in the value; "
                      "the key must be its name or Kind/name"});
    }
    SUBCASE("keys of the wrong form") {
        CHECK(texts(read_record("", web, "desired/1@0", no_env())) ==
              strings{"desired/1@0: record has no key; the key names the resource (expected NAME or Kind/NAME, "
                      "Kind one of Service, Network, Volume); the record is ignored"});
        CHECK(texts(read_record("Pod/web", web, "desired/1@1", no_env())) ==
              strings{"desired/1@1: key \"Pod/web\": unknown kind \"Pod\"; expected NAME or Kind/NAME, "
                      "Kind one of Service, Network, Volume; the record is ignored"});
        CHECK(texts(read_record("Service/", web, "desired/1@2", no_env())) ==
              strings{"desired/1@2: key \"Service/\": empty name; expected NAME or Kind/NAME, "
                      "Kind one of Service, Network, Volume; the record is ignored"});
        CHECK(texts(read_record("Service/Web", web, "desired/1@3", no_env())) ==
              strings{"desired/1@3: key \"Service/Web\": name must start with a lowercase letter or a digit; "
                      "expected NAME or Kind/NAME, Kind one of Service, Network, Volume; the record is ignored"});
        CHECK(texts(read_record(std::string(257, 'w'), web, "desired/1@4", no_env())) ==
              strings{"desired/1@4: record key is longer than the limit of 256 bytes (expected NAME or Kind/NAME, "
                      "Kind one of Service, Network, Volume); the record is ignored"});
    }
    SUBCASE("a value that does not parse keeps the parser's line and column") {
        CHECK(texts(read_record("web", "name: web\nimagee: x\n", "desired/2@9", no_env())) ==
              strings{"desired/2@9:2:1: imagee: unknown key; did you mean \"image\"?",
                      "desired/2@9:1:1: image: required (e.g. image: nginx:1.25)"});
    }
    SUBCASE("exactly one resource per record") {
        CHECK(texts(read_record("web", web + "---\nkind: Network\nname: front\n", "desired/0@11", no_env())) ==
              strings{"desired/0@11: the record declares 2 resources (Service/web, Network/front); "
                      "a record declares exactly one, named by its key"});
        CHECK(texts(read_record("web", "# nothing\n", "desired/0@12", no_env())) ==
              strings{"desired/0@12: the record declares no resource; a record declares exactly one, named by its key "
                      "(an empty value deletes it)"});
    }
    SUBCASE("a value over the size limit is not parsed") {
        auto o = no_env();
        o.max_record_bytes = 16;
        CHECK(texts(read_record("web", web, "desired/3@100", o)) ==
              strings{"desired/3@100: record value is " + std::to_string(web.size()) +
                      " bytes, more than the limit of 16 bytes; the key's last good version is kept"});
    }
    SUBCASE("${VAR} without a value is an error of the record") {
        auto r = read_record("web", "name: web\nimage: ${IMAGE}\n", "desired/0@13", no_env());
        CHECK_FALSE(r.ok());
        CHECK(r.specs.empty());
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0].where.path == "desired/0@13");
    }
}

TEST_CASE("kafka_record: what a key names") {
    using driftless::desired_state::kind;
    using driftless::desired_state::resource_key;
    using driftless::watchers::read_key;
    using keys = std::set<resource_key>;
    CHECK(read_key("Network/front", "desired/0@1").keys == keys{{kind::network, "front"}});
    CHECK_FALSE(read_key("Network/front", "desired/0@1").error);
    // A bare name: the value says which kind, so a bad value may be any.
    CHECK(read_key("web", "desired/0@2").keys ==
          keys{{kind::service, "web"}, {kind::network, "web"}, {kind::volume, "web"}});
    for (const std::string& bad : strings{"", "Pod/web", "Service/", "w", "a b", "../etc", std::string(300, 'a')}) {
        CAPTURE(bad);
        const auto k = read_key(bad, "desired/0@3");
        CHECK(k.keys.empty());
        REQUIRE(k.error);
        CHECK(k.error->where.path == "desired/0@3");
        CHECK(k.error->message.find("; the record is ignored") != std::string::npos);
    }
    // The limit is the key's length in bytes, checked first.
    auto o = no_env();
    o.max_key_bytes = 8;
    CHECK(read_key("web-1234", "desired/0@4", o).keys.size() == 3);
    CHECK(read_key("web-12345", "desired/0@4", o).error->to_string() ==
          "desired/0@4: record key is longer than the limit of 8 bytes (expected NAME or Kind/NAME, "
          "Kind one of Service, Network, Volume); the record is ignored");
}
