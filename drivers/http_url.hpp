// An http:// or https:// URL split into what a request needs: the scheme,
// the host, the port and the target (path and query). Used for webhook
// destinations (--notify), a registry's token service (its realm) and the
// places a registry points to (Link, Location). Pure functions; their
// errors ("invalid") are terminal: the same text fails again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers {

struct http_url {
    bool tls = false;              // https
    std::string host;              // a name or an address; an IPv6 address without its brackets
    std::uint16_t port = 80;       // 443 for https when the URL names none
    std::string authority;         // as written: "host:port", "[::1]:5000"
    std::string target = "/";      // path and query; the fragment is not part of it

    // scheme://authority (no path): the origin a request goes to.
    [[nodiscard]] std::string origin() const { return (tls ? "https://" : "http://") + authority; }
};

// Reads `text`. A fragment ('#...') is cut off. An error's message says
// what is wrong for a person ("expected an http:// or https:// URL", "the
// port must be a number from 1 to 65535"); user names and passwords in
// the URL are refused, and so are spaces and control characters.
[[nodiscard]] result<http_url> parse_http_url(std::string_view text);

// `reference` (an absolute URL, or a path starting with '/') read against
// `base`, as a Link or Location header gives it.
[[nodiscard]] result<http_url> resolve_http_url(const http_url& base, std::string_view reference);

// The value of a Host header for `host` and `port`: the port left out when
// it is the scheme's usual one, an IPv6 address put in brackets.
[[nodiscard]] std::string host_header(const std::string& host, std::uint16_t port, bool tls);

}  // namespace driftless::drivers
