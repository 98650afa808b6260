#include "drivers/url.hpp"

#include <nlohmann/json.hpp>

namespace driftless::drivers {

std::string url_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size() * 3);
    for (unsigned char c : s) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [k, v] : params) {
        out += out.empty() ? '?' : '&';
        out += url_encode(k);
        out += '=';
        out += url_encode(v);
    }
    return out;
}

std::string filters_json(const std::map<std::string, std::vector<std::string>>& filters) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, values] : filters) j[k] = values;
    return j.dump();
}

}  // namespace driftless::drivers
