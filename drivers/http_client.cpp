#include "drivers/http_client.hpp"

#include <utility>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <optional>
#include <strings.h>

#include "drivers/http_url.hpp"

namespace driftless::drivers {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

error exchange_error(const beast::error_code& ec, const std::string& during) {
    if (ec == beast::error::timeout) return error{"timeout", during + ": timed out"};
    return error{"unreachable", during + ": " + ec.message()};
}

// One request and its answer on a connected stream (plain or TLS).
template <class Stream>
asio::awaitable<result<http_response>> exchange(Stream& stream, const http_request& r, http::verb verb,
                                               const http_limits& limits) {
    beast::error_code ec;
    http::request<http::string_body> req{verb, r.target, 11};
    req.set(http::field::host, host_header(r.host, r.port, r.tls));
    req.set(http::field::user_agent, "driftless");
    req.set(http::field::connection, "close");
    for (const auto& h : r.headers) req.set(h.first, h.second);
    req.body() = r.body;
    if (!r.body.empty() || verb == http::verb::post || verb == http::verb::put) req.prepare_payload();
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return exchange_error(ec, "send");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(limits.body_limit);
    // A HEAD answer says the body's length and sends none.
    if (verb == http::verb::head) parser.skip(true);
    const auto too_large = [&] {
        return error{"too_large", "answer: the body is larger than " + std::to_string(limits.body_limit) + " bytes"};
    };
    // The header alone first: Beast 1.74 forgets to check a Content-Length
    // against body_limit when it reads the header and the body in one go
    // (chunks, and bodies that run to the end of the stream, are checked as
    // they come either way).
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) co_return too_large();
    if (ec) co_return exchange_error(ec, "answer");
    if (!parser.is_done()) co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) co_return too_large();
    if (ec) co_return exchange_error(ec, "answer");
    auto& res = parser.get();
    http_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    co_return out;
}

}  // namespace

std::string http_response::header(std::string_view name) const {
    for (const auto& h : headers)
        if (same_name(h.first, name)) return h.second;
    return {};
}

std::vector<std::string> http_response::headers_named(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& h : headers)
        if (same_name(h.first, name)) out.push_back(h.second);
    return out;
}

struct http_client::impl {
    asio::any_io_executor ex;
    std::string ca_file;
    std::shared_ptr<asio::ssl::context> tls;   // made at the first TLS request
    std::optional<error> tls_failure;

    result<std::shared_ptr<asio::ssl::context>> tls_context() {
        if (tls) return tls;
        if (tls_failure) return *tls_failure;
        auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        ctx->set_default_verify_paths();
        ctx->set_verify_mode(asio::ssl::verify_peer);
        beast::error_code ec;
        if (!ca_file.empty()) ctx->load_verify_file(ca_file, ec);
        if (ec) {
            tls_failure = error{"invalid", "TLS: cannot read the CA file " + ca_file + ": " + ec.message()};
            return *tls_failure;
        }
        tls = ctx;
        return tls;
    }
};

http_client::http_client(asio::any_io_executor ex, std::string ca_file)
    : impl_(std::make_unique<impl>(impl{ex, std::move(ca_file), nullptr, std::nullopt})) {}

http_client::~http_client() = default;

asio::awaitable<result<http_response>> http_client::send(http_request req, http_limits limits, http_cancel* cancel) {
    const auto verb = http::string_to_verb(req.method);
    if (verb == http::verb::unknown) co_return error{"invalid", "unknown HTTP method \"" + req.method + "\""};
    std::shared_ptr<asio::ssl::context> tls;
    if (req.tls) {
        auto ctx = impl_->tls_context();
        if (!ctx.ok()) co_return ctx.err();
        tls = ctx.value();
    }
    // Held here, not by the client: the exchange outlives nothing it needs.
    const asio::any_io_executor ex = impl_->ex;
    beast::error_code ec;
    tcp::resolver resolver(ex);
    // The TCP stream under either kind, which `cancel` closes.
    std::shared_ptr<beast::tcp_stream> tcp_held;
    std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> tls_held;
    if (tls) {
        tls_held = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(ex, *tls);
        tcp_held = std::shared_ptr<beast::tcp_stream>(tls_held, &beast::get_lowest_layer(*tls_held));
    } else {
        tcp_held = std::make_shared<beast::tcp_stream>(ex);
    }
    if (cancel) {
        cancel->hook_ = [weak = std::weak_ptr<beast::tcp_stream>(tcp_held)] {
            if (auto s = weak.lock()) s->cancel();
        };
    }
    beast::tcp_stream& stream = *tcp_held;
    stream.expires_after(limits.timeout);
    const std::string port = std::to_string(req.port);
    auto found = co_await resolver.async_resolve(req.host, port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return error{"unreachable", "resolve " + req.host + ": " + ec.message()};
    co_await stream.async_connect(found, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return exchange_error(ec, "connect");
    if (!tls_held) {
        auto answer = co_await exchange(stream, req, verb, limits);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return answer;
    }
    // The server's name for SNI, and its certificate checked against it.
    if (!SSL_set_tlsext_host_name(tls_held->native_handle(), req.host.c_str()))
        co_return error{"invalid", "TLS: cannot use " + req.host + " as the server name"};
    tls_held->set_verify_callback(asio::ssl::host_name_verification(req.host));
    co_await tls_held->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return exchange_error(ec, "TLS handshake");
    auto answer = co_await exchange(*tls_held, req, verb, limits);
    // Connection: close was asked for; the TLS close_notify is not waited for.
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return answer;
}

}  // namespace driftless::drivers
