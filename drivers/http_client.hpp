// One HTTP/1.1 request and its answer, over a connection of its own, plain
// or TLS: webhooks (status_surface/notifier) and container registries
// (registry_client). With TLS the system's trusted CAs vouch for the server
// (SSL_CERT_FILE and SSL_CERT_DIR are honoured, as by other OpenSSL
// clients), the server name goes out for SNI and the certificate must be
// for the host asked for.
//
// Every request has a deadline that covers the connection, the TLS
// handshake, the request and the whole answer; a name is looked up in the
// system's time (numeric addresses need none). No redirect is followed and
// no keep-alive kept (Connection: close): callers that need them decide.
//
// Not an error: any HTTP status, 4xx and 5xx included; the caller judges
// the answer. Errors are the exchange's own failures: "timeout" (the
// deadline passed), "unreachable" (resolve, connect, TLS handshake, send or
// answer failed, or the request was cancelled), "too_large" (the body
// passed its limit), "invalid" (a method or host that cannot be sent).
// All are worth retrying later but "invalid".
//
// Threading: an http_client and its cancel handles are used on their
// executor's thread only.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::drivers {

struct http_request {
    std::string method = "GET";    // GET, HEAD, POST, PUT, ...
    std::string host;              // a name or an address (an IPv6 address without brackets)
    std::uint16_t port = 80;
    bool tls = false;
    std::string target = "/";      // path and query
    // Sent besides Host, User-Agent and Connection, which the client sets.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;              // sent with its Content-Length when the method carries one
};

struct http_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;   // as received, in order
    std::string body;              // empty for HEAD

    // The first header named `name` (any case); "" when there is none.
    [[nodiscard]] std::string header(std::string_view name) const;
    // Every header named `name`, in order (WWW-Authenticate may come twice).
    [[nodiscard]] std::vector<std::string> headers_named(std::string_view name) const;
};

struct http_limits {
    std::chrono::milliseconds timeout{10000};   // the whole exchange
    std::uint64_t body_limit = 1024 * 1024;     // bytes of answer body
};

// Cuts a request short from another coroutine on the same thread (a
// shutdown): the request in flight, if any, ends at once as "unreachable".
class http_cancel {
public:
    void cancel() {
        if (hook_) hook_();
    }

private:
    friend class http_client;
    std::function<void()> hook_;
};

class http_client {
public:
    // `ca_file`: a PEM file of certificates trusted besides the system's
    // (a private registry's CA); "" for none. Read at the first TLS request:
    // a file that cannot be read makes every TLS request an "invalid" error.
    explicit http_client(boost::asio::any_io_executor ex, std::string ca_file = {});
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    // Sends `req` and reads the answer. `cancel`, when given, must outlive
    // the call.
    [[nodiscard]] boost::asio::awaitable<result<http_response>> send(http_request req, http_limits limits = {},
                                                                     http_cancel* cancel = nullptr);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace driftless::drivers
