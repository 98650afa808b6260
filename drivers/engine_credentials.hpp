// Registry credentials for the engine's requests (registry_headers.hpp),
// looked up as docker's CLI looks them up (credential_helper.hpp: docker's
// config.json and the helpers it names) each time a request needs them, so
// a `docker login` or an edited config.json counts from the next pull on.
//
// Threading: a lookup may run a credential helper (a child process, at
// most 10 s): it runs on a thread of its own (thread_of_its_own.hpp) and
// the coroutine resumes on its executor.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/awaitable.hpp>

#include <string>

#include "desired_state/result.hpp"
#include "drivers/engine_client.hpp"

namespace driftless::drivers {

struct registry_auth {
    std::string registry;   // the image's registry host ("docker.io" for Docker Hub)
    std::string header;     // X-Registry-Auth's value; "" when there are no credentials
    std::string from;       // where they came from, for messages (resolved_credentials::from)
};

// The credentials for `image`'s registry; none for a name outside the
// distribution grammar (the engine judges it). Errors: the lookup's
// ("credentials", "timeout").
boost::asio::awaitable<result<registry_auth>> registry_auth_for(std::string image);

// {X-Registry-Auth: a.header} when there are credentials; else no header
// (the engine goes anonymous).
[[nodiscard]] docker::request_headers auth_headers(const registry_auth& a);

// X-Registry-Config's value for a build: the credentials of every registry
// config.json names (the Dockerfile's FROM lines may name any of them,
// through build args too); "" when none has credentials. A registry whose
// helper fails is left out: the build then pulls from it anonymously and
// the engine's error names it. Errors: a config.json that cannot be read
// ("credentials").
boost::asio::awaitable<result<std::string>> build_registry_config();

// Whether the engine's message for a failed pull or push says the registry
// refused the credentials, or wants some ("unauthorized: authentication
// required", "no basic auth credentials", "denied: ...").
[[nodiscard]] bool refused_by_registry(const std::string& message);

// `e`, the engine's error for `what` (a pull or push the registry
// refused), as code "unauthorized": "pull \"IMAGE\": registry HOST refused
// access (ENGINE'S MESSAGE); credentials for HOST from FILE: log in with
// docker login HOST, or fix its entry in docker's config.json". Retried
// with the object's backoff like any failing action: the user has to act.
[[nodiscard]] error registry_refused(const std::string& what, const error& e, const registry_auth& auth);

}  // namespace driftless::drivers
