#include "status_surface/status_server.hpp"

#include <utility>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <list>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>

#include "status_surface/accept_backoff.hpp"
#include "status_surface/request_head.hpp"
#include "status_surface/status_page.hpp"

namespace driftless::status_surface {

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

status check_listen_public(const listen_address& address, bool listen_public) {
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    if (listen_public || (!ec && ip.is_loopback())) return {};
    return error{"invalid", "--listen " + address.host + ":" + std::to_string(address.port) + ": " + address.host +
                                " is not a loopback address, and the status server has no TLS; add --listen-public to serve other hosts "
                                "(with --api-token-file to ask them for a token)"};
}

result<std::string> read_api_token(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return error{"invalid", "--api-token-file " + path + ": cannot read: " + std::strerror(errno)};
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!token.empty() && space(token.back())) token.pop_back();
    std::size_t lead = 0;
    while (lead < token.size() && space(token[lead])) ++lead;
    token.erase(0, lead);
    if (token.empty()) return error{"invalid", "--api-token-file " + path + ": the file is empty; write the token into it"};
    for (char c : token)
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
            return error{"invalid", "--api-token-file " + path + ": the token holds a space or control character; use one line of printable characters"};
    return token;
}

status_response respond(const reconciler::loop_status& s, const std::string& target,
                        const reconciler::event_log* events) {
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/readyz") {
        if (s.ready) return {200, "text/plain; charset=utf-8", "ready\n"};
        return {503, "text/plain; charset=utf-8", "not ready: no pass has completed yet\n"};
    }
    if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", to_prometheus(s)};
    // File names and Kafka keys need not be UTF-8: replace what is not
    // rather than fail the whole answer.
    if (path == "/" || path == "/index.html") return {200, "text/html; charset=utf-8", status_page(s, events)};
    if (path == "/api/v1/state")
        return {200, "application/json", to_json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"};
    return {404, "text/plain; charset=utf-8", "not found; try /healthz, /readyz, /metrics, /api/v1/state or /api/v1/events\n"};
}

namespace {

bool open_path(const std::string& target) {
    const std::string path = target.substr(0, target.find('?'));
    return path == "/healthz" || path == "/readyz";
}

}  // namespace

namespace {

// The id after which a stream starts: Last-Event-ID, else ?since=N, else
// nullopt (from now on).
std::optional<std::uint64_t> stream_start(const request_head& h) {
    auto number = [](std::string_view text) -> std::optional<std::uint64_t> {
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
        return v;
    };
    if (!h.last_event_id.empty()) return number(h.last_event_id);
    const auto q = h.target.find('?');
    if (q == std::string::npos) return std::nullopt;
    const std::string_view query = std::string_view(h.target).substr(q + 1);
    for (std::size_t at = 0; at < query.size();) {
        const auto amp = query.find('&', at);
        const auto part = query.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
        if (part.rfind("since=", 0) == 0) return number(part.substr(6));
        if (amp == std::string_view::npos) break;
        at = amp + 1;
    }
    return std::nullopt;
}

bool events_path(const std::string& target) { return target.substr(0, target.find('?')) == "/api/v1/events"; }

}  // namespace

struct status_server::impl : std::enable_shared_from_this<impl> {
    // An open event stream: what is waiting to be sent, and its wake-up.
    struct stream_state {
        explicit stream_state(asio::any_io_executor ex) : wake(ex) {}
        std::string backlog;
        bool overflow = false;
        bool state_changed = false;   // one nudge stands for any number of changes
        asio::steady_timer wake;
    };
    std::list<std::shared_ptr<stream_state>> streams;
    struct connection {
        explicit connection(tcp::socket s) : stream(std::move(s)) {}
        beast::tcp_stream stream;
        bool waiting_for_head = true;   // evictable at the connection cap
    };

    impl(asio::any_io_executor e, std::function<const reconciler::loop_status&()> st, status_server_options o)
        : ex(e), acceptor(e), accept_timer(e), get(std::move(st)), options(std::move(o)) {}
    asio::any_io_executor ex;
    tcp::acceptor acceptor;
    asio::steady_timer accept_timer;
    std::function<const reconciler::loop_status&()> get;
    status_server_options options;
    std::list<std::shared_ptr<connection>> open;   // oldest first
    accept_backoff backoff;
    bool stopped = false;

    void close(const std::shared_ptr<connection>& c) {
        beast::error_code ignored;
        c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        c->stream.close();
        open.remove(c);
    }

