#include "watchers/kafka_uri.hpp"

#include <cctype>
#include <charconv>

#include <librdkafka/rdkafka.h>

#include "watchers/kafka_conf.hpp"
#include "watchers/kafka_settings.hpp"

namespace driftless::watchers {

namespace {

constexpr std::string_view scheme = "kafka://";

error invalid(std::string message) { return error{"invalid", std::move(message)}; }

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool topic_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// Checks one "HOST:PORT"; returns an empty string when it is fine.
std::string check_broker(std::string_view b) {
    const std::string quoted = "broker \"" + std::string(b) + "\": ";
    if (b.empty()) return "empty broker in the list; expected HOST:PORT[,HOST:PORT]";
    std::string_view host, port;
    if (b.front() == '[') {
        const auto close = b.find(']');
        if (close == std::string_view::npos) return quoted + "missing ']' after the IPv6 address";
        host = b.substr(1, close - 1);
        if (host.empty()) return quoted + "empty IPv6 address";
        for (char c : host)
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'))
                return quoted + "\"" + std::string(host) + "\" is not an IPv6 address";
        if (close + 1 >= b.size() || b[close + 1] != ':') return quoted + "missing port; expected [ADDRESS]:PORT, e.g. [::1]:9092";
        port = b.substr(close + 2);
    } else {
        const auto colon = b.rfind(':');
        if (colon == std::string_view::npos) return quoted + "missing port; expected HOST:PORT, e.g. localhost:9092";
        host = b.substr(0, colon);
        port = b.substr(colon + 1);
        if (host.empty()) return quoted + "missing host; expected HOST:PORT, e.g. localhost:9092";
        for (char c : host) {
            if (c == ':') return quoted + "an IPv6 address must be in brackets, e.g. [::1]:9092";
            if (!host_char(c)) return quoted + "'" + std::string(1, c) + "' cannot appear in a host name";
        }
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535)
        return quoted + "port \"" + std::string(port) + "\" must be a number from 1 to 65535";
    return {};
}

}  // namespace

std::string kafka_uri::bootstrap() const {
    std::string out;
    for (const auto& b : brokers) out += (out.empty() ? "" : ",") + b;
    return out;
}

std::string kafka_uri::to_string() const { return std::string(scheme) + bootstrap() + "/" + topic; }

bool is_kafka_uri(std::string_view text) noexcept { return text.substr(0, scheme.size()) == scheme; }

result<kafka_uri> parse_kafka_uri(std::string_view text) {
    if (!is_kafka_uri(text)) return invalid("expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    const std::string_view rest = text.substr(scheme.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return invalid("missing topic; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    const std::string_view list = rest.substr(0, slash);
    const std::string_view topic = rest.substr(slash + 1);
    if (list.empty()) return invalid("missing brokers; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");

    kafka_uri uri;
    for (std::size_t at = 0;;) {
        const auto comma = list.find(',', at);
        const auto b = list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
        if (auto problem = check_broker(b); !problem.empty()) return invalid(std::move(problem));
        uri.brokers.emplace_back(b);
        if (comma == std::string_view::npos) break;
        at = comma + 1;
    }

    if (topic.empty()) return invalid("missing topic; expected kafka://HOST:PORT[,HOST:PORT]/TOPIC");
    if (topic.find('/') != std::string_view::npos)
        return invalid("topic \"" + std::string(topic) + "\": '/' cannot appear in a topic name");
    if (topic.size() > 249) return invalid("topic \"" + std::string(topic) + "\": longer than 249 characters");
    if (topic == "." || topic == "..") return invalid("topic \"" + std::string(topic) + "\": not a valid topic name");
    for (char c : topic)
        if (!topic_char(c))
            return invalid("topic \"" + std::string(topic) + "\": '" + std::string(1, c) +
                           "' cannot appear in a topic name (letters, digits, '.', '_', '-')");
    uri.topic = topic;
    return uri;
}

result<kafka_setting> parse_kafka_setting(std::string_view text, std::string_view flag) {
    const std::string f(flag);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos)
        return invalid(f + " \"" + shown_setting_text(text) + "\": expected key=value, e.g. " + f +
                       " security.protocol=ssl");
    if (eq == 0) return invalid(f + " \"" + shown_setting_text(text) + "\": empty key; expected key=value");
    return kafka_setting{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)), f};
}

status check_kafka_settings(const std::vector<kafka_setting>& settings) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto st = apply_settings(conf, settings);
    rd_kafka_conf_destroy(conf);
    return st;
}

}  // namespace driftless::watchers
