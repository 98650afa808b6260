// Labels docker compose puts on what it makes (DESIGN.md §3). driftless
// writes them on the objects of a compose project, so `docker compose -p
// PROJECT ps` and `logs` see its containers, and reads them on what compose
// made, to take it over (--adopt).
#pragma once

namespace driftless::desired_state::compose_labels {

inline constexpr const char* project = "com.docker.compose.project";
inline constexpr const char* service = "com.docker.compose.service";
inline constexpr const char* number = "com.docker.compose.container-number";
inline constexpr const char* oneoff = "com.docker.compose.oneoff";
inline constexpr const char* network = "com.docker.compose.network";
inline constexpr const char* volume = "com.docker.compose.volume";

}  // namespace driftless::desired_state::compose_labels
