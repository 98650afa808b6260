#include "drivers/docker_rollout_inspect.hpp"

#include <charconv>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/json_fields.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;
using json_fields::number_at;
using json_fields::string_at;
using json_fields::member;

namespace {

// Printable text only: a log line or a probe's output may hold anything.
std::string printable_line(std::string_view line, std::size_t max) {
    std::string out;
    for (char c : line) {
        if (out.size() >= max) break;
        const auto u = static_cast<unsigned char>(c);
        if (c == '\t') out += ' ';
        else if (u >= 0x20 && u != 0x7f) out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

template <class F>
bool digits(std::string_view s, std::size_t at, std::size_t n, F&& set) {
    int v = 0;
    if (at + n > s.size()) return false;
    const auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + n, v);
    if (ec != std::errc{} || p != s.data() + at + n) return false;
    set(v);
    return true;
}

}  // namespace

std::optional<std::int64_t> rfc3339_ms(std::string_view t) {
    // 2026-12-01T21:38:10.123456789Z
    std::tm tm{};
    if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
        return std::nullopt;
    if (!digits(t, 0, 4, [&](int v) { tm.tm_year = v - 1900; }) || !digits(t, 5, 2, [&](int v) { tm.tm_mon = v - 1; }) ||
        !digits(t, 8, 2, [&](int v) { tm.tm_mday = v; }) || !digits(t, 11, 2, [&](int v) { tm.tm_hour = v; }) ||
        !digits(t, 14, 2, [&](int v) { tm.tm_min = v; }) || !digits(t, 17, 2, [&](int v) { tm.tm_sec = v; }))
        return std::nullopt;
    if (tm.tm_year + 1900 < 1971) return std::nullopt;   // "0001-01-01T00:00:00Z": never
    std::size_t i = 19;
    std::int64_t ms = 0;
    if (i < t.size() && t[i] == '.') {
        ++i;
        std::int64_t scale = 100;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            ms += (t[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
    }
    std::int64_t offset_s = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
        int h = 0, m = 0;
        if (!digits(t, i + 1, 2, [&](int v) { h = v; }) || i + 3 >= t.size() || !digits(t, i + 4, 2, [&](int v) { m = v; }))
            return std::nullopt;
        offset_s = (t[i] == '+' ? 1 : -1) * (h * 3600 + m * 60);
    } else if (i >= t.size() || t[i] != 'Z') {
        return std::nullopt;
    }
    const std::time_t secs = timegm(&tm);
    return (static_cast<std::int64_t>(secs) - offset_s) * 1000 + ms;
}

bool read_rollout_inspect(std::string_view body, actual_object& c) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object()) return false;
    auto& d = c.rollout;
    d.inspected = true;
    const json& state = member(j, "State");
    c.state = string_at(state, "Status");
    c.running = c.state == "running";
    c.tasks_running = c.running ? 1 : 0;
    if (c.state == "exited" || c.state == "dead") c.exit_code = static_cast<int>(number_at(state, "ExitCode"));
    d.started_at_ms = rfc3339_ms(string_at(state, "StartedAt")).value_or(0);
    d.restart_count = static_cast<int>(number_at(j, "RestartCount"));
    d.oom_killed = member(state, "OOMKilled").is_boolean() && member(state, "OOMKilled").get<bool>();
    d.error = printable_line(string_at(state, "Error"), 300);
    // Docker writes State.Health; podman 4.3's compatible API too (and
    // State.Healthcheck in its own API).
    const json* health = &member(state, "Health");
    if (!health->is_object()) health = &member(state, "Healthcheck");
    c.health.clear();
    d.has_healthcheck = false;
    if (health->is_object()) {
        const std::string status = string_at(*health, "Status");
        d.has_healthcheck = !status.empty();
        d.health_status = status;
        if (c.running) c.health = status;
        const json& log = member(*health, "Log");
        if (log.is_array() && !log.empty()) d.health_output = printable_line(string_at(log.back(), "Output"), 300);
    }
    // Config.Healthcheck is the spec's, else the image's; the engine's
    // defaults for what is unset (interval 30 s, timeout 30 s, retries 3).
    const json& hc = member(member(j, "Config"), "Healthcheck");
    if (hc.is_object()) {
        const std::int64_t ms = 1'000'000;
        const std::int64_t interval = number_at(hc, "Interval") > 0 ? number_at(hc, "Interval") / ms : 30'000;
        const std::int64_t timeout = number_at(hc, "Timeout") > 0 ? number_at(hc, "Timeout") / ms : 30'000;
        const std::int64_t retries = number_at(hc, "Retries") > 0 ? number_at(hc, "Retries") : 3;
        d.health_window_ms = number_at(hc, "StartPeriod") / ms + (interval + timeout) * retries;
        d.health_interval_ms = interval;
    }
    return true;
}

std::string log_tail(std::string_view body, std::size_t lines) {
    std::string text;
    // Frames: [stream 0|1|2, 0, 0, 0, size (4 bytes, big-endian)] then size bytes.
    std::string_view rest = body;
    bool framed = !rest.empty();
    std::string joined;
    while (!rest.empty()) {
        if (rest.size() < 8 || static_cast<unsigned char>(rest[0]) > 2 || rest[1] != 0 || rest[2] != 0 || rest[3] != 0) {
            framed = false;
            break;
        }
        const std::size_t n = (std::size_t(static_cast<unsigned char>(rest[4])) << 24) |
                              (std::size_t(static_cast<unsigned char>(rest[5])) << 16) |
                              (std::size_t(static_cast<unsigned char>(rest[6])) << 8) |
                              std::size_t(static_cast<unsigned char>(rest[7]));
        if (rest.size() < 8 + n) {
            framed = false;
            break;
        }
        joined.append(rest.substr(8, n));
        rest.remove_prefix(8 + n);
    }
    const std::string_view all = framed ? std::string_view(joined) : body;
    std::vector<std::string> kept;
    std::size_t start = 0;
    while (start < all.size()) {
        auto end = all.find('\n', start);
        if (end == std::string_view::npos) end = all.size();
        auto line = printable_line(all.substr(start, end - start), 200);
        if (!line.empty()) kept.push_back(std::move(line));
        start = end + 1;
    }
    const std::size_t from = kept.size() > lines ? kept.size() - lines : 0;
    for (std::size_t i = from; i < kept.size(); ++i) text += (text.empty() ? "" : " | ") + kept[i];
    return text;
}

bool read_health_run(std::string_view body, actual_object& c) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object()) return false;
    const std::string status = string_at(j, "Status");
    if (status.empty()) return false;
    c.rollout.health_status = status;
    if (c.running) c.health = status;
    const json& log = member(j, "Log");
    if (log.is_array() && !log.empty()) c.rollout.health_output = printable_line(string_at(log.back(), "Output"), 300);
    return true;
}

bool looks_failed(const actual_object& c) {
    return (!c.running && c.state != "created") || c.rollout.restart_count > 0 || c.health == "unhealthy" ||
           !c.rollout.error.empty();
}

}  // namespace driftless::drivers::docker
