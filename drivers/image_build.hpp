// Images built through the engine's API: POST /build with the context as a
// tar stream (podman's compatible endpoint takes the same request), the
// image found again by its io.driftless.build-hash label, and pushed to a
// registry for swarm's other nodes.
//
// Threading: as engine_client. Blocking: reading the context into the tar
// stream reads every file it keeps, on the calling thread; the build itself
// is a stream that runs as long as the Dockerfile's steps do.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "drivers/driver.hpp"
#include "drivers/engine_client.hpp"

namespace driftless::drivers::docker {

// The request target of a build: "/build?t=TAG&dockerfile=...&labels=...".
// The image carries `r.spec.labels`, the owner and the build hash.
[[nodiscard]] std::string build_target(const build_request& r, const std::string& owner);

// What a build's output says, line by line: the steps it ran, its last
// lines, the image it made and the error it ended with.
class build_log {
public:
    // One line of the engine's answer ({"stream": ...}, {"aux": {"ID": ...}},
    // {"error": ...}); the text lines it holds go to `output`.
    void feed(std::string_view line, const build_output& output);
    [[nodiscard]] const std::optional<std::string>& error() const noexcept { return error_; }
    [[nodiscard]] const std::string& image_id() const noexcept { return id_; }
    // "step 3/5 (RUN make): the command ... returned a non-zero code: 2; last
    // output: ...": what a person needs to see why a build failed.
    [[nodiscard]] std::string failure() const;

private:
    void text(std::string_view chunk, const build_output& output);
    std::deque<std::string> last_;   // the last lines of output
    std::string partial_;            // a line not ended yet
    std::string step_;               // the step running ("Step 3/5 : RUN make")
    std::optional<std::string> error_;
    std::string id_;
};

// The image `tag` names when it carries `build_hash`; nullopt when there
// is none, or it carries another.
asio::awaitable<result<std::optional<built_image>>> find_built_image(engine_client& client, const std::string& tag,
                                                                     const std::string& build_hash);

// Builds `r` and tags it; `cancel` ends it (the engine drops the build when
// the connection closes). The engine is given the credentials of every
// registry docker's config.json names (X-Registry-Config,
// engine_credentials.hpp's build_registry_config), for the FROM images.
// Errors: "build" for a failing Dockerfile (with build_log::failure's
// text), "invalid" for a context that changed while it was read,
// "credentials" for a config.json that cannot be read, else the engine's.
asio::awaitable<result<built_image>> build_image(engine_client& client, const build_request& r, const std::string& owner,
                                                 build_output output, std::shared_ptr<stream_cancel> cancel);

// The builds and pushes one driver runs on its engine, so that
// cancel_builds() ends them all: the docker and podman drivers and the
// swarm driver (which pushes too) each keep one. Single-threaded like the
// client; it and the client outlive its calls.
class engine_builds {
public:
    engine_builds(engine_client& client, std::string owner) : client_(client), owner_(std::move(owner)) {}
    // find_built_image.
    asio::awaitable<result<std::optional<built_image>>> find(const std::string& tag, const std::string& build_hash);
    // build_image.
    asio::awaitable<result<built_image>> build(const build_request& r, build_output output);
    // push_image (image_push.hpp): the digest the registry gave `image`.
    asio::awaitable<result<std::string>> push(const std::string& image, std::chrono::milliseconds limit);
    // Ends the builds and pushes in flight: they return "cancelled". Does not block.
    void cancel();

private:
    engine_client& client_;
    std::string owner_;
    std::set<std::shared_ptr<stream_cancel>> running_;
};

}  // namespace driftless::drivers::docker
