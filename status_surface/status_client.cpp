#include "status_surface/status_client.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace driftless::status_surface {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

listen_address address_to_ask(listen_address listen) {
    if (listen.host == "0.0.0.0" || listen.host.empty()) listen.host = "127.0.0.1";
    else if (listen.host == "::" || listen.host == "[::]") listen.host = "::1";
    return listen;
}

namespace {

asio::awaitable<result<http_answer>> get(listen_address address, std::string target, std::string token,
                                         std::chrono::milliseconds timeout) {
    auto ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream(ex);
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(address.host, ec);
    if (ec) co_return error{"invalid", "\"" + address.host + "\" is not an IP address"};
    const std::string where = address.host + ":" + std::to_string(address.port);
    stream.expires_after(timeout);
    auto token_ec = asio::redirect_error(asio::use_awaitable, ec);
    co_await stream.async_connect(asio::ip::tcp::endpoint(ip, address.port), token_ec);
    if (ec == beast::error::timeout) co_return error{"timeout", "no answer from " + where + " within " + std::to_string(timeout.count()) + " ms"};
    if (ec) co_return error{"unreachable", "cannot connect to " + where + ": " + ec.message()};
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, where);
    req.set(http::field::user_agent, "driftless");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    co_await http::async_write(stream, req, token_ec);
    if (!ec) {
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        co_await http::async_read(stream, buffer, parser, token_ec);
        if (!ec) co_return http_answer{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
    }
    if (ec == beast::error::timeout) co_return error{"timeout", "no answer from " + where + " within " + std::to_string(timeout.count()) + " ms"};
    co_return error{"unreachable", where + ": " + ec.message()};
}

}  // namespace

result<http_answer> http_get(const listen_address& address, const std::string& target, const std::string& token,
                             std::chrono::milliseconds timeout) {
    asio::io_context io;
    result<http_answer> out = error{"internal", "no answer"};
    // result<> has no default value, which co_spawn's handler would need: the coroutine writes it.
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await get(address, target, token, timeout); }, asio::detached);
    io.run();
    return out;
}

}  // namespace driftless::status_surface
