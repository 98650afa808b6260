// Asks a running driftless for its status endpoints: what `driftless
// status` and `driftless healthcheck` (the image's HEALTHCHECK, which has no
// curl) read. Plain HTTP/1.1 GET with a deadline; the server is ours.
#pragma once

#include <chrono>
#include <string>

#include "desired_state/result.hpp"
#include "status_surface/status_server.hpp"

namespace driftless::status_surface {

struct http_answer {
    int code = 0;
    std::string body;
};

// The address to reach a server listening on `listen`: a wildcard
// (0.0.0.0, ::) is asked on loopback.
[[nodiscard]] listen_address address_to_ask(listen_address listen);

// GET `target` from `address`, with `token` as a bearer token when not
// empty. An error ("unreachable", "timeout") when no answer comes within
// `timeout`; any HTTP status is an answer. Bodies over 16 MiB are refused.
[[nodiscard]] result<http_answer> http_get(const listen_address& address, const std::string& target, const std::string& token,
                                           std::chrono::milliseconds timeout);

}  // namespace driftless::status_surface
