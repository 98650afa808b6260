// The status endpoints of `driftless run` (DESIGN.md §6):
//   /healthz        200 while the process serves
//   /readyz         200 after the first completed pass, 503 before
//   /metrics        Prometheus text format
//   /api/v1/state   JSON: desired, actual, last plan, per-object errors, backoff
//   /api/v1/events  Server-Sent Events (reconciler/events.hpp): from now on,
//                   or after the Last-Event-ID header's (or ?since=) id,
//                   with an `missed` event first when the ring no longer
//                   holds all of those. A client that does not read is
//                   closed once its backlog passes a bound: it never holds
//                   the loop or more memory than that.
// Bound to 127.0.0.1 by default: the state names images and hosts. With a
// token, every path but /healthz and /readyz asks for it.
//
// Limits, so that no client can starve the process: GET and HEAD only, no
// body, a small request head read within a deadline, a cap on connections
// (at the cap the one that has waited longest for its request head is
// closed; when every connection is busy answering, the new one gets 503),
// and a back-off when accept runs out of descriptors.
//
// Threading: serves on the loop's io_context thread and reads loop_status
// directly, without locks.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "desired_state/result.hpp"
#include "reconciler/events.hpp"
#include "reconciler/status.hpp"

namespace driftless::status_surface {

struct listen_address {
    std::string host = "127.0.0.1";
    unsigned short port = 9180;
};

// Parses "HOST:PORT", ":PORT" (= 127.0.0.1) or "[v6]:PORT".
[[nodiscard]] result<listen_address> parse_listen(const std::string& text);

// An error naming --listen-public when `address` is not a loopback address
// and `listen_public` is false.
[[nodiscard]] status check_listen_public(const listen_address& address, bool listen_public);

// The token in `path` (--api-token-file), surrounding whitespace removed. An
// error when the file cannot be read or holds no token.
[[nodiscard]] result<std::string> read_api_token(const std::string& path);

// A response for `target` (path and query), as the server would send it:
// {status code, content type, body}. Pure, for tests.
struct status_response {
    int code = 200;
    std::string content_type;
    std::string body;
};
[[nodiscard]] status_response respond(const reconciler::loop_status& s, const std::string& target,
                                      const reconciler::event_log* events = nullptr);

struct status_server_options {
    std::string token;                                       // "" = no token asked
    std::size_t max_connections = 64;
    std::chrono::milliseconds header_timeout{5000};          // from connect (or the previous answer) to a whole request head
    std::chrono::milliseconds write_timeout{10000};
    std::size_t max_head_bytes = 8 * 1024;
    // GET /api/v1/events (Server-Sent Events) when set; nullptr: 404.
    reconciler::event_log* events = nullptr;
    std::size_t max_streams = 16;                            // event streams open at once (within max_connections)
    std::size_t stream_backlog_bytes = 256 * 1024;           // unsent events per stream before it is closed as too slow
    std::chrono::milliseconds stream_keepalive{15000};       // a comment line when nothing else was sent
};

class status_server {
public:
    // `status` is called on the server's thread for each answer; an exception
    // from it is answered 500.
    status_server(boost::asio::any_io_executor ex, std::function<const reconciler::loop_status&()> status,
                  status_server_options options = {});
    ~status_server();
    // Binds and starts accepting. An error when the address cannot be bound.
    status listen(const listen_address& address);
    // Stops accepting and closes open connections.
    void stop();
    [[nodiscard]] unsigned short port() const;   // the bound port (useful with port 0)

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::status_surface