    http::response<http::string_body> answer(const request_head& h) {
        http::response<http::string_body> res;
        res.version(h.version == 10 ? 10 : 11);
        res.set(http::field::server, "driftless");
        res.keep_alive(h.result == request_head::outcome::ok && h.keep_alive);
        if (h.result != request_head::outcome::ok) {
            res.result(static_cast<http::status>(h.code));
            if (h.code == 405) res.set(http::field::allow, "GET, HEAD");
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = h.reason + "\n";
        } else if (!options.token.empty() && !open_path(h.target) && !bearer_matches(h.authorization, options.token)) {
            res.result(http::status::unauthorized);
            res.set(http::field::www_authenticate, "Bearer realm=\"driftless\"");
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "send Authorization: Bearer <token>, the token of --api-token-file\n";
        } else {
            // An answer that cannot be built is still an answer, so that
            // the client is not left waiting on an open socket.
            try {
                auto r = respond(get(), h.target, options.events);
                res.result(static_cast<http::status>(r.code));
                res.set(http::field::content_type, r.content_type);
                res.body() = std::move(r.body);
            } catch (const std::exception& e) {
                spdlog::error("status server: {}: {}", h.target, e.what());
                res.result(http::status::internal_server_error);
                res.set(http::field::content_type, "text/plain; charset=utf-8");
                res.body() = std::string("internal error: ") + e.what() + "\n";
                res.keep_alive(false);
            }
        }
        res.prepare_payload();
        if (h.head_only) res.body().clear();
        return res;
    }

    asio::awaitable<void> serve(std::shared_ptr<connection> c) {
        auto self = shared_from_this();
        // Whatever way this coroutine ends, the socket is closed.
        struct closer {
            impl* server;
            std::shared_ptr<connection> c;
            ~closer() { server->close(c); }
        } guard{this, c};
        std::string buffer;
        std::array<char, 2048> chunk{};
        for (;;) {
            // One deadline for the whole head, not one per read: a client
            // sending a byte at a time must not hold the connection.
            c->waiting_for_head = true;
            c->stream.expires_after(options.header_timeout);
            request_head h = check_request_head(buffer, options.max_head_bytes);
            while (h.result == request_head::outcome::incomplete) {
                beast::error_code ec;
                const auto room = std::min(chunk.size(), options.max_head_bytes - buffer.size());
                const auto n = co_await c->stream.async_read_some(asio::buffer(chunk.data(), room),
                                                                  asio::redirect_error(asio::use_awaitable, ec));
                if (ec) co_return;   // closed, timed out or evicted: nobody to answer
                buffer.append(chunk.data(), n);
                h = check_request_head(buffer, options.max_head_bytes);
            }
            c->waiting_for_head = false;
            if (h.result == request_head::outcome::ok && !h.head_only && events_path(h.target) && options.events != nullptr &&
                (options.token.empty() || bearer_matches(h.authorization, options.token))) {
                co_await stream_events(c, h);
                co_return;
            }
            auto res = answer(h);
            c->stream.expires_after(options.write_timeout);
            beast::error_code wec;
            http::response_serializer<http::string_body> sr{res};
            if (h.head_only)
                co_await http::async_write_header(c->stream, sr, asio::redirect_error(asio::use_awaitable, wec));
            else
                co_await http::async_write(c->stream, sr, asio::redirect_error(asio::use_awaitable, wec));
            if (wec) co_return;
            if (!res.keep_alive()) break;
            buffer.erase(0, h.size);
        }
        // Closing with unread bytes (a refused body, an oversized head)
        // resets the connection, and the client may lose the answer with
        // it: end the sending side and read a little of what is left first.
        c->waiting_for_head = true;
        beast::error_code ec;
        c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        c->stream.expires_after(std::chrono::seconds(1));
        for (std::size_t drained = 0; !ec && drained < 64 * 1024;)
            drained += co_await c->stream.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    }

