// The status endpoints of `driftless run` (DESIGN.md §6):
//   /healthz        200 while the process serves
//   /readyz         200 after the first completed pass, 503 before
//   /metrics        Prometheus text format
//   /api/v1/state   JSON: desired, actual, last plan, per-object errors, backoff
// Bound to 127.0.0.1 by default: the state names images and hosts.
//
// Threading: serves on the loop's io_context thread and reads loop_status
// directly, without locks.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

#include "desired_state/result.hpp"
#include "reconciler/status.hpp"

namespace driftless::reconciler {

struct listen_address {
    std::string host = "127.0.0.1";
    unsigned short port = 9180;
};

// Parses "HOST:PORT", ":PORT" (= 127.0.0.1) or "[v6]:PORT".
[[nodiscard]] result<listen_address> parse_listen(const std::string& text);

// A response for `target` (path and query), as the server would send it:
// {status code, content type, body}. Pure, for tests.
struct status_response {
    int code = 200;
    std::string content_type;
    std::string body;
};
[[nodiscard]] status_response respond(const loop_status& s, const std::string& target);

class status_server {
public:
    status_server(boost::asio::any_io_executor ex, std::function<const loop_status&()> status);
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

}  // namespace driftless::reconciler
