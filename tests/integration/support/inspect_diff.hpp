// Comparing what two tools made from one file, as the engine reports it:
// each side is a JSON view of `docker inspect` output, flattened to JSON
// pointer paths; a difference is a path whose values differ (or that only
// one side has), less those an allowlist explains with a reason.
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

namespace driftless::testing {

// A difference that is deliberate. `path` is a JSON pointer whose segments
// may hold `*` (any characters within one segment); it covers that path and
// everything under it ("/containers/*/Name", "/services/*/Labels/io.driftless.*").
struct allowed_difference {
    std::string path;
    std::string reason;
};

struct difference {
    std::string path;
    std::string a;      // the value on side A, "(absent)" when it has none
    std::string b;
};

// The differences of `a` and `b` no allowlist entry covers, sorted by path.
// `used` (when given) gets the paths of the entries that covered something.
std::vector<difference> differences(const nlohmann::json& a, const nlohmann::json& b,
                                    std::span<const allowed_difference> allowed,
                                    std::vector<std::string>* used = nullptr);

// One line a difference: "PATH: A=... B=...".
std::string describe(const std::vector<difference>& d);

// Checks (doctest) that `a` and `b` differ only where `allowed` says,
// naming `sides` ("A = ..., B = ...") and each difference left when not;
// reports the entries that covered nothing (a difference that went away:
// drop it from the list and from README).
void check_same(const nlohmann::json& a, const nlohmann::json& b, std::span<const allowed_difference> allowed,
                const std::string& sides);

// Whether `pattern` (segments with `*`) covers `path`: equal to it, or to a
// leading run of its segments.
bool covers(const std::string& pattern, const std::string& path);

// Checks (doctest) that `j` has a value at each JSON pointer: what the file
// sets must show on the oracle's side, or "neither has it" would pass for
// agreement.
void check_present(const nlohmann::json& j, std::initializer_list<std::string> pointers);

// `j` with every occurrence of `from` replaced by `to`, in strings and in
// object keys.
nlohmann::json replaced(const nlohmann::json& j, const std::string& from, const std::string& to);

// `docker ARGS` whose output is one JSON document; throws with the command's
// stderr when it fails.
nlohmann::json docker_json(const std::string& args);
// The non-empty lines `docker ARGS` prints (ids, names).
std::vector<std::string> docker_lines(const std::string& args);

}  // namespace driftless::testing
