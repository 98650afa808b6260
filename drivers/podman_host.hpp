// Where podman's Docker-compatible API listens. Podman has no fixed socket:
// `podman system service` serves wherever it is told, and the usual places
// are the user's runtime directory (rootless) and /run (root).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/docker_host.hpp"

namespace driftless::drivers::podman {

// The usual sockets, in the order tried: $XDG_RUNTIME_DIR/podman/podman.sock
// (when XDG_RUNTIME_DIR is set and not empty), then /run/podman/podman.sock.
// Pure: `xdg_runtime_dir` is passed in.
[[nodiscard]] std::vector<std::string> podman_socket_candidates(std::string_view xdg_runtime_dir);

// Whether something accepts connections on a unix socket path.
using socket_probe = std::function<bool(const std::string& path)>;

// The first candidate the probe accepts, as a docker_host; an "unreachable"
// error naming every place tried (and how to start podman's service) when
// none answers. Pure given the probe.
[[nodiscard]] result<docker::docker_host> first_answering(const std::vector<std::string>& candidates,
                                                          const socket_probe& answers);

// Connects to the unix socket `path` and closes it again: true when a
// listener accepted. Blocks only as long as a local connect takes.
[[nodiscard]] bool unix_socket_answers(const std::string& path);

// `explicit_host` when not empty, else $DOCKER_HOST when set and not empty
// (both parsed as docker_host, with TLS from the environment as
// docker_host_from_env does), else the first of the usual sockets that
// answers.
[[nodiscard]] result<docker::docker_host> podman_host_from_env(std::string_view explicit_host);

}  // namespace driftless::drivers::podman
