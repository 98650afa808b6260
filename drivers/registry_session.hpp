// Requests to one registry, authenticated as the registry asks: first
// anonymous (or with what worked before); on 401 with a Bearer challenge,
// a token from the token service for the repository's pull scope (kept
// until it expires), on 401 with Basic, the user's name and password; then
// once more. Credentials are looked up at the first challenge, on a thread
// of their own (the lookup may run a credential helper), and kept while
// the session lives. Private to registry_client.
//
// Errors (registry_answers.hpp's codes, the registry host in every
// message): "unauthorized" (still 401/403 after authenticating, or no
// credentials to answer with; the message says where credentials came
// from), "not_found", "rate_limited" and "unavailable" (with retry_after
// when the registry said), "registry" (another status), "invalid" (an
// answer or a redirect driftless will not follow), and the exchange's own
// (http_client.hpp: "unreachable", "timeout", "too_large"), and
// "credentials" or "timeout" from the lookup (credential_helper.hpp).
//
// Threading: used on its executor's thread; requests may overlap. The
// executor's io_context must outlive a credential lookup in flight (at
// most the helper's time limit).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "desired_state/result.hpp"
#include "drivers/credential_helper.hpp"
#include "drivers/http_client.hpp"
#include "drivers/http_url.hpp"
#include "drivers/registry_location.hpp"
#include "drivers/registry_token.hpp"

namespace driftless::drivers {

// How a session finds the credentials for its registry's host. Blocking.
using credential_lookup = std::function<result<resolved_credentials>(const std::string& host)>;

struct registry_fetch {
    std::string method = "GET";          // GET or HEAD
    std::string target;                  // "/v2/..." on the registry
    std::string accept;
    std::uint64_t body_limit = 4 * 1024 * 1024;
    bool follow_redirects = false;       // blobs: to the registry's storage, at most 5 hops
    std::string what;                    // for messages: "tags", "manifest 1.4"
};

class registry_session {
public:
    registry_session(boost::asio::any_io_executor ex, registry_endpoint endpoint, const std::string& ca_file,
                     std::chrono::milliseconds timeout, credential_lookup lookup);

    // `f` for `repository` ("team/app"), already checked: a 2xx answer or
    // an error.
    [[nodiscard]] boost::asio::awaitable<result<http_response>> fetch(const std::string& repository, registry_fetch f);

    // An error about this registry: "registry HOST: " + `what`.
    [[nodiscard]] error fail(const std::string& code, const std::string& what) const;
    [[nodiscard]] const registry_endpoint& endpoint() const noexcept { return endpoint_; }

private:
    boost::asio::awaitable<status> authenticate(const std::string& repository, const http_response& challenged);
    boost::asio::awaitable<status> ensure_credentials();
    boost::asio::awaitable<result<http_response>> follow(http_url from, http_response answer, const registry_fetch& f,
                                                         std::string auth_header);
    [[nodiscard]] std::string authorization(const std::string& scope) const;
    [[nodiscard]] std::string credentials_said() const;

    boost::asio::any_io_executor ex_;
    registry_endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    credential_lookup lookup_;
    http_client client_;
    std::optional<resolved_credentials> credentials_;
    bool basic_ = false;                 // the registry asked for Basic: sent from then on
    token_cache tokens_;
};

}  // namespace driftless::drivers
