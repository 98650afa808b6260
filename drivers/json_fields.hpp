// Reading fields of the engine's JSON answers that may be absent, null or
// of another type: each reads as its empty value then. Pure.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace driftless::drivers::json_fields {

// j[key], or null when j is not an object or has no such key.
inline const nlohmann::json& member(const nlohmann::json& j, const char* key) {
    static const nlohmann::json null_json;
    if (!j.is_object()) return null_json;
    const auto it = j.find(key);
    return it != j.end() ? *it : null_json;
}

inline std::string string_at(const nlohmann::json& j, const char* key) {
    const auto& v = member(j, key);
    return v.is_string() ? v.get<std::string>() : std::string{};
}

inline std::int64_t number_at(const nlohmann::json& j, const char* key) {
    const auto& v = member(j, key);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

}  // namespace driftless::drivers::json_fields
