// The canonical form of a spec and its hash (DESIGN.md §4).
//
// canonical_json has every default filled in, maps with sorted keys, and
// order-free lists sorted, so equal meaning gives equal JSON. spec_hash is
// the lowercase hex SHA-256 of its compact dump; it is written into the
// io.driftless.spec-hash label and must stay stable across runs and builds:
// changing the canonical form is a breaking change (every object would be
// recreated once).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "desired_state/spec.hpp"

namespace driftless::desired_state {

[[nodiscard]] nlohmann::json canonical_json(const spec& s);
[[nodiscard]] std::string spec_hash(const spec& s);

}  // namespace driftless::desired_state
