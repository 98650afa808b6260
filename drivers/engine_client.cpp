// The only translation unit that includes Beast: it is slow to compile, so
// everything else talks to the engine through engine_client.hpp.
#include "drivers/engine_client.hpp"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <limits>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "drivers/api_version.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/engine_tls.hpp"
#include "drivers/line_splitter.hpp"

namespace driftless::drivers::docker {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using std::chrono::milliseconds;

namespace {

// The generic protocol lets one stream type carry both unix and TCP sockets.
using stream_type = beast::basic_stream<asio::generic::stream_protocol, asio::any_io_executor>;

struct connection {
    explicit connection(const asio::any_io_executor& ex) : stream(ex) {}
    stream_type stream;            // its timeouts and cancel() bound the TLS layer too
    std::unique_ptr<asio::ssl::stream<stream_type&>> tls;   // set for a TLS engine
    beast::flat_buffer buffer;     // kept with the socket: bytes past one answer belong to the next
    bool cancelled = false;
};

// Runs `op` on the connection's outermost stream: TLS when there is one.
// Both branches give the same awaitable type.
template <class Op>
auto on_stream(connection& c, Op&& op) {
    return c.tls ? op(*c.tls) : op(c.stream);
}

http::verb to_verb(http_method m) {
    switch (m) {
    case http_method::get: return http::verb::get;
    case http_method::head: return http::verb::head;
    case http_method::post: return http::verb::post;
    case http_method::put: return http::verb::put;
    case http_method::delete_: return http::verb::delete_;
    }
    return http::verb::get;
}

std::string describe(http_method m, std::string_view target) {
    // The query string can be long (filters); the path is what helps a reader.
    const auto q = target.find('?');
    return std::string(http::to_string(to_verb(m))) + " " + std::string(target.substr(0, q));
}

std::string seconds_text(milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
    return std::to_string(d.count()) + "ms";
}

// A connection taken from the pool may have been closed by the engine while
// idle; these errors before any answer byte mean "try a fresh one".
bool stale(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
           ec == asio::ssl::error::stream_truncated;
}

}  // namespace

struct engine_client::impl {
    impl(asio::any_io_executor e, docker_host h, milliseconds t)
        : ex(std::move(e)), host(std::move(h)), timeout(t),
          host_header(host.via == docker_host::transport::tcp ? host.to_string().substr(6) : "docker") {
        if (host.via == docker_host::transport::tcp && host.tls) {
            auto ctx = make_tls_context(*host.tls);
            if (ctx) tls_context = std::move(*ctx);
            else tls_setup = std::move(ctx).err();
        }
    }

    ~impl() {
        for (auto& c : idle) {
            error_code ignored;
            c->stream.socket().close(ignored);
        }
    }

    asio::any_io_executor ex;
    docker_host host;
    milliseconds timeout;
    std::string host_header;
    std::shared_ptr<asio::ssl::context> tls_context;   // set for a TLS engine
    std::optional<error> tls_setup;                    // why the TLS context could not be made
    std::vector<std::unique_ptr<connection>> idle;
    std::set<connection*> streaming;
    std::string version;                       // "" until negotiated
    std::uint64_t requests = 0;                // sent, streams included
    static constexpr std::size_t max_idle = 16;
    static constexpr std::size_t read_buffer_bytes = 64 * 1024;   // Beast's own largest read

    error io_error(const error_code& ec, http_method m, std::string_view target, milliseconds limit) const {
        if (ec == http::error::body_limit)
            return error{"engine", "the engine at " + host.to_string() + " answered " + describe(m, target) +
                                       " with a body of more than " + std::to_string(max_body_bytes >> 20) +
                                       " MiB; refused (is DOCKER_HOST an engine?)"};
        return transport_error(ec, m, target, limit);
    }

    error transport_error(const error_code& ec, http_method m, std::string_view target, milliseconds limit) const {
        if (host.tls && is_tls_error(ec))
            return error{"unreachable", tls_error_text(ec, host.to_string(), *host.tls, describe(m, target))};
        if (ec == beast::error::timeout)
            return error{"timeout", "no answer from the engine at " + host.to_string() + " within " +
                                        seconds_text(limit) + " (" + describe(m, target) + ")"};
        return error{"unreachable", "lost the connection to the engine at " + host.to_string() + " (" +
                                        describe(m, target) + "): " + ec.message()};
    }

