#include "drivers/registry_answers.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "desired_state/printable.hpp"
#include "drivers/http_time.hpp"

namespace driftless::drivers {

using desired_state::printable;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Whether the parameters of one link-value ("; rel=\"next\"; title=x")
// give it the relation "next" (rel holds space-separated relations).
bool rel_next(std::string_view params) {
    while (!params.empty()) {
        const auto semi = params.find(';');
        const auto param = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        const auto eq = param.find('=');
        if (eq == std::string_view::npos || lower(trim(param.substr(0, eq))) != "rel") continue;
        auto value = trim(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        const std::string rels = " " + lower(value) + " ";
        return rels.find(" next ") != std::string::npos;
    }
    return false;
}

}  // namespace

std::optional<std::string> next_link(std::string_view link) {
    while (!link.empty()) {
        const auto open = link.find('<');
        if (open == std::string_view::npos) return std::nullopt;
        const auto close = link.find('>', open);
        if (close == std::string_view::npos) return std::nullopt;
        const auto reference = link.substr(open + 1, close - open - 1);
        // The parameters run to the next link-value's ',' outside quotes.
        std::size_t end = close + 1;
        for (bool quoted = false; end < link.size() && (quoted || link[end] != ','); ++end)
            if (link[end] == '"') quoted = !quoted;
        if (rel_next(link.substr(close + 1, end - close - 1))) return std::string(reference);
        link = end < link.size() ? link.substr(end + 1) : std::string_view{};
    }
    return std::nullopt;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    constexpr std::chrono::seconds most = std::chrono::hours(24);
    value = trim(value);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        // More digits than a day has seconds is a day.
        if (value.size() > 6) return most;
        return std::min(most, std::chrono::seconds(std::stol(std::string(value))));
    }
    const auto when = parse_http_date(value);
    if (!when) return std::nullopt;
    if (*when <= now) return std::chrono::seconds(0);
    return std::min(most, std::chrono::ceil<std::chrono::seconds>(*when - now));
}

registry_challenge read_challenge(const std::vector<std::string>& www_authenticate) {
    registry_challenge out;
    for (const auto& header : www_authenticate) {
        if (auto bearer = parse_bearer_challenge(header)) {
            out.kind = registry_challenge::scheme::bearer;
            out.bearer = std::move(*bearer);
            return out;
        }
        const auto h = lower(trim(header));
        if (h == "basic" || h.rfind("basic ", 0) == 0) out.kind = registry_challenge::scheme::basic;
    }
    return out;
}

result<std::vector<std::string>> parse_tag_list(std::string_view body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error{"invalid", "the tag list is not a JSON object"};
    const auto tags = j.find("tags");
    if (tags == j.end() || tags->is_null()) return std::vector<std::string>{};
    if (!tags->is_array()) return error{"invalid", "the tag list's \"tags\" is not an array"};
    std::vector<std::string> out;
    out.reserve(tags->size());
    for (const auto& t : *tags) {
        if (!t.is_string()) return error{"invalid", "the tag list holds a tag that is not a string"};
        out.push_back(t.get<std::string>());
    }
    return out;
}

error registry_status_error(const std::string& registry, const std::string& repository, const std::string& what,
                            int status, std::string_view body, std::string_view retry_after,
                            std::chrono::system_clock::time_point now) {
    // The registry's reason: {"errors": [{"code": "...", "message": "..."}]}.
    std::string reason;
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty() && j["errors"][0].is_object()) {
        const auto& first = j["errors"][0];
        reason = first.value("message", first.value("code", ""));
    }
    if (reason.size() > 200) reason = reason.substr(0, 200) + "...";
    const std::string answer = "HTTP " + std::to_string(status) + (reason.empty() ? "" : " (" + printable(reason) + ")");
    error e;
    e.http_status = status;
    if (status == 401 || status == 403) {
        e.code = "unauthorized";
        e.message = "registry " + registry + " refused access to " + repository + ": " + answer;
        return e;
    }
    const std::string place = "registry " + registry + ": " + repository + ": " + what;
    if (status == 404) {
        e.code = "not_found";
        e.message = place + " not found: " + answer;
        return e;
    }
    e.code = status == 429 ? "rate_limited" : status >= 500 ? "unavailable" : "registry";
    e.message = place + ": " + answer;
    if (status == 429 || status == 503)
        if (const auto wait = parse_retry_after(retry_after, now); wait) {
            e.retry_after = std::max(*wait, std::chrono::seconds(1));
            e.message += "; it asks to be asked again in " + std::to_string(e.retry_after.count()) + " s";
        }
    return e;
}

}  // namespace driftless::drivers
