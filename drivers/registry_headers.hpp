// How the Engine API is handed registry credentials: X-Registry-Auth for a
// pull, a push, or a swarm service whose nodes pull its image; and
// X-Registry-Config for a build, whose FROM images may come from several
// registries. Each is base64url (with padding, as Go's URLEncoding) of the
// JSON docker's CLI sends. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "desired_state/result.hpp"
#include "drivers/registry_auth.hpp"

namespace driftless::drivers {

[[nodiscard]] std::string base64url(std::string_view data);

// The server address the engine matches credentials by: the host as it is
// ("127.0.0.1:5000"), Docker Hub's as "https://index.docker.io/v1/".
[[nodiscard]] std::string server_address(std::string_view host);

// {"username", "password", "serveraddress"}, or {"identitytoken",
// "serveraddress"} for an identity token; {} for no credentials.
[[nodiscard]] nlohmann::json auth_config(const registry_credentials& c, std::string_view host);

// X-Registry-Auth's value: auth_config, encoded. "e30=" ({}) for no
// credentials, which is what a push without any needs (dockerd refuses a
// push without the header).
[[nodiscard]] std::string registry_auth_header(const registry_credentials& c, std::string_view host);

// X-Registry-Config's value: {server_address(host): auth_config} for each
// host, encoded.
[[nodiscard]] std::string registry_config_header(const std::map<std::string, registry_credentials>& by_host);

// The registry host an image is pulled from: "127.0.0.1:5000" for
// "127.0.0.1:5000/app:1", "docker.io" for one that names none. An error
// ("invalid") for a name outside the distribution grammar.
[[nodiscard]] result<std::string> image_registry(std::string_view image);

// Whether the image's first path component names a registry host (holds a
// '.' or a ':', or is "localhost"), as the engine decides where to push it.
[[nodiscard]] bool names_registry(std::string_view image);

}  // namespace driftless::drivers
