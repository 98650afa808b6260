// The canonical form of a spec and its hash (DESIGN.md §4).
//
// canonical_json has every default filled in, maps with sorted keys, and
// order-free lists sorted, so equal meaning gives equal JSON. spec_hash is
// the lowercase hex HMAC-SHA256 of its compact dump under the installation
// key (installation_key.hpp), or its plain SHA-256 when no key is set; it is
// written into the io.driftless.spec-hash label and must stay stable across
// runs and builds: changing the canonical form or the key is a breaking
// change (every object would be recreated once).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "desired_state/spec.hpp"

namespace driftless::desired_state {

[[nodiscard]] nlohmann::json canonical_json(const spec& s);
// A restart policy as the spec writes it: "no", "always", "on-failure", "unless-stopped".
[[nodiscard]] const char* to_string(restart_policy r) noexcept;
[[nodiscard]] std::string spec_hash(const spec& s);
// A build's settings in canonical form (part of canonical_json, and of
// what a built image's io.driftless.build-hash label digests).
[[nodiscard]] nlohmann::json build_json(const build_spec& b);

// A canonical JSON (as canonical_json gives it, or as read back from an
// object's io.driftless.spec label) without the body fields that hold their
// default, and without empty labels: a third of the size for a typical
// service, which every container list carries. Two specs differ in a field
// exactly when their sparse forms do (a field absent from one is its
// default). Not hashed: spec_hash stays on the full form.
[[nodiscard]] nlohmann::json without_defaults(nlohmann::json canonical);

// A canonical JSON with every secret value replaced by redact_secret's
// digest: spec.env values and spec.driver_opts values. This is the only
// form that leaves the process (the io.driftless.spec label, `plan`), so a
// secret is never readable by whoever can read labels. Idempotent only on
// values not yet redacted: apply it once.
[[nodiscard]] nlohmann::json redacted(nlohmann::json canonical);

}  // namespace driftless::desired_state
