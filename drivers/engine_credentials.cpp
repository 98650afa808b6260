#include "drivers/engine_credentials.hpp"

#include <functional>
#include <map>

#include <spdlog/spdlog.h>

#include "drivers/credential_helper.hpp"
#include "drivers/registry_headers.hpp"
#include "drivers/thread_of_its_own.hpp"

namespace driftless::drivers {

namespace asio = boost::asio;

asio::awaitable<result<registry_auth>> registry_auth_for(std::string image) {
    auto registry = image_registry(image);
    // A name outside the grammar has no registry to ask: none is sent, and
    // the engine says what it makes of the name.
    if (!registry.ok()) co_return registry_auth{"", "", "no registry in \"" + image + "\": " + registry.err().message};
    std::function<result<resolved_credentials>()> work = [host = *registry] { return resolve_credentials(host); };
    auto found = co_await on_thread_of_its_own(std::move(work));
    if (!found.ok()) co_return std::move(found).err();
    registry_auth out;
    out.registry = *registry;
    out.from = found->from;
    if (!found->anonymous()) out.header = registry_auth_header(found->credentials, *registry);
    co_return out;
}

asio::awaitable<result<std::string>> build_registry_config() {
    std::function<result<all_credentials>()> work = [] { return resolve_all_credentials(); };
    auto found = co_await on_thread_of_its_own(std::move(work));
    if (!found.ok()) co_return std::move(found).err();
    // A helper that fails for one registry must not stop builds that may
    // not need it; the engine names the registry if one does.
    for (const auto& problem : found->problems) spdlog::warn("build: {}", problem);
    std::map<std::string, registry_credentials> by_host;
    // No structured binding: GCC 12 miscompiles them in a coroutine's range-for.
    for (const auto& entry : found->by_host) by_host.emplace(entry.first, entry.second.credentials);
    if (by_host.empty()) co_return std::string();
    co_return registry_config_header(by_host);
}

docker::request_headers auth_headers(const registry_auth& a) {
    docker::request_headers out;
    if (!a.header.empty()) out.emplace_back("X-Registry-Auth", a.header);
    return out;
}

bool refused_by_registry(const std::string& message) {
    for (const char* said : {"unauthorized", "authentication required", "no basic auth credentials", "denied:"})
        if (message.find(said) != std::string::npos) return true;
    return false;
}

error registry_refused(const std::string& what, const error& e, const registry_auth& auth) {
    return error{"unauthorized",
                 what + ": registry " + auth.registry + " refused access (" + e.message + "); " + auth.from +
                     ": log in with docker login " + auth.registry + ", or fix its entry in docker's config.json",
                 e.http_status};
}

}  // namespace driftless::drivers
