// Reading a registry's answers (Registry HTTP API v2): the next page of a
// tag list (Link), how long to leave a busy registry alone (Retry-After),
// how it asks to be authenticated (WWW-Authenticate) and a tag list's
// body, and the error for an unsuccessful answer. Pure functions. The
// codes of registry_status_error are the registry client's retry contract
// (registry_client.hpp): "rate_limited" and "unavailable" are retried by
// callers, no sooner than retry_after; the others are terminal.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/registry_auth.hpp"

namespace driftless::drivers {

// The URI reference of the link whose rel is "next" in a Link header
// (`</v2/app/tags/list?last=b&n=2>; rel="next"`), as written: a path or an
// absolute URL. nullopt when there is none.
[[nodiscard]] std::optional<std::string> next_link(std::string_view link);

// Retry-After: delay-seconds or an HTTP date (then counted from `now`; a
// date past is zero). At most one day: a longer wait is cut to that.
// nullopt for a value that is neither.
[[nodiscard]] std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                                    std::chrono::system_clock::time_point now);

struct registry_challenge {
    enum class scheme { none, basic, bearer } kind = scheme::none;
    bearer_challenge bearer;   // scheme::bearer
};

// What a 401's WWW-Authenticate headers ask for: a Bearer token (preferred
// when both are offered), Basic credentials, or nothing readable.
[[nodiscard]] registry_challenge read_challenge(const std::vector<std::string>& www_authenticate);

// The tags in GET /v2/NAME/tags/list's body ({"name": ..., "tags": [...]};
// "tags" may be null for a repository without any). An error ("invalid")
// says what the body is instead.
[[nodiscard]] result<std::vector<std::string>> parse_tag_list(std::string_view body);

// The error for an unsuccessful answer to a request about `repository`
// (`what`: "tags", "manifest 1.4", "blob sha256:..."), with http_status
// set and the registry's own reason (its JSON "errors", else the status):
//   401, 403  "unauthorized"  "registry H refused access to REPO: HTTP 401 (authentication required)"
//   404       "not_found"     "registry H: REPO: manifest 1.4 not found: HTTP 404 (manifest unknown)"
//   429       "rate_limited"  retry_after from `retry_after` (Retry-After), when readable
//   5xx       "unavailable"   the same for 503
//   else      "registry"
[[nodiscard]] error registry_status_error(const std::string& registry, const std::string& repository,
                                          const std::string& what, int status, std::string_view body,
                                          std::string_view retry_after, std::chrono::system_clock::time_point now);

}  // namespace driftless::drivers