    // GET /api/v1/events: the events after the asked id (or from now on),
    // then each as it is published, until the client goes or falls too far
    // behind. Publishing only appends to the backlog and wakes the writer.
    asio::awaitable<void> stream_events(std::shared_ptr<connection> c, const request_head& h) {
        beast::error_code ec;
        if (streams.size() >= options.max_streams) {
            static constexpr std::string_view busy =
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 29\r\nConnection: close\r\n\r\n"
                "too many event streams open\n";
            c->stream.expires_after(options.write_timeout);
            co_await asio::async_write(c->stream, asio::buffer(busy.data(), busy.size()), asio::redirect_error(asio::use_awaitable, ec));
            co_return;
        }
        auto st = std::make_shared<stream_state>(ex);
        streams.push_back(st);
        reconciler::event_log& log = *options.events;
        const std::size_t cap = options.stream_backlog_bytes;
        const auto handle = log.subscribe([st, cap](const reconciler::event& e) {
            if (st->overflow) return;
            st->backlog += to_sse(e);
            if (st->backlog.size() > cap) {
                st->overflow = true;
                st->backlog.clear();
            }
            st->wake.cancel();
        });
        const auto state_handle = log.subscribe_state([st] {
            if (st->overflow || st->state_changed) return;
            st->state_changed = true;
            st->wake.cancel();
        });
        struct unsubscriber {
            impl* server;
            reconciler::event_log& log;
            std::size_t handle;
            std::size_t state_handle;
            std::shared_ptr<stream_state> st;
            ~unsubscriber() {
                log.unsubscribe(handle);
                log.unsubscribe_state(state_handle);
                server->streams.remove(st);
            }
        } guard{this, log, handle, state_handle, st};

        std::string out =
            "HTTP/1.1 200 OK\r\nServer: driftless\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 2000\n\n";
        if (const auto from = stream_start(h)) {
            auto r = log.since(*from);
            if (r.missed > 0)
                out += "event: missed\ndata: {\"missed\": " + std::to_string(r.missed) +
                       ", \"message\": \"more events happened than the server keeps; reload the state\"}\n\n";
            for (const auto& e : r.events) out += to_sse(e);
        }
        for (;;) {
            if (!out.empty()) {
                c->stream.expires_after(options.write_timeout);
                co_await asio::async_write(c->stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
                if (ec || stopped) co_return;
                out.clear();
            }
            if (st->overflow) co_return;   // too slow: it reconnects with Last-Event-ID and is told what it missed
            if (st->backlog.empty() && !st->state_changed) {
                st->wake.expires_after(options.stream_keepalive);
                co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (stopped) co_return;
                if (st->backlog.empty() && !st->state_changed && !st->overflow) out = ": keep-alive\n\n";
            }
            out += st->backlog;
            st->backlog.clear();
            if (st->state_changed) out += reconciler::state_sse();
            st->state_changed = false;
        }
    }

    // At the cap: close the connection that has waited longest for its
    // request head. False when every connection is busy answering.
    bool make_room() {
        for (auto& c : open)
            if (c->waiting_for_head) {
                auto victim = c;
                close(victim);
                return true;
            }
        return false;
    }

    static void refuse(tcp::socket& socket) {
        // Best effort on a fresh socket, whose send buffer is empty: never blocks.
        static constexpr std::string_view busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 33\r\nConnection: close\r\n\r\n"
            "too many connections; retry soon\n";
        boost::system::error_code ec;
        socket.non_blocking(true, ec);
        socket.write_some(asio::buffer(busy.data(), busy.size()), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopped) {
            boost::system::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopped || ec == asio::error::operation_aborted) break;
                const bool first = !backoff.backing_off();
                const auto delay = ec.category() == boost::system::system_category() ? backoff.failed(ec.value()) : std::chrono::milliseconds::zero();
                if (delay == std::chrono::milliseconds::zero()) continue;
                if (first) spdlog::warn("status server: cannot accept a connection: {}; retrying every {} ms to {} ms until it can",
                                        ec.message(), accept_backoff::first.count(), accept_backoff::cap.count());
                accept_timer.expires_after(delay);
                co_await accept_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            backoff.succeeded();
            if (open.size() >= options.max_connections && !make_room()) {
                refuse(socket);
                continue;
            }
            auto c = std::make_shared<connection>(std::move(socket));
            open.push_back(c);
            asio::co_spawn(ex, serve(c), [](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& x) {
                    spdlog::error("status server: connection ended: {}", x.what());
                } catch (...) {
                    spdlog::error("status server: connection ended by an unknown exception");
                }
            });
        }
    }
};

status_server::status_server(asio::any_io_executor ex, std::function<const reconciler::loop_status&()> status,
                             status_server_options options)
    : impl_(std::make_shared<impl>(ex, std::move(status), std::move(options))) {}

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
    asio::co_spawn(impl_->ex, impl_->accept_loop(), [](std::exception_ptr) {});
    return {};
}

void status_server::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->accept_timer.cancel();
    const auto open = impl_->open;   // close() edits the list
    for (const auto& c : open) impl_->close(c);
    for (const auto& st : impl_->streams) st->wake.cancel();
}

unsigned short status_server::port() const {
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

}  // namespace driftless::status_surface
