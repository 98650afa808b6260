// A client of one container registry (Registry HTTP API v2), for the
// image release policy: which tags a repository has, the digest a tag
// points to, and when the image behind a tag was created. Reading only
// (pull scope); nothing is pulled but manifests and an image's config.
//
// Reached over https (the system's CAs, plus `ca_file`), or plain http for
// a host listed as insecure and for a loopback host (localhost,
// 127.0.0.0/8, ::1) given no `ca_file` of its own; authenticated as registry_session.hpp says, with docker's
// credentials (credential_helper.hpp). Repository names and tags are
// checked against the distribution grammar before they reach a URL.
//
// Blocking: never; each call is a coroutine on the client's executor, and
// every request has `timeout`. A credential helper, when one is named,
// runs on a thread of its own.
//
// Retry contract: errors carry a code (result.hpp's error):
//   retried by callers, with backoff:
//     "unreachable", "timeout"     the registry or its token service did not
//                                  answer, or a credential helper did not in time
//     "unavailable" (5xx), "rate_limited" (429): wait at least
//                                  error::retry_after when it is above zero
//                                  (the registry's Retry-After); this client
//                                  never sleeps
//   terminal until something changes (the user's credentials or names):
//     "unauthorized"  401/403 after authenticating; the message names the
//                     registry, the repository and where credentials came from
//     "not_found"     no such repository, tag or platform
//     "invalid"       a name outside the grammar, an answer driftless cannot
//                     read or trust (a digest that does not match), more tags
//                     or pages than the limits
//     "too_large"     an answer past its size limit
//     "credentials"   docker's config.json or a credential helper failed
//     "registry"      another HTTP status
// Not an error: a repository without tags (an empty list).
//
// Threading: used on its executor's thread; calls may overlap, and share
// the tokens and credentials found. The client may be destroyed while
// calls are in flight (they keep what they need).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/credential_helper.hpp"

namespace driftless::drivers {

struct registry_options {
    std::vector<std::string> insecure;          // registries spoken to over plain http ("host:port", or "host")
    std::string ca_file;                        // PEM certificates trusted besides the system's (the registry's CA)
    std::chrono::milliseconds timeout{30000};   // per request
    std::string platform;                       // "os/arch[/variant]" picked from a list; "": host_platform()
    std::size_t page_size = 0;                  // tags asked for per page (n=); 0: as many as the registry gives
    std::size_t max_tags = 10000;
    std::size_t max_pages = 100;
    // How credentials are found for the host; blocking; called on a thread
    // of its own at the first challenge. Default: resolve_credentials.
    std::function<result<resolved_credentials>(const std::string& host)> credentials;
};

class registry_client {
public:
    // `host`: "registry.example.com", "127.0.0.1:5000", "[::1]:5000",
    // "docker.io" (Docker Hub). A host that cannot be one makes every call
    // an "invalid" error.
    registry_client(boost::asio::any_io_executor ex, std::string host, registry_options options = {});
    ~registry_client();
    registry_client(const registry_client&) = delete;
    registry_client& operator=(const registry_client&) = delete;

    // Every tag of `repository` ("team/app", without the host), page after
    // page (the Link header's "next"), in the registry's order.
    [[nodiscard]] boost::asio::awaitable<result<std::vector<std::string>>> tags(std::string repository);

    // The digest the registry gives `repository:tag` ("sha256:..."): its
    // Docker-Content-Digest, or the SHA-256 of the manifest when the
    // registry says none. For a multi-platform image, the list's digest.
    [[nodiscard]] boost::asio::awaitable<result<std::string>> manifest_digest(std::string repository, std::string tag);

    // When the image `repository:tag` was created (its config's "created"),
    // for options.platform when the tag is a multi-platform list. Each
    // manifest and the config are checked against their digests.
    [[nodiscard]] boost::asio::awaitable<result<std::chrono::system_clock::time_point>> created(std::string repository,
                                                                                                 std::string tag);

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::drivers
