// Tokens for a registry that asks for one (Registry HTTP API v2, "Token
// Authentication"): the request to its token service, reading the answer,
// and keeping tokens per scope until they expire. Pure, apart from the
// clock the caller passes in. Errors ("invalid": a realm or an answer
// driftless will not use) are terminal for that challenge.
//
// The request for a scope ("repository:team/app:pull"):
//   - no credentials: GET REALM?service=S&scope=SCOPE, anonymous;
//   - a user name and password: the same GET with Basic authorization;
//   - an identity token (docker login's refresh token): the OAuth2 POST
//     form grant_type=refresh_token with it.
// A realm over plain http is refused when the registry itself is spoken
// to over https: a token or a password would travel in the clear.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"
#include "drivers/http_client.hpp"
#include "drivers/registry_auth.hpp"

namespace driftless::drivers {

// "Basic " and base64 of user:password.
[[nodiscard]] std::string basic_authorization(const registry_credentials& c);

// The request for a token for `scope` from `challenge`'s realm.
// `registry_tls`: whether the registry is spoken to over https. An error
// ("invalid") says what is wrong with the realm.
[[nodiscard]] result<http_request> token_request(const bearer_challenge& challenge, const std::string& scope,
                                                 const registry_credentials& credentials, bool registry_tls);

struct registry_token {
    std::string value;
    std::chrono::seconds expires_in{60};
};

// A token service's answer: "token", else "access_token"; "expires_in"
// (60 s when absent or not above zero, as the protocol says).
[[nodiscard]] result<registry_token> parse_token_response(std::string_view body);

// Tokens by scope, each until shortly before it expires. Not thread-safe.
class token_cache {
public:
    using clock = std::chrono::steady_clock;
    // The token for `scope` still good at `now`; "" when there is none.
    [[nodiscard]] std::string find(const std::string& scope, clock::time_point now) const;
    void store(const std::string& scope, const registry_token& token, clock::time_point now);
    void forget(const std::string& scope) { tokens_.erase(scope); }

private:
    struct entry {
        std::string value;
        clock::time_point good_until;
    };
    std::map<std::string, entry> tokens_;
};

}  // namespace driftless::drivers
