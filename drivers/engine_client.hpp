// A client for the Docker Engine API (also spoken by Podman's compat
// service): HTTP/1.1 over a unix socket or TCP.
//
// Threading: every call is a coroutine that must run on the executor given
// at construction, and that executor must be single-threaded (one
// io_context thread, or a strand): the connection pool is not locked.
// Several calls may be in flight at once; each uses its own connection,
// taken from a pool of idle keep-alive connections or newly opened.
//
// Timeouts: every call is bounded by the client's timeout, or the one
// given; a stream without a timeout (the events stream) runs until the
// engine closes it or cancel_streams() is called.
//
// Errors are values (driver.hpp's codes): "unreachable" (cannot connect, or
// the connection broke), "timeout", "cancelled" (stream_cancel,
// cancel_streams), and for an
// HTTP answer that is not 2xx/304 the codes of engine_error.hpp, with the
// engine's `message` and the HTTP status. An answer's body longer than
// max_body_bytes is refused ("engine") as soon as its length or a chunk's
// size says so; a streamed line longer than default_max_line (1 MiB) ends
// its stream with an "engine" error (line_splitter.hpp).
//
// Lifetime: the client must outlive every call made on it; call
// cancel_streams() and let streams return before destroying it.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/docker_host.hpp"

namespace driftless::drivers::docker {

namespace asio = boost::asio;

// The largest answer body read whole: the container list of a host with
// 10,000 containers is about 40 MiB.
inline constexpr std::size_t max_body_bytes = std::size_t{64} * 1024 * 1024;

enum class http_method { get, head, post, put, delete_ };

struct engine_response {
    int status = 0;                // 2xx or 304: anything else is returned as an error
    std::string body;
};

// Called once per line of a streamed body (without the line break; empty
// lines are skipped). Returning an error ends the stream with that error.
using line_handler = std::function<status(std::string_view line)>;

// Lets one coroutine end a stream another is reading. Share it between the
// two; single-threaded like the client.
class stream_cancel {
public:
    // Ends the stream it was given to, now, or as soon as it starts: it
    // returns error code "cancelled". Not an error if it already ended.
    void cancel();
    [[nodiscard]] bool cancelled() const noexcept { return cancelled_; }

private:
    friend class engine_client;
    bool cancelled_ = false;
    std::function<void()> hook_;   // set while the stream is reading
};

using request_headers = std::vector<std::pair<std::string, std::string>>;

class engine_client {
public:
    // Does no I/O. `timeout` bounds each call that is not given its own.
    engine_client(asio::any_io_executor ex, docker_host host, std::chrono::milliseconds timeout);
    ~engine_client();
    engine_client(const engine_client&) = delete;
    engine_client& operator=(const engine_client&) = delete;

    // One request with a JSON `body` ("" = none) to `target`, a path below
    // the API version ("/containers/json?all=1"); the client prefixes the
    // negotiated version ("/v1.41/containers/json?all=1"), negotiating it
    // first if that has not been done.
    // `expect_bytes`, when known, is room made for the answer's body before
    // it arrives (the engine sends lists chunked, without a length), so a
    // large body is written once instead of grown and copied; `storage` is a
    // string whose memory the answer's body reuses (its text is dropped).
    // `headers` are added to the request (X-Registry-Auth).
    asio::awaitable<result<engine_response>> call(http_method method, std::string target, std::string body = {},
                                                  std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                                                  std::size_t expect_bytes = 0, std::string storage = {},
                                                  request_headers headers = {});

    // Like call, but the answer's body is read as it arrives and handed to
    // `on_line` line by line (the events stream, image pull progress).
    // `timeout` bounds the whole exchange; nullopt = no bound (connecting
    // is still bounded by the client's timeout). Returns when the engine
    // ends the body (success), `on_line` returns an error, or on failure.
    // `cancel`, when given, ends the stream from elsewhere. `headers` are
    // added to the request; a Content-Type among them replaces the JSON one
    // (a build context is a tar stream).
    asio::awaitable<status> stream(http_method method, std::string target, std::string body, line_handler on_line,
                                   std::optional<std::chrono::milliseconds> timeout,
                                   std::shared_ptr<stream_cancel> cancel = nullptr, request_headers headers = {});

    // The API version in use: min(engine's ApiVersion from GET /version,
    // newest_api_version). Asked once, then remembered.
    asio::awaitable<result<std::string>> api_version();

    // Ends every stream in flight: they return error code "cancelled".
    // Calls that are not streams are not affected. Does not block.
    void cancel_streams();

    [[nodiscard]] const docker_host& host() const noexcept;
    [[nodiscard]] std::chrono::milliseconds timeout() const noexcept;
    // Keep-alive connections waiting in the pool (for tests and metrics).
    [[nodiscard]] std::size_t idle_connections() const noexcept;
    // Requests sent so far, streams included (for metrics and benchmarks).
    [[nodiscard]] std::uint64_t requests_sent() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace driftless::drivers::docker
