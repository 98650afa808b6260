// Registry credentials as docker's CLI keeps them, and a registry's
// challenge for a token (Registry HTTP API v2, "Token Authentication").
//
// docker's config.json (~/.docker/config.json, or $DOCKER_CONFIG/config.json)
// is read the way the CLI reads it, for one registry host:
//   1. credHelpers[host]: run docker-credential-<helper> get;
//   2. auths[host]: "auth" (base64 of user:password), or "username" and
//      "password", or "identitytoken" (a refresh token);
//   3. credsStore: the helper for every other host;
//   else no credentials (anonymous). An auths key may be written as a URL
//   ("https://registry.example.com/v1/"): its host is what counts; Docker
//   Hub's key is "https://index.docker.io/v1/".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drivers/engine_error.hpp"

namespace driftless::drivers {

struct bearer_challenge {
    std::string realm;     // the token service's URL
    std::string service;
    std::string scope;     // may be empty (then: repository:NAME:pull)
};

// `WWW-Authenticate: Bearer realm="...",service="...",scope="..."`;
// nullopt for another scheme (Basic) or a header that cannot be read.
[[nodiscard]] std::optional<bearer_challenge> parse_bearer_challenge(std::string_view header);

struct registry_credentials {
    std::string username;
    std::string password;
    std::string identity_token;   // a refresh token, used as the password of a token request
};

struct credential_source {
    enum class kind { anonymous, stored, helper } from = kind::anonymous;
    registry_credentials stored;   // kind::stored
    std::string helper;            // kind::helper: the program is docker-credential-<helper>
};

// The host an auths key stands for: "https://r.example.com:5000/v2/" ->
// "r.example.com:5000"; Docker Hub's names -> "index.docker.io".
[[nodiscard]] std::string auth_key_host(std::string_view key);

// Where `host`'s credentials come from in a parsed config.json. An error
// names what in the file cannot be read ("auths[\"r:5000\"].auth is not
// base64 of user:password").
[[nodiscard]] result<credential_source> credentials_for(const nlohmann::json& config, std::string_view host);

}  // namespace driftless::drivers
