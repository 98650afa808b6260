// An image pushed through the engine (POST /images/NAME/push), so that a
// swarm's other nodes can pull what the manager built.
//
// Threading: as engine_client. Blocking: no; the push is a stream that
// lasts as long as the upload of its missing layers (a registry that has
// them all answers at once).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"
#include "drivers/engine_client.hpp"

namespace driftless::drivers::docker {

// "127.0.0.1:5000/app@sha256:..." for the image "127.0.0.1:5000/app:1"
// pushed at `digest`: what a service pins so every node runs the same image.
[[nodiscard]] std::string pushed_reference(std::string_view image, std::string_view digest);

// Pushes `image` (REPOSITORY[:TAG], its tag "latest" when it has none) to
// the registry it names, with the credentials docker's config.json holds
// for it (engine_credentials.hpp; none is sent as {}, which dockerd
// requires); the digest the registry gave it. `cancel` ends it. Errors:
// "unauthorized" (registry_refused) when the registry refuses access, the
// engine's message for any other failure, "cancelled", and the lookup's.
asio::awaitable<result<std::string>> push_image(engine_client& client, const std::string& image,
                                                std::chrono::milliseconds limit, std::shared_ptr<stream_cancel> cancel);

}  // namespace driftless::drivers::docker
