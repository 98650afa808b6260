// Helpers shared by the desired_state tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "desired_state/parse.hpp"

// Lists of diagnostics print one per line when a check fails.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& v) {
        std::string s = "{\n";
        for (const auto& line : v) s += "  " + line + "\n";
        s += "}";
        return s.c_str();
    }
};

namespace driftless::desired_state::testing {

// An environment with exactly these variables.
inline env_lookup fake_env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

inline parse_options options_with(std::map<std::string, std::string> vars = {}) {
    parse_options o;
    o.env = fake_env(std::move(vars));
    return o;
}

inline parse_result parse(std::string_view text, std::map<std::string, std::string> vars = {}) {
    return parse_text(text, "web.yaml", options_with(std::move(vars)));
}

// Every diagnostic of `text` as "path:line:col: field: message".
inline std::vector<std::string> errors(std::string_view text, std::map<std::string, std::string> vars = {}) {
    std::vector<std::string> out;
    for (const auto& d : parse(text, std::move(vars)).errors) out.push_back(d.to_string());
    return out;
}

// The one spec of `text`; fails the test when parsing failed.
inline spec only_spec(std::string_view text) {
    auto r = parse(text);
    for (const auto& d : r.errors) MESSAGE(d.to_string());
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 1);
    return r.specs[0];
}

// The first spec's service; fails the test when parsing failed.
inline service parse_service(std::string_view text, std::map<std::string, std::string> vars = {}) {
    auto r = parse(text, std::move(vars));
    for (const auto& d : r.errors) MESSAGE(d.to_string());
    REQUIRE(r.ok());
    REQUIRE(r.specs.size() == 1);
    REQUIRE(r.specs[0].as_service() != nullptr);
    return *r.specs[0].as_service();
}

// A service document with `body` appended to "name: web\nimage: nginx\n".
inline std::string svc(std::string_view body) { return "name: web\nimage: nginx\n" + std::string(body); }

// Options whose companion files (.env, env_file, override, secret files)
// are held in memory: absolute path -> text; any other path is missing.
inline parse_options with_files(std::map<std::string, std::string> files, std::map<std::string, std::string> vars = {}) {
    parse_options o = options_with(std::move(vars));
    o.read_file = [files = std::move(files)](const std::string& path) {
        file_read r;
        if (auto it = files.find(path); it != files.end()) r.text = it->second;
        else r.missing = true;
        return r;
    };
    return o;
}

// Every diagnostic of a parse as "path:line:col: field: message".
inline std::vector<std::string> errors_of(const parse_result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) out.push_back(e.to_string());
    return out;
}

// The spec of kind `k` named `name`, or nullptr.
inline const spec* find(const parse_result& r, kind k, const std::string& name) {
    for (const auto& s : r.specs)
        if (s.kind() == k && s.name == name) return &s;
    return nullptr;
}

}  // namespace driftless::desired_state::testing
