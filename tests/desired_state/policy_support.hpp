// Shared by the policy tests: a policy from its text, and what it denies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "desired_state/policy.hpp"
#include "support.hpp"

namespace driftless::desired_state::testing {

inline policy policy_of(std::string_view text) {
    auto p = parse_policy(text, "p.yaml");
    if (!p.ok()) MESSAGE(p.err().message);
    REQUIRE(p.ok());
    return *p;
}

inline std::vector<std::string> denied(const policy& p, const spec& s) {
    std::vector<std::string> out;
    for (const auto& d : check_policy(p, s)) out.push_back(d.to_string());
    return out;
}

inline std::vector<std::string> denied(const policy& p, std::string_view text) { return denied(p, only_spec(text)); }

}  // namespace driftless::desired_state::testing