    asio::awaitable<result<std::unique_ptr<connection>>> connect() {
        auto c = std::make_unique<connection>(ex);
        error_code ec;
        c->stream.expires_after(timeout);
        if (host.via == docker_host::transport::unix_socket) {
            const asio::generic::stream_protocol::endpoint ep{asio::local::stream_protocol::endpoint(host.path)};
            co_await c->stream.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
        } else {
            // Name resolution has no timeout of its own in Asio; DOCKER_HOST
            // names are local or numeric in practice.
            asio::ip::tcp::resolver resolver(ex);
            const auto found = co_await resolver.async_resolve(host.host, std::to_string(host.port),
                                                               asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                std::vector<asio::generic::stream_protocol::endpoint> eps;
                for (const auto& entry : found) eps.emplace_back(entry.endpoint());
                co_await c->stream.async_connect(eps, asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        if (ec) {
            const std::string why = ec == beast::error::timeout ? "timed out after " + seconds_text(timeout)
                                                                : ec.message();
            co_return error{"unreachable", "cannot connect to the engine at " + host.to_string() + ": " + why +
                                               " (is it running? DOCKER_HOST selects another endpoint)"};
        }
        if (host.via == docker_host::transport::tcp && host.tls) {
            if (auto st = co_await handshake(*c); !st) co_return st.err();
        }
        c->stream.expires_never();
        co_return std::move(c);
    }

    // TLS over a connected socket, still under connect's timeout: the
    // engine's certificate must chain to ca.pem and name the host.
    asio::awaitable<status> handshake(connection& c) {
        if (tls_setup) co_return *tls_setup;
        c.tls = std::make_unique<asio::ssl::stream<stream_type&>>(c.stream, *tls_context);
        error_code not_an_address;
        (void)asio::ip::make_address(host.host, not_an_address);
        if (not_an_address) {
            // A name: tell the engine which (SNI).
            ::SSL_set_tlsext_host_name(c.tls->native_handle(), host.host.c_str());
        }
        c.tls->set_verify_callback(asio::ssl::host_name_verification(host.host));
        error_code ec;
        co_await c.tls->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_return status{};
        if (ec == beast::error::timeout)
            co_return error{"unreachable", "cannot connect to the engine at " + host.to_string() +
                                               ": the TLS handshake timed out after " + seconds_text(timeout)};
        co_return error{"unreachable", tls_error_text(ec, host.to_string(), *host.tls, "handshake")};
    }

    std::unique_ptr<connection> take_idle() {
        if (idle.empty()) return nullptr;
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
    }

    void give_back(std::unique_ptr<connection> c) {
        c->stream.expires_never();
        c->buffer.shrink_to_fit();   // idle connections hold no read buffer
        if (idle.size() < max_idle) idle.push_back(std::move(c));
    }

    // Counts the request and logs it at trace level (bench/reaction.sh
    // times the first request after a change from that line).
    http::request<http::string_body> make_request(http_method m, const std::string& target, std::string body,
                                                  const request_headers& headers = {}) {
        ++requests;
        if (spdlog::should_log(spdlog::level::trace)) {
            const auto verb = http::to_string(to_verb(m));
            spdlog::trace("engine request: {} {}", std::string_view(verb.data(), verb.size()), target);
        }
        http::request<http::string_body> req{to_verb(m), target, 11};
        req.set(http::field::host, host_header);
        req.set(http::field::user_agent, "driftless");
        if (!body.empty() || m == http_method::post || m == http_method::put) {
            // PUT is only ever an archive (a file copied into a container).
            req.set(http::field::content_type, m == http_method::put ? "application/x-tar" : "application/json");
            req.body() = std::move(body);
        }
        for (const auto& [name, value] : headers) req.set(name, value);
        req.keep_alive(true);
        req.prepare_payload();
        return req;
    }

    // One request/answer on a pooled or new connection; `target` is complete.
    asio::awaitable<result<engine_response>> exchange(http_method m, std::string target, std::string body,
                                                      milliseconds limit, std::size_t expect_bytes = 0,
                                                      std::string storage = {}, request_headers headers = {}) {
        for (int attempt = 0;; ++attempt) {
            std::unique_ptr<connection> c = attempt == 0 ? take_idle() : nullptr;
            const bool reused = c != nullptr;
            if (!c) {
                auto fresh = co_await connect();
                if (!fresh) co_return std::move(fresh).err();
                c = std::move(*fresh);
            }
            auto req = make_request(m, target, body, headers);
            error_code ec;
            c->stream.expires_after(limit);
            co_await on_stream(*c, [&](auto& s) {
                return http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
            });
            if (ec) {
                if (reused && stale(ec)) continue;
                if (host.tls && stale(ec))
                    co_return error{"unreachable", tls_dropped_text(ec, host.to_string(), *host.tls, describe(m, target))};
                co_return io_error(ec, m, target, limit);
            }
            http::response_parser<http::string_body> parser;
            // Beast refuses a longer body as soon as its Content-Length or a
            // chunk's size says so, before the bytes are read.
            parser.body_limit(max_body_bytes);
            if (m == http_method::head) parser.skip(true);
            storage.clear();
            parser.get().body() = std::move(storage);
            if (expect_bytes != 0) parser.get().body().reserve(std::min<std::size_t>(expect_bytes, max_body_bytes));
            // Beast reads at most the buffer's free space (and never less
            // than 512 bytes): a small buffer turns a 1.6 MB container list
            // into thousands of reads.
            c->buffer.reserve(read_buffer_bytes);
            // The header first: Beast 1.74's async_read does not complete
            // when a Content-Length over the limit stops the parser (it
            // waits for more bytes until the timeout); async_read_header
            // ends there with body_limit.
            co_await on_stream(*c, [&](auto& s) {
                return http::async_read_header(s, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            });
            if (!ec && !parser.is_done())
                co_await on_stream(*c, [&](auto& s) {
                    return http::async_read(s, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
                });
            if (ec) {
                if (reused && stale(ec) && !parser.got_some()) continue;
                // A new TLS connection dropped before any answer: the engine's
                // verdict on our certificate (TLS 1.3 gives it after the handshake).
                if (!reused && host.tls && stale(ec) && !parser.got_some())
                    co_return error{"unreachable", tls_dropped_text(ec, host.to_string(), *host.tls, describe(m, target))};
                co_return io_error(ec, m, target, limit);
            }
            auto res = parser.release();
            engine_response out{static_cast<int>(res.result_int()), std::move(res.body())};
            if (res.keep_alive()) give_back(std::move(c));
            if (!http_success(out.status)) co_return http_error(out.status, out.body);
            co_return out;
        }
    }

    asio::awaitable<result<std::string>> negotiate() {
        if (!version.empty()) co_return version;
        auto r = co_await exchange(http_method::get, "/version", {}, timeout);
        if (!r) co_return std::move(r).err();
        const auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (!j.is_object() || !j.contains("ApiVersion") || !j["ApiVersion"].is_string())
            co_return error{"engine", "the engine at " + host.to_string() + " answered GET /version without ApiVersion"};
        auto v = negotiate_api_version(j["ApiVersion"].get<std::string>());
        if (!v) co_return std::move(v).err();
        version = *v;
        co_return version;
    }

    asio::awaitable<status> stream_lines(http_method m, std::string target, std::string body, line_handler on_line,
                                         std::optional<milliseconds> limit, std::shared_ptr<stream_cancel> cancel,
                                         request_headers headers) {
        // A stream gets a connection of its own and never returns it to the
        // pool: it may be cancelled half way through a body.
        auto fresh = co_await connect();
        if (!fresh) co_return std::move(fresh).err();
        std::unique_ptr<connection> c = std::move(*fresh);
        streaming.insert(c.get());
        struct unregister {
            std::set<connection*>& set;
            connection* c;
            stream_cancel* cancel;
            ~unregister() {
                set.erase(c);
                if (cancel != nullptr) cancel->hook_ = nullptr;
            }
        } guard{streaming, c.get(), cancel.get()};
        if (cancel) {
            if (cancel->cancelled_) c->cancelled = true;
            cancel->hook_ = [conn = c.get()] {
                conn->cancelled = true;
                conn->stream.cancel();
            };
        }

        const milliseconds shown = limit.value_or(milliseconds{0});
        auto fail = [&](const error_code& ec) -> error {
            if (c->cancelled) return error{"cancelled", describe(m, target) + ": cancelled"};
            return io_error(ec, m, target, shown);
        };

        if (c->cancelled) co_return fail({});
        auto req = make_request(m, target, std::move(body), headers);
        error_code ec;
        c->stream.expires_after(limit ? std::min(*limit, timeout) : timeout);
        co_await on_stream(*c, [&](auto& s) {
            return http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
        });
        if (ec || c->cancelled) co_return fail(ec);

        if (limit) {
            c->stream.expires_after(*limit);
        } else {
            c->stream.expires_never();
        }
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        co_await on_stream(*c, [&](auto& s) {
            return http::async_read_header(s, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        });
        if (ec || c->cancelled) co_return fail(ec);

        const int code = static_cast<int>(parser.get().result_int());
        const bool ok = http_success(code);
        std::string error_body;                // of an answer that is not 2xx
        line_splitter lines;
        std::array<char, 8192> buf{};
        while (!parser.is_done()) {
            parser.get().body().data = buf.data();
            parser.get().body().size = buf.size();
            // read_some: hand over each event as it arrives, not when the
            // buffer is full.
            co_await on_stream(*c, [&](auto& s) {
                return http::async_read_some(s, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            });
            if (ec == http::error::need_buffer) ec = {};
            if (ec || c->cancelled) co_return fail(ec);
            const std::size_t n = buf.size() - parser.get().body().size;
            if (!ok) {
                if (error_body.size() < 64 * 1024) error_body.append(buf.data(), n);
                continue;
            }
            if (status s = lines.feed(std::string_view(buf.data(), n), on_line); !s) {
                if (s.err().code != "too_large") co_return s;
                co_return error{"engine", describe(m, target) + " from the engine at " + host.to_string() + ": " +
                                              s.err().message + "; the stream is ended"};
            }
        }
        if (!ok) co_return http_error(code, error_body);
        if (status s = lines.finish(on_line); !s) co_return s;
        co_return status{};
    }
};

engine_client::engine_client(asio::any_io_executor ex, docker_host host, milliseconds timeout)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(host), timeout)) {}

engine_client::~engine_client() = default;

asio::awaitable<result<engine_response>> engine_client::call(http_method method, std::string target, std::string body,
                                                             std::optional<milliseconds> timeout, std::size_t expect_bytes,
                                                             std::string storage, request_headers headers) {
    auto v = co_await impl_->negotiate();
    if (!v) co_return std::move(v).err();
    co_return co_await impl_->exchange(method, "/v" + *v + target, std::move(body), timeout.value_or(impl_->timeout),
                                       expect_bytes, std::move(storage), std::move(headers));
}

asio::awaitable<status> engine_client::stream(http_method method, std::string target, std::string body,
                                              line_handler on_line, std::optional<milliseconds> timeout,
                                              std::shared_ptr<stream_cancel> cancel, request_headers headers) {
    auto v = co_await impl_->negotiate();
    if (!v) co_return std::move(v).err();
    co_return co_await impl_->stream_lines(method, "/v" + *v + target, std::move(body), std::move(on_line), timeout,
                                           std::move(cancel), std::move(headers));
}

asio::awaitable<result<std::string>> engine_client::api_version() { return impl_->negotiate(); }

void stream_cancel::cancel() {
    cancelled_ = true;
    if (hook_) hook_();
}

void engine_client::cancel_streams() {
    for (connection* c : impl_->streaming) {
        c->cancelled = true;
        c->stream.cancel();
    }
}

const docker_host& engine_client::host() const noexcept { return impl_->host; }
milliseconds engine_client::timeout() const noexcept { return impl_->timeout; }
std::size_t engine_client::idle_connections() const noexcept { return impl_->idle.size(); }
std::uint64_t engine_client::requests_sent() const noexcept { return impl_->requests; }

}  // namespace driftless::drivers::docker
