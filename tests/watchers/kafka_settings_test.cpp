// Kafka client settings from the command line and from @FILEs, and how
// messages show them without their secrets.
#include "watchers/kafka_settings.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "watchers/temp_tree.hpp"

using namespace driftless;
using watchers::check_kafka_settings;
using watchers::kafka_setting;
using watchers::parse_kafka_setting;
using watchers::read_kafka_settings;

TEST_CASE("kafka settings: secret values never appear in messages") {
    SUBCASE("which settings are secret") {
        for (const char* k : {"sasl.password", "ssl.key.password", "ssl.keystore.password",
                              "sasl.oauthbearer.client.secret", "ssl.key.pem", "sasl.jaas.config", "SASL.PASSWORD",
                              "sasl.oauthbearer.token.endpoint.url.token"})
            CHECK_MESSAGE(watchers::is_secret_setting(k), k);
        for (const char* k : {"sasl.username", "security.protocol", "ssl.ca.location", "client.id"})
            CHECK_MESSAGE(!watchers::is_secret_setting(k), k);
    }
    SUBCASE("a setting librdkafka refuses") {
        auto st = check_kafka_settings({{"sasl.password2", "hunter2"}});
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().message == "-X sasl.password2=<redacted>: No such configuration property: \"sasl.password2\"");
        auto plain = check_kafka_settings({{"fetch.wait.max.msx", "10"}});
        CHECK(plain.err().message == "-X fetch.wait.max.msx=10: No such configuration property: \"fetch.wait.max.msx\"");
    }
    SUBCASE("text that is not key=value") {
        auto r = parse_kafka_setting("sasl.password:hunter2");
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().message == "-X \"sasl.password...\": expected key=value, e.g. -X security.protocol=ssl");
        auto status_flag = parse_kafka_setting("ssl.key.password hunter2", "--status-X");
        CHECK(status_flag.err().message ==
              "--status-X \"ssl.key.password...\": expected key=value, e.g. --status-X security.protocol=ssl");
    }
    SUBCASE("a line of a file") {
        watchers::testing::temp_tree t;
        t.write("kafka.conf", "security.protocol=sasl_ssl\nsasl.password hunter2\n");
        const std::string file = t.path("kafka.conf").string();
        auto r = read_kafka_settings({"@" + file}, "-X");
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().message == file + ":2: \"sasl.password...\": expected key=value");
        t.write("kafka.conf", "# credentials\nsasl.passwordd = hunter2\n");
        auto parsed = read_kafka_settings({"@" + file}, "-X");
        REQUIRE(parsed.ok());
        auto st = check_kafka_settings(*parsed);
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().message == file + ":2: sasl.passwordd=<redacted>: No such configuration property: \"sasl.passwordd\"");
    }
}

TEST_CASE("kafka settings: -X @FILE reads key=value lines, in order with the other -X") {
    watchers::testing::temp_tree t;
    t.write("kafka.conf",
            "# the line-3 cluster\n"
            "\n"
            "security.protocol = sasl_ssl\r\n"
            "  sasl.mechanism=PLAIN\n"
            "sasl.password=a=b#c \n");
    const std::string file = t.path("kafka.conf").string();
    auto r = read_kafka_settings({"client.id=x", "@" + file, "sasl.username=line-3"}, "-X");
    REQUIRE(r.ok());
    CHECK(*r == std::vector<kafka_setting>{{"client.id", "x", "-X"},
                                           {"security.protocol", "sasl_ssl", file + ":3:"},
                                           {"sasl.mechanism", "PLAIN", file + ":4:"},
                                           {"sasl.password", "a=b#c", file + ":5:"},
                                           {"sasl.username", "line-3", "-X"}});
    CHECK(check_kafka_settings(*r).ok());

    auto missing = read_kafka_settings({"@" + t.path("absent.conf").string()}, "--status-X");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.err().message ==
          "--status-X @" + t.path("absent.conf").string() + ": cannot read the file; give a file of key=value lines");
}
