#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "drivers/docker_driver.hpp"
#include "drivers/docker_host.hpp"
#include "drivers/driver.hpp"
#include "drivers/engine_tls.hpp"
#include "drivers/podman_host.hpp"
#include "drivers/swarm_driver.hpp"

namespace driftless::drivers {

asio::awaitable<result<std::string>> reader::registry_digest(const std::string& image) {
    co_return error{"unsupported", "this driver cannot ask a registry about " + image};
}

asio::awaitable<result<std::vector<actual_object>>> reader::find_compose_containers(std::vector<std::string>) {
    co_return std::vector<actual_object>{};
}

asio::awaitable<status> writer::adopt(const std::optional<desired_entry>&, const actual_object& have) {
    co_return error{"unsupported", "this driver cannot take over docker compose's container \"" + have.name + "\""};
}

asio::awaitable<status> writer::rollout(const rollout_request& r) {
    co_return error{"unsupported", std::string("this driver has no health-gated updates (") + to_string(r.step) + ")"};
}

asio::awaitable<result<std::optional<built_image>>> image_builder::find_built(const std::string& tag, const std::string&) {
    co_return error{"unsupported", "this driver cannot build images (" + tag + ")"};
}

asio::awaitable<result<built_image>> image_builder::build(const build_request& r, build_output) {
    co_return error{"unsupported", "this driver cannot build images (" + r.tag + ")"};
}

namespace {

using factory = std::function<result<std::unique_ptr<driver>>(asio::any_io_executor, const driver_options&)>;

// Refused before any request: plain text off this machine, and TLS files
// that cannot make a context (the message names the file).
result<docker::docker_host> checked(result<docker::docker_host> host, const driver_options& o) {
    if (!host) return host;
    if (auto st = docker::check_plain_text(*host, o.engine_insecure); !st) return st.err();
    if (host->tls) {
        auto ctx = docker::make_tls_context(*host->tls);
        if (!ctx) return std::move(ctx).err();
    }
    return host;
}

result<std::unique_ptr<driver>> make_docker(asio::any_io_executor ex, const driver_options& o) {
    auto host = checked(docker::docker_host_from_env(o.host), o);
    if (!host) return std::move(host).err();
    docker::docker_driver_options d;
    d.owner = o.owner;
    d.key = o.key;
    d.host = std::move(*host);
    d.timeout = o.timeout;
    return std::unique_ptr<driver>(std::make_unique<docker::docker_driver>(std::move(ex), std::move(d)));
}

result<std::unique_ptr<driver>> make_podman(asio::any_io_executor ex, const driver_options& o) {
    auto host = checked(podman::podman_host_from_env(o.host), o);
    if (!host) return std::move(host).err();
    docker::docker_driver_options d;
    d.flavour = docker::engine_flavour::podman;
    d.owner = o.owner;
    d.key = o.key;
    d.host = std::move(*host);
    d.timeout = o.timeout;
    return std::unique_ptr<driver>(std::make_unique<docker::docker_driver>(std::move(ex), std::move(d)));
}

result<std::unique_ptr<driver>> make_swarm(asio::any_io_executor ex, const driver_options& o) {
    auto host = checked(docker::docker_host_from_env(o.host), o);
    if (!host) return std::move(host).err();
    swarm::swarm_driver_options d;
    d.owner = o.owner;
    d.key = o.key;
    d.host = std::move(*host);
    d.timeout = o.timeout;
    return std::unique_ptr<driver>(std::make_unique<swarm::swarm_driver>(std::move(ex), std::move(d)));
}

// The drivers this build knows, by --driver name.
const std::vector<std::pair<std::string_view, factory>>& known_drivers() {
    static const std::vector<std::pair<std::string_view, factory>> all = {
        {"docker", make_docker},
        {"swarm", make_swarm},
        {"podman", make_podman},
    };
    return all;
}

// The owner id goes into label filters and labels: keep it plain.
bool valid_owner(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

}  // namespace

result<std::unique_ptr<driver>> make_driver(asio::any_io_executor ex, const driver_options& options) {
    if (!valid_owner(options.owner))
        return error{"invalid", "owner \"" + options.owner + "\": use 1-63 characters of A-Z a-z 0-9 - _ ."};
    for (const auto& [name, make] : known_drivers())
        if (name == options.kind) return make(std::move(ex), options);
    std::string known;
    for (const auto& [name, make] : known_drivers()) known += (known.empty() ? "" : ", ") + std::string(name);
    return error{"invalid", "unknown driver \"" + options.kind + "\"; known drivers: " + known};
}

}  // namespace driftless::drivers
