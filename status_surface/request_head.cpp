#include "status_surface/request_head.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

namespace driftless::status_surface {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

request_head reject(int code, std::string reason) {
    request_head h;
    h.result = request_head::outcome::reject;
    h.code = code;
    h.reason = std::move(reason);
    return h;
}

}  // namespace

request_head check_request_head(std::string_view bytes, std::size_t limit) {
    // Beast's parser stops after the head (eager off) and looks for the blank
    // line before parsing, so a partial head costs nothing but the search.
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limit, UINT32_MAX)));
    parser.eager(false);
    // A body is refused below, by method or size, never read. (Not
    // boost::none: Boost 1.74 compares the length against it as "no limit" < 0.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(bytes.data(), std::min(bytes.size(), limit)), ec);
    if (ec == http::error::need_more) {
        if (bytes.size() >= limit) return reject(431, "request head larger than " + std::to_string(limit) + " bytes");
        return {};
    }
    if (ec == http::error::header_limit) return reject(431, "request head larger than " + std::to_string(limit) + " bytes");
    if (ec) return reject(400, "malformed request: " + ec.message());
    if (!parser.is_header_done()) return {};
    const auto& m = parser.get();
    if (m.method() != http::verb::get && m.method() != http::verb::head)
        return reject(405, "only GET and HEAD are served");
    if (parser.chunked() || parser.content_length().value_or(0) > 0) return reject(413, "a request body is not accepted");
    request_head h;
    h.result = request_head::outcome::ok;
    h.head_only = m.method() == http::verb::head;
    h.target = std::string(m.target());
    h.authorization = std::string(m[http::field::authorization]);
    h.last_event_id = std::string(m["Last-Event-ID"]);
    h.keep_alive = m.keep_alive();
    h.version = m.version();
    h.size = used;
    return h;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    constexpr std::string_view scheme = "bearer";
    if (token.empty() || authorization.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return false;
    auto given = authorization.substr(scheme.size());
    if (given.front() != ' ') return false;
    while (!given.empty() && (given.front() == ' ' || given.front() == '\t')) given.remove_prefix(1);
    while (!given.empty() && (given.back() == ' ' || given.back() == '\t')) given.remove_suffix(1);
    // Every byte of the token is compared, whatever differs first, so the
    // time taken does not tell how much of a guess was right.
    unsigned diff = given.size() != token.size() ? 1U : 0U;
    for (std::size_t i = 0; i < token.size(); ++i)
        diff |= static_cast<unsigned char>(token[i]) ^ static_cast<unsigned char>(i < given.size() ? given[i] : 0);
    return diff == 0;
}

}  // namespace driftless::status_surface
