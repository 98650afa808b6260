// Where a Kafka source or the status topic lives: the `-s` text
// `kafka://HOST:PORT[,HOST:PORT]/TOPIC`, and the `-X key=value` client
// settings passed through to librdkafka under its own names.
//
// Pure: parsing and checking do no I/O. Error messages say what is wrong and
// what was expected, without the `-s`/`-X` text around them; the caller
// prefixes that (`-s "kafka://...": ` + message).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::watchers {

struct kafka_uri {
    std::vector<std::string> brokers;   // "HOST:PORT" as written; IPv6 as "[::1]:9092"
    std::string topic;

    // The brokers joined with ',' (librdkafka's bootstrap.servers).
    [[nodiscard]] std::string bootstrap() const;
    // "kafka://HOST:PORT,.../TOPIC"
    [[nodiscard]] std::string to_string() const;
    bool operator==(const kafka_uri&) const = default;
};

// True when `text` starts with "kafka://" (the source is meant to be Kafka,
// even if the rest is malformed).
[[nodiscard]] bool is_kafka_uri(std::string_view text) noexcept;

// Parses `kafka://HOST:PORT[,HOST:PORT]/TOPIC`. HOST is a name, an IPv4
// address or a bracketed IPv6 address; PORT is 1-65535 and required; TOPIC
// follows Kafka's rules (1-249 of [a-zA-Z0-9._-], not "." or "..").
[[nodiscard]] result<kafka_uri> parse_kafka_uri(std::string_view text);

// One `-X key=value` setting.
struct kafka_setting {
    std::string key;
    std::string value;
    // Where it was given, the start of every message about it: "-X",
    // "--status-X", or "FILE:LINE:" for a line of an `@FILE`.
    std::string origin = "-X";
    bool operator==(const kafka_setting&) const = default;
};

// Splits "key=value" at the first '='. The value may be empty; the key may
// not. Whether librdkafka knows the key is checked by check_kafka_settings.
// `flag` names the option in errors ("-X", "--status-X").
[[nodiscard]] result<kafka_setting> parse_kafka_setting(std::string_view text, std::string_view flag = "-X");

// Asks librdkafka to accept every setting on a scratch configuration, so a
// typo is reported at start rather than when a client is made. An unknown
// key or a bad value is an error naming the setting (a secret's value
// redacted, kafka_settings.hpp) and quoting librdkafka:
// `-X fetch.wait.max.msx=10: No such configuration property: "fetch.wait.max.msx"`.
[[nodiscard]] status check_kafka_settings(const std::vector<kafka_setting>& settings);

}  // namespace driftless::watchers
