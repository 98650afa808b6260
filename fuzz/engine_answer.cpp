// An engine's HTTP answer as the engine client receives it: the bytes go
// through Beast's response parser set up as engine_client.cpp sets it up
// (no socket: the parser is fed from memory), then through what driftless
// makes of the answer: http_error for a status that is not a success, and
// for a streamed body (pull progress) the line splitter and the readers of
// an error or a digest in a line. Nothing may crash or throw.
#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "drivers/engine_error.hpp"
#include "drivers/line_splitter.hpp"

namespace http = boost::beast::http;
namespace d = driftless::drivers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 20);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t at = 0;
    while (at < size && !parser.is_done()) {
        const std::size_t used = parser.put(boost::asio::const_buffer(data + at, size - at), ec);
        if (ec == http::error::need_more) break;
        if (ec) return 0;
        if (used == 0) break;
        at += used;
    }
    if (!parser.is_done()) {
        parser.put_eof(ec);
        if (ec || !parser.is_done()) return 0;
    }
    const auto& res = parser.get();
    const int status = static_cast<int>(res.result_int());
    const std::string& body = res.body();
    if (!d::http_success(status)) {
        const auto e = d::http_error(status, body);
        if (e.http_status != status || e.message.empty()) std::abort();
        return 0;
    }
    d::docker::line_splitter lines;
    const d::docker::line_splitter::handler each = [](std::string_view line) -> driftless::status {
        (void)d::stream_error_message(line);
        (void)d::stream_pulled_digest(line);
        return {};
    };
    if (!lines.feed(body, each) || !lines.finish(each)) std::abort();
    return 0;
}
