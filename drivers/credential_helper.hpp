// The credentials driftless uses for a registry host, found as docker's
// CLI finds them: docker's config.json ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json) read through credentials_for (registry_auth.hpp),
// then, when it names one, a credential helper: `docker-credential-NAME
// get`, the registry's host on its stdin, {"Username": ..., "Secret": ...}
// on its stdout (the user name "<token>" makes Secret an identity token).
//
// Blocking: a helper runs as a child process (no shell; the program is
// looked up on PATH) for at most its time limit, then it is killed. Call
// from a thread that may block (registry_client does).
//
// Not an error: no config.json, no entry for the host, or a helper that
// has nothing for it ("credentials not found in native keychain"): docker
// then goes anonymous, and so does driftless, saying so in `from`.
// Errors, none retried by this code:
//   "credentials" a helper that is missing, fails, or prints what is not
//                 credentials; a config.json that cannot be read (terminal
//                 until the user fixes it);
//   "timeout"     a helper that did not finish in time (worth trying again).
// `run_credential_helper` alone reports "not_found" for a helper that has
// nothing for the host. Every message names the helper (or the file) and
// the host.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/registry_auth.hpp"

namespace driftless::drivers {

// Runs `docker-credential-<helper> get` for `host` ("127.0.0.1:5000"; Docker
// Hub's "index.docker.io" is asked for as "https://index.docker.io/v1/", as
// docker does).
[[nodiscard]] result<registry_credentials> run_credential_helper(const std::string& helper, const std::string& host,
                                                                 std::chrono::milliseconds limit = std::chrono::seconds(10));

struct resolved_credentials {
    registry_credentials credentials;   // empty user name and identity token: anonymous
    // For messages: "credentials for H from /root/.docker/config.json",
    // "credentials for H from docker-credential-pass", "no credentials for
    // H in /root/.docker/config.json".
    std::string from;
    [[nodiscard]] bool anonymous() const { return credentials.username.empty() && credentials.identity_token.empty(); }
};

// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
[[nodiscard]] std::string docker_config_path();

// The credentials for `host` from docker_config_path() and the helper it
// names.
[[nodiscard]] result<resolved_credentials> resolve_credentials(const std::string& host,
                                                               std::chrono::milliseconds helper_limit = std::chrono::seconds(10));

struct all_credentials {
    std::map<std::string, resolved_credentials> by_host;   // hosts with credentials, as auth_key_host writes them
    std::vector<std::string> problems;                      // hosts left out: why (a helper that failed)
};

// The credentials for every registry host docker_config_path() names in
// credHelpers or auths (what a build may pull its FROM images from), each
// resolved as resolve_credentials does. A host whose helper fails is left
// out, its error in `problems`; a config.json that cannot be read is an
// error.
[[nodiscard]] result<all_credentials> resolve_all_credentials(
    std::chrono::milliseconds helper_limit = std::chrono::seconds(10));

}  // namespace driftless::drivers
