// The labels that mark what driftless owns (DESIGN.md §4, a contract).
#pragma once

namespace driftless::drivers::labels {

inline constexpr const char* owner = "io.driftless.owner";
inline constexpr const char* name = "io.driftless.name";
inline constexpr const char* spec_hash = "io.driftless.spec-hash";
inline constexpr const char* kind = "io.driftless.kind";
// HMAC-SHA256 under the installation key over owner, kind, name and spec
// hash (ownership.hpp): what makes the other labels unforgeable.
inline constexpr const char* mac = "io.driftless.mac";
// Swarm's labels on the containers it runs for a service's tasks.
inline constexpr const char* swarm_task_id = "com.docker.swarm.task.id";
inline constexpr const char* swarm_service_id = "com.docker.swarm.service.id";
// The canonical spec (compact JSON) the object was made from, so `plan` can
// name the fields that changed. Informational: the hash label decides.
inline constexpr const char* spec = "io.driftless.spec";
// The registry digest (sha256:...) of the image a `pull: always` container
// was made from, as the pull reported it: the tag moving past it is drift.
inline constexpr const char* image_digest = "io.driftless.image-digest";
// On a NAME--FAILED that stands for a rolled-back candidate podman could not
// keep stopped (docker_rollout.cpp): why it failed, with its last log lines.
inline constexpr const char* rollback_reason = "io.driftless.rollback-reason";
// On an image driftless built: the digest of its build settings and
// context (reconciler/builds.hpp), so an unchanged context is never built again.
inline constexpr const char* build_hash = "io.driftless.build-hash";

}  // namespace driftless::drivers::labels
