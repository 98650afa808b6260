// Reading what a rollout needs to judge a container (GET
// /containers/ID/json, /containers/ID/logs) into rollout_details. Pure
// functions; docker's and podman 4.3's compatible answers alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/driver.hpp"

namespace driftless::drivers::docker {

// The rollout details of an inspect answer, and the container's state and
// health as the inspect has them (more exact than the list's Status text):
// `into`'s state, running, health, exit_code are overwritten. False when the
// answer is not a JSON object.
bool read_rollout_inspect(std::string_view body, actual_object& into);

// RFC 3339 with fractions and a Z or ±hh:mm offset, as the engines write
// State.StartedAt, in Unix milliseconds; nullopt for docker's "never"
// (0001-01-01T00:00:00Z) and for what does not parse.
[[nodiscard]] std::optional<std::int64_t> rfc3339_ms(std::string_view text);

// The text of a logs answer: docker's multiplexed frames (8-byte headers,
// when the container has no TTY) joined, or the body as it is; the last
// `lines` lines, each cut to 200 characters, control characters dropped.
[[nodiscard]] std::string log_tail(std::string_view body, std::size_t lines);

// Podman's GET /libpod/containers/ID/healthcheck answer (the check run
// once: {Status, FailingStreak, Log}) into `c`'s health. False when it
// has no Status.
bool read_health_run(std::string_view body, actual_object& c);

// Whether a container looks failed to a rollout (not running, restarted,
// unhealthy, refused to start): its log tail is then worth reading.
[[nodiscard]] bool looks_failed(const actual_object& c);

}  // namespace driftless::drivers::docker
