#include "reconciler/status_server.hpp"

#include <utility>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <set>

namespace driftless::reconciler {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

result<listen_address> parse_listen(const std::string& text) {
    listen_address out;
    std::string host, port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return error{"invalid", "--listen \"" + text + "\": expected [ADDRESS]:PORT"};
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) return error{"invalid", "--listen \"" + text + "\": expected HOST:PORT"};
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (!host.empty()) out.host = host;
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value > 65535)
        return error{"invalid", "--listen \"" + text + "\": port must be 0-65535"};
    out.port = static_cast<unsigned short>(value);
    boost::system::error_code bad;
    asio::ip::make_address(out.host, bad);
    if (bad && out.host != "localhost")
        return error{"invalid", "--listen \"" + text + "\": \"" + out.host + "\" is not an IP address"};
    if (out.host == "localhost") out.host = "127.0.0.1";
    return out;
}

status_response respond(const loop_status& s, const std::string& target) {
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/readyz") {
        if (s.ready) return {200, "text/plain; charset=utf-8", "ready\n"};
        return {503, "text/plain; charset=utf-8", "not ready: no pass has completed yet\n"};
    }
    if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", to_prometheus(s)};
    if (path == "/api/v1/state") return {200, "application/json", to_json(s).dump(2) + "\n"};
    return {404, "text/plain; charset=utf-8", "not found; try /healthz, /readyz, /metrics or /api/v1/state\n"};
}

struct status_server::impl : std::enable_shared_from_this<impl> {
    impl(asio::any_io_executor e, std::function<const loop_status&()> st) : ex(e), acceptor(e), get(std::move(st)) {}
    asio::any_io_executor ex;
    tcp::acceptor acceptor;
    std::function<const loop_status&()> get;
    std::set<std::shared_ptr<beast::tcp_stream>> open;
    bool stopped = false;

    asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream) {
        auto self = shared_from_this();
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            stream->expires_after(std::chrono::seconds(30));
            beast::error_code ec;
            co_await http::async_read(*stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            http::response<http::string_body> res;
            res.version(req.version());
            res.keep_alive(req.keep_alive());
            res.set(http::field::server, "driftless");
            if (req.method() != http::verb::get && req.method() != http::verb::head) {
                res.result(http::status::method_not_allowed);
                res.set(http::field::allow, "GET, HEAD");
                res.set(http::field::content_type, "text/plain");
                res.body() = "only GET and HEAD\n";
            } else {
                auto r = respond(get(), std::string(req.target()));
                res.result(static_cast<http::status>(r.code));
                res.set(http::field::content_type, r.content_type);
                res.body() = req.method() == http::verb::head ? std::string() : std::move(r.body);
            }
            res.prepare_payload();
            stream->expires_after(std::chrono::seconds(30));
            beast::error_code wec;
            co_await http::async_write(*stream, res, asio::redirect_error(asio::use_awaitable, wec));
            if (wec || !res.keep_alive()) break;
        }
        beast::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        open.erase(stream);
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopped) {
            boost::system::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopped || ec == asio::error::operation_aborted) break;
                continue;
            }
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            open.insert(stream);
            asio::co_spawn(ex, serve(stream), asio::detached);
        }
    }
};

status_server::status_server(asio::any_io_executor ex, std::function<const loop_status&()> status)
    : impl_(std::make_shared<impl>(ex, std::move(status))) {}

status_server::~status_server() { stop(); }

status status_server::listen(const listen_address& address) {
    boost::system::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(address.host, ec), address.port);
    if (ec) return error{"invalid", "listen address " + address.host + ": " + ec.message()};
    auto& a = impl_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return error{"unavailable", "cannot listen on " + address.host + ":" + std::to_string(address.port) + ": " + ec.message()};
    asio::co_spawn(impl_->ex, impl_->accept_loop(), asio::detached);
    return {};
}

void status_server::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    for (auto& s : impl_->open) s->socket().close(ec);
}

unsigned short status_server::port() const {
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

}  // namespace driftless::reconciler
