// The swarm driver's builds: on the manager's engine, then pushed to the
// registry the image names (swarm_driver.hpp).
#include "drivers/swarm_driver.hpp"

#include "drivers/engine_credentials.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/image_push.hpp"
#include "drivers/registry_headers.hpp"
#include "drivers/swarm_images.hpp"

namespace driftless::drivers::swarm {

using docker::http_method;

asio::awaitable<status> swarm_driver::check_unpushed(const std::string& tag) {
    // Asked at each build and find, not kept: nodes join and leave.
    auto info = co_await client_.call(http_method::get, "/info");
    if (!info) co_return with_context(std::move(info).err(), "count the swarm's nodes");
    auto nodes = swarm_node_count(info->body);
    if (!nodes) co_return std::move(nodes).err();
    co_return check_unpushed_image(tag, *nodes);
}

asio::awaitable<result<built_image>> swarm_driver::push_built(built_image image) {
    auto digest = co_await builds_.push(image.reference, options_.push_timeout);
    if (!digest) co_return std::move(digest).err();
    image.reference = docker::pushed_reference(image.reference, *digest);
    co_return image;
}

asio::awaitable<result<std::optional<built_image>>> swarm_driver::find_built(const std::string& tag,
                                                                             const std::string& build_hash) {
    if (auto ok = co_await check_engine(); !ok) co_return ok.err();
    auto found = co_await builds_.find(tag, build_hash);
    if (!found || !*found) co_return std::move(found);
    if (!names_registry(tag)) {
        if (auto ok = co_await check_unpushed(tag); !ok) co_return ok.err();
        co_return std::move(found);
    }
    // Pushed again rather than trusted from the image's RepoDigests: the
    // registry may have lost it (or be a new one), and a push of layers it
    // has is a few HEAD requests.
    auto pushed = co_await push_built(std::move(**found));
    if (!pushed) co_return std::move(pushed).err();
    co_return std::optional<built_image>(std::move(*pushed));
}

asio::awaitable<result<built_image>> swarm_driver::build(const build_request& r, build_output output) {
    if (auto ok = co_await check_engine(); !ok) co_return ok.err();
    const bool push = names_registry(r.tag);
    if (!push)
        if (auto ok = co_await check_unpushed(r.tag); !ok) co_return ok.err();
    auto built = co_await builds_.build(r, std::move(output));
    if (!built || !push) co_return std::move(built);
    co_return co_await push_built(std::move(*built));
}

void swarm_driver::cancel_builds() { builds_.cancel(); }

asio::awaitable<result<docker::request_headers>> swarm_driver::pull_auth(const std::string& image) {
    auto auth = co_await registry_auth_for(image);
    if (!auth) co_return std::move(auth).err();
    co_return auth_headers(*auth);
}

}  // namespace driftless::drivers::swarm
