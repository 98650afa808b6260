#include "drivers/engine_error.hpp"

#include <nlohmann/json.hpp>

namespace driftless::drivers {

bool http_success(int status) noexcept { return (status >= 200 && status < 300) || status == 304; }

std::string error_code_for_http(int status) {
    switch (status) {
    case 400: return "invalid";
    case 404: return "not_found";
    case 409: return "conflict";
    default: return "engine";
    }
}

error http_error(int status, std::string_view body) {
    std::string message;
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
        message = parsed["message"].get<std::string>();
    } else {
        message = std::string(body.substr(0, 512));
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' '))
            message.pop_back();
    }
    if (message.empty()) message = "the engine answered without a message";
    return error{error_code_for_http(status), message + " (HTTP " + std::to_string(status) + ")", status};
}

error with_context(error e, std::string_view context) {
    e.message = std::string(context) + ": " + e.message;
    return e;
}

std::optional<std::string> stream_error_message(std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto it = j.find("error");
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

std::optional<std::string> stream_pulled_digest(std::string_view line) {
    if (line.find("Digest: ") == std::string_view::npos) return std::nullopt;   // most lines: no parse
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto it = j.find("status");
    if (it == j.end() || !it->is_string()) return std::nullopt;
    const std::string& s = it->get_ref<const std::string&>();
    constexpr std::string_view prefix = "Digest: ";
    if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return std::nullopt;
    return s.substr(prefix.size());
}

std::optional<std::string> stream_pushed_digest(std::string_view line) {
    if (line.find("\"aux\"") == std::string_view::npos) return std::nullopt;   // most lines: no parse
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto aux = j.find("aux");
    if (aux == j.end() || !aux->is_object()) return std::nullopt;
    const auto d = aux->find("Digest");
    if (d == aux->end() || !d->is_string() || d->get_ref<const std::string&>().empty()) return std::nullopt;
    return d->get<std::string>();
}

error events_stream_ended(const status& st, const std::string& endpoint) {
    if (!st) return with_context(st.err(), "events stream");
    return error{"unreachable", "events stream: the engine at " + endpoint + " ended it"};
}

}  // namespace driftless::drivers
