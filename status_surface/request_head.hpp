// The head of one HTTP/1.x request to the status server, checked before any
// answer: the only bytes from the network the server interprets. Pure (no
// sockets, no clock), so tests and a fuzzer can drive it with any bytes.
//
// Accepted: GET or HEAD, no body, a head of at most `limit` bytes. Anything
// else is a reject with the status code and text to answer, then close.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace driftless::status_surface {

inline constexpr std::size_t max_request_head = 8 * 1024;

struct request_head {
    enum class outcome { incomplete, ok, reject };
    outcome result = outcome::incomplete;
    int code = 0;                // reject: 400, 405, 413 or 431
    std::string reason;          // reject: the answer's text, one line
    bool head_only = false;      // HEAD: the answer carries no body
    std::string target;          // path and query, as sent
    std::string authorization;   // the Authorization header, "" when absent
    std::string last_event_id;   // the Last-Event-ID header (an event stream's reconnect), "" when absent
    bool keep_alive = false;
    unsigned version = 11;       // 10 or 11
    std::size_t size = 0;        // ok: bytes of the head; a pipelined request starts there
};

// Checks the request head at the start of `bytes`. `incomplete` asks for more
// bytes; once `bytes` holds `limit` bytes without a whole head it is a reject
// (431). Bytes after the head are not looked at.
[[nodiscard]] request_head check_request_head(std::string_view bytes, std::size_t limit = max_request_head);

// True when `authorization` is "Bearer TOKEN" (scheme in any case) with
// exactly `token`. The comparison takes the same time wherever the first
// difference is. An empty `token` matches nothing.
[[nodiscard]] bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace driftless::status_surface
