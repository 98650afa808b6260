#include "status_surface/status_table.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "desired_state/printable.hpp"

namespace driftless::status_surface {

namespace {

std::string text(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return desired_state::printable(it->get<std::string>());
}

std::int64_t number(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

bool flag(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

// Display width in code points, which is what a terminal shows for the
// Latin text names and errors mostly hold.
std::size_t width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }

std::string duration_text(std::int64_t ms) {
    if (ms < 1000) return std::to_string(ms) + "ms";
    if (ms < 120'000) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms / 60'000) + "m";
}

}  // namespace

std::string status_table(const nlohmann::json& state, const status_table_options& options) {
    std::string out;
    const auto counts = state.value("counts", nlohmann::json::object());
    const std::string engine = text(state, "engine_error");
    out += std::string(flag(state, "ready") ? "ready" : "not ready (no pass completed yet)");
    out += engine.empty() ? ", engine answering" : ", engine: " + engine;
    if (auto at = text(state, "last_pass_at"); !at.empty()) out += ", last pass " + at;
    out += "\n";
    out += std::to_string(number(counts, "desired")) + " desired, " + std::to_string(number(counts, "managed")) + " managed, " +
           std::to_string(number(counts, "drifted")) + " drifted, " + std::to_string(number(counts, "failing")) + " failing\n";
    if (auto guard = text(state, "guard"); !guard.empty()) out += "held back: " + guard + "\n";
    if (auto errors = state.find("source_errors"); errors != state.end() && errors->is_array())
        for (const auto& e : *errors) out += "source error: " + text(e, "text") + "\n";

    const std::vector<std::string> header{"KIND", "NAME", "OBSERVED", "LAST ACTION", "ERROR"};
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> bad;
    if (auto objects = state.find("objects"); objects != state.end() && objects->is_array()) {
        for (const auto& o : *objects) {
            const bool failing = flag(o, "failing");
            const bool drifted = flag(o, "drifted");
            const std::string observed = text(o, "observed");
            const bool problem = failing || drifted || (observed != "running" && observed != "created" && !observed.empty() &&
                                                        !text(o, "desired_hash").empty());
            if (options.problems_only && !problem) continue;
            std::string action = text(o, "last_action");
            if (auto r = text(o, "last_result"); !r.empty() && !action.empty()) action += " " + r;
            std::string err = text(o, "error");
            if (auto backoff = number(o, "backoff_ms"); backoff > 0) err += (err.empty() ? "" : " ") + std::string("(retry in ") + duration_text(backoff) + ")";
            if (drifted && err.empty()) err = "drifted";
            rows.push_back({text(o, "kind"), text(o, "name"), observed.empty() ? "-" : observed, action.empty() ? "-" : action, err});
            bad.push_back(failing);
        }
    }
    if (rows.empty()) {
        out += options.problems_only ? "no problems\n" : "no objects\n";
        return out;
    }
    std::vector<std::size_t> w(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        w[c] = width(header[c]);
        for (const auto& r : rows) w[c] = std::max(w[c], width(r[c]));
    }
    auto line = [&](const std::vector<std::string>& r) {
        std::string l;
        for (std::size_t c = 0; c < r.size(); ++c) l += c + 1 == r.size() ? r[c] : pad(r[c], w[c]) + "  ";
        while (!l.empty() && l.back() == ' ') l.pop_back();
        return l;
    };
    out += "\n" + line(header) + "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (options.color && bad[i]) out += "\x1b[31m" + line(rows[i]) + "\x1b[0m\n";
        else out += line(rows[i]) + "\n";
    }
    return out;
}

}  // namespace driftless::status_surface
