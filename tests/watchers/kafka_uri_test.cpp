#include "watchers/kafka_uri.hpp"

#include <doctest/doctest.h>

#include <string>

using driftless::watchers::check_kafka_settings;
using driftless::watchers::kafka_setting;
using driftless::watchers::kafka_uri;
using driftless::watchers::parse_kafka_setting;
using driftless::watchers::parse_kafka_uri;

namespace {

std::string error_of(const std::string& text) {
    auto r = parse_kafka_uri(text);
    REQUIRE_FALSE(r.ok());
    return r.err().message;
}

}  // namespace

TEST_CASE("kafka_uri: valid forms") {
    SUBCASE("one broker") {
        auto r = parse_kafka_uri("kafka://localhost:9092/desired");
        REQUIRE(r.ok());
        CHECK(*r == kafka_uri{{"localhost:9092"}, "desired"});
        CHECK(r->bootstrap() == "localhost:9092");
        CHECK(r->to_string() == "kafka://localhost:9092/desired");
    }
    SUBCASE("several brokers, addresses and IPv6") {
        auto r = parse_kafka_uri("kafka://10.0.0.5:9092,kafka-2.factory.local:19092,[::1]:9093/line-3.desired_state");
        REQUIRE(r.ok());
        CHECK(r->brokers == std::vector<std::string>{"10.0.0.5:9092", "kafka-2.factory.local:19092", "[::1]:9093"});
        CHECK(r->topic == "line-3.desired_state");
        CHECK(r->bootstrap() == "10.0.0.5:9092,kafka-2.factory.local:19092,[::1]:9093");
    }
    CHECK(driftless::watchers::is_kafka_uri("kafka://x"));
    CHECK_FALSE(driftless::watchers::is_kafka_uri("dir:kafka://x"));
}

TEST_CASE("kafka_uri: errors say what is wrong") {
    CHECK(error_of("http://localhost:9092/t") == "expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    CHECK(error_of("kafka://localhost:9092") == "missing topic; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    CHECK(error_of("kafka://localhost:9092/") == "missing topic; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    CHECK(error_of("kafka:///t") == "missing brokers; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    CHECK(error_of("kafka://localhost/t") == "broker \"localhost\": missing port; expected HOST:PORT, e.g. localhost:9092");
    CHECK(error_of("kafka://:9092/t") == "broker \":9092\": missing host; expected HOST:PORT, e.g. localhost:9092");
    CHECK(error_of("kafka://a:9092,,b:9092/t") == "empty broker in the list; expected HOST:PORT[,HOST:PORT]");
    CHECK(error_of("kafka://a:9092,/t") == "empty broker in the list; expected HOST:PORT[,HOST:PORT]");
    CHECK(error_of("kafka://a:0/t") == "broker \"a:0\": port \"0\" must be a number from 1 to 65535");
    CHECK(error_of("kafka://a:65536/t") == "broker \"a:65536\": port \"65536\" must be a number from 1 to 65535");
    CHECK(error_of("kafka://a:90x/t") == "broker \"a:90x\": port \"90x\" must be a number from 1 to 65535");
    CHECK(error_of("kafka://a:/t") == "broker \"a:\": port \"\" must be a number from 1 to 65535");
    CHECK(error_of("kafka://::1:9092/t") == "broker \"::1:9092\": an IPv6 address must be in brackets, e.g. [::1]:9092");
    CHECK(error_of("kafka://[::1/t") == "broker \"[::1\": missing ']' after the IPv6 address");
    CHECK(error_of("kafka://[::1]/t") == "broker \"[::1]\": missing port; expected [ADDRESS]:PORT, e.g. [::1]:9092");
    CHECK(error_of("kafka://ka fka:9092/t") == "broker \"ka fka:9092\": ' ' cannot appear in a host name");
    CHECK(error_of("kafka://a:9092/t/x") == "topic \"t/x\": '/' cannot appear in a topic name");
    CHECK(error_of("kafka://a:9092/t x") ==
          "topic \"t x\": ' ' cannot appear in a topic name (letters, digits, '.', '_', '-')");
    CHECK(error_of("kafka://a:9092/..") == "topic \"..\": not a valid topic name");
    CHECK(error_of("kafka://a:9092/" + std::string(250, 't')) ==
          "topic \"" + std::string(250, 't') + "\": longer than 249 characters");
    CHECK(parse_kafka_uri("kafka://a:9092/" + std::string(249, 't')).ok());
    CHECK(parse_kafka_uri("kafka://a/t").err().code == "invalid");
}

TEST_CASE("kafka_uri: -X settings") {
    SUBCASE("key=value, split at the first '='") {
        auto r = parse_kafka_setting("sasl.jaas.config=a=b");
        REQUIRE(r.ok());
        CHECK(*r == kafka_setting{"sasl.jaas.config", "a=b"});
        auto empty = parse_kafka_setting("client.id=");
        REQUIRE(empty.ok());
        CHECK(*empty == kafka_setting{"client.id", ""});
    }
    SUBCASE("malformed") {
        CHECK(parse_kafka_setting("security.protocol").err().message ==
              "-X \"security.protocol\": expected key=value, e.g. -X security.protocol=ssl");
        CHECK(parse_kafka_setting("=ssl").err().message == "-X \"=ssl\": empty key; expected key=value");
    }
    SUBCASE("librdkafka judges names and values") {
        CHECK(check_kafka_settings({}).ok());
        CHECK(check_kafka_settings({{"client.id", "line-3"}, {"fetch.wait.max.ms", "10"}}).ok());
        auto unknown = check_kafka_settings({{"client.id", "x"}, {"fetch.wait.max.msx", "10"}});
        REQUIRE_FALSE(unknown.ok());
        CHECK(unknown.err().message == "-X fetch.wait.max.msx=10: No such configuration property: \"fetch.wait.max.msx\"");
        auto bad = check_kafka_settings({{"fetch.wait.max.ms", "soon"}});
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.err().message.rfind("-X fetch.wait.max.ms=soon: ", 0) == 0);
    }
}
