// The labels that mark what driftless owns (DESIGN.md §4, a contract).
#pragma once

namespace driftless::drivers::labels {

inline constexpr const char* owner = "io.driftless.owner";
inline constexpr const char* name = "io.driftless.name";
inline constexpr const char* spec_hash = "io.driftless.spec-hash";
inline constexpr const char* kind = "io.driftless.kind";
// The canonical spec (compact JSON) the object was made from, so `plan` can
// name the fields that changed. Informational: the hash label decides.
inline constexpr const char* spec = "io.driftless.spec";
// The registry digest (sha256:...) of the image a `pull: always` container
// was made from, as the pull reported it: the tag moving past it is drift.
inline constexpr const char* image_digest = "io.driftless.image-digest";

}  // namespace driftless::drivers::labels
