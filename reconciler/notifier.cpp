#include "reconciler/notifier.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <charconv>
#include <deque>
#include <optional>
#include <map>

#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"

namespace driftless::reconciler {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

std::set<event_type> default_events() {
    std::set<event_type> out;
    for (const auto t : all_event_types())
        if (t != event_type::pass_started && t != event_type::pass_finished) out.insert(t);
    return out;
}

status bad(const std::string& text, const std::string& why) { return error{"invalid", "--notify " + text + ": " + why}; }

}  // namespace

result<notify_target> parse_notify(const std::string& text) {
    notify_target t;
    t.events = default_events();
    std::string url = text, options;
    if (const auto hash = text.find('#'); hash != std::string::npos) {
        url = text.substr(0, hash);
        options = text.substr(hash + 1);
    }
    if (url.rfind("https://", 0) == 0) {
        t.tls = true;
        t.port = 443;
    } else if (url.rfind("http://", 0) != 0) {
        return bad(text, "expected an http:// or https:// URL").err();
    }
    std::string rest = url.substr(t.tls ? 8 : 7);
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    t.target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (authority.empty() || authority.find('@') != std::string::npos)
        return bad(text, "expected http(s)://HOST[:PORT]/PATH (no user name or password in the URL)").err();
    std::string host = authority, port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) return bad(text, "an IPv6 address needs its closing ']'").err();
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return bad(text, "expected ':' and a port after ']'").err();
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) return bad(text, "no host").err();
    for (const char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
            return bad(text, "the host holds a character a host name cannot").err();
    if (!port.empty()) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
        if (ec != std::errc{} || end != port.data() + port.size() || v == 0 || v > 65535)
            return bad(text, "the port must be a number from 1 to 65535").err();
        t.port = static_cast<std::uint16_t>(v);
    }
    for (const char c : t.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad(text, "the path holds a space or a control character").err();
    t.host = host;
    t.shown = (t.tls ? "https://" : "http://") + authority + t.target;

    for (std::size_t at = 0; at < options.size();) {
        const auto amp = options.find('&', at);
        const std::string part = options.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
        at = amp == std::string::npos ? options.size() : amp + 1;
        if (part.empty()) continue;
        const auto eq = part.find('=');
        const std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
        if (key == "events") {
            t.events.clear();
            for (std::size_t p = 0; p <= value.size();) {
                const auto comma = value.find(',', p);
                const std::string name = value.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
                p = comma == std::string::npos ? value.size() + 1 : comma + 1;
                if (name.empty()) continue;
                const auto type = event_type_of(name);
                if (!type) return bad(text, "\"" + name + "\" is not an event type (see README: events)").err();
                t.events.insert(*type);
            }
            if (t.events.empty()) return bad(text, "events= names no event type").err();
        } else if (key == "format") {
            if (value == "json") t.form = notify_target::format::json;
            else if (value == "slack") t.form = notify_target::format::slack;
            else return bad(text, "format must be json or slack").err();
        } else {
            return bad(text, "unknown option \"" + key + "\" after '#' (events=..., format=...)").err();
        }
    }
    return t;
}

std::string notify_body(const notify_target& t, const event& e, std::uint64_t dropped) {
    const auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
    if (t.form == notify_target::format::slack) {
        std::string text = std::string("driftless: ") + to_string(e.type) + ": " + e.message;
        if (dropped > 0) text += " (" + std::to_string(dropped) + " earlier event(s) were dropped: the destination was behind)";
        return dump({{"text", text}});
    }
    auto j = to_json(e);
    if (dropped > 0) j["dropped_before"] = dropped;
    return dump(j);
}

struct notifier::impl : std::enable_shared_from_this<impl> {
    struct destination {
        explicit destination(asio::any_io_executor ex, notify_target t) : target(std::move(t)), wake(ex) {
            if (target.tls) {
                // The system's trusted certificates (SSL_CERT_FILE and
                // SSL_CERT_DIR are honoured, as by other OpenSSL clients),
                // and the peer must prove the URL's host name.
                tls.emplace(asio::ssl::context::tls_client);
                tls->set_default_verify_paths();
                tls->set_verify_mode(asio::ssl::verify_peer);
            }
        }
        notify_target target;
        std::optional<asio::ssl::context> tls;
        std::deque<event> queue;
        std::uint64_t dropped_unsaid = 0;   // dropped since the last delivery said so
        counts stats;
        asio::steady_timer wake;
        std::map<std::string, clock_type::time_point> recent;   // repeat suppression
        bool failing = false;
        std::weak_ptr<beast::tcp_stream> in_flight;   // closed by stop()
    };

    impl(asio::any_io_executor e, notifier_options o) : ex(e), options(o) {}
    asio::any_io_executor ex;
    notifier_options options;
    std::vector<std::unique_ptr<destination>> destinations;
    event_log* log = nullptr;
    std::size_t handle = 0;
    bool stopped = false;

    void on_event(const event& e) {
        const auto now = clock_type::now();
        for (auto& d : destinations) {
            if (!d->target.events.count(e.type)) continue;
            const std::string key = std::string(to_string(e.type)) + '\n' + e.kind + '\n' + e.name + '\n' + e.message;
            if (const auto it = d->recent.find(key); it != d->recent.end() && now - it->second < options.repeat_window) {
                ++d->stats.suppressed;
                continue;
            }
            if (d->recent.size() > 10'000) std::erase_if(d->recent, [&](const auto& kv) { return now - kv.second >= options.repeat_window; });
            d->recent[key] = now;
            if (d->queue.size() >= options.queue) {
                d->queue.pop_front();
                ++d->stats.dropped;
                ++d->dropped_unsaid;
            }
            d->queue.push_back(e);
            d->wake.cancel();
        }
    }

    // One request and its answer on a connected stream (plain or TLS).
    template <class Stream>
    static asio::awaitable<status> exchange(Stream& stream, const notify_target& t, std::string body) {
        beast::error_code ec;
        http::request<http::string_body> req{http::verb::post, t.target, 11};
        const std::uint16_t usual = t.tls ? 443 : 80;
        req.set(http::field::host, t.port == usual ? t.host : t.host + ":" + std::to_string(t.port));
        req.set(http::field::user_agent, "driftless");
        req.set(http::field::content_type, "application/json");
        req.set(http::field::connection, "close");
        req.body() = std::move(body);
        req.prepare_payload();
        co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return error{"unreachable", "send: " + ec.message()};
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return error{ec == beast::error::timeout ? "timeout" : "unreachable", "answer: " + ec.message()};
        const auto code = parser.get().result_int();
        if (code < 200 || code > 299) co_return error{"engine", "answered HTTP " + std::to_string(code)};
        co_return status{};
    }

    asio::awaitable<status> post(destination& d, std::string body) {
        const notify_target& t = d.target;
        beast::error_code ec;
        tcp::resolver resolver(ex);
        // The TCP stream under either kind, held here and watched by stop().
        std::shared_ptr<beast::tcp_stream> tcp_held;
        std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> tls_held;
        if (d.tls) {
            tls_held = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(ex, *d.tls);
            tcp_held = std::shared_ptr<beast::tcp_stream>(tls_held, &beast::get_lowest_layer(*tls_held));
        } else {
            tcp_held = std::make_shared<beast::tcp_stream>(ex);
        }
        d.in_flight = tcp_held;
        beast::tcp_stream& stream = *tcp_held;
        stream.expires_after(options.timeout);
        // The resolver has no deadline of its own; a name is looked up in
        // the system's time (numeric addresses need no look-up).
        auto found = co_await resolver.async_resolve(t.host, std::to_string(t.port), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return error{"unreachable", "resolve " + t.host + ": " + ec.message()};
        co_await stream.async_connect(found, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return error{"unreachable", "connect: " + ec.message()};
        if (!tls_held) {
            auto st = co_await exchange(stream, t, std::move(body));
            stream.socket().shutdown(tcp::socket::shutdown_both, ec);
            co_return st;
        }
        // The server's name for SNI, and its certificate checked against it.
        if (!SSL_set_tlsext_host_name(tls_held->native_handle(), t.host.c_str()))
            co_return error{"invalid", "TLS: cannot use " + t.host + " as the server name"};
        tls_held->set_verify_callback(asio::ssl::host_name_verification(t.host));
        co_await tls_held->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return error{ec == beast::error::timeout ? "timeout" : "unreachable", "TLS handshake: " + ec.message()};
        auto st = co_await exchange(*tls_held, t, std::move(body));
        // Connection: close was asked for; the TLS close_notify is not waited for.
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return st;
    }

    asio::awaitable<void> deliver(destination& d) {
        auto self = shared_from_this();
        auto backoff = options.first_retry;
        while (!stopped) {
            beast::error_code ec;
            if (d.queue.empty()) {
                d.wake.expires_after(std::chrono::hours(1));
                co_await d.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            const event e = d.queue.front();
            const std::uint64_t said = d.dropped_unsaid;
            auto st = co_await post(d, notify_body(d.target, e, said));
            if (stopped) co_return;
            if (st.ok()) {
                // The front may have been dropped meanwhile (a full queue).
                if (!d.queue.empty() && d.queue.front().id == e.id) d.queue.pop_front();
                d.dropped_unsaid -= std::min(d.dropped_unsaid, said);
                ++d.stats.sent;
                if (d.failing) spdlog::info("notify {}: delivering again", d.target.shown);
                d.failing = false;
                backoff = options.first_retry;
                continue;
            }
            ++d.stats.failed_attempts;
            if (!d.failing)
                spdlog::warn("notify {}: {}; retrying with backoff up to {} s, events queue meanwhile (at most {}, the oldest dropped first)",
                             d.target.shown, desired_state::printable(st.err().message),
                             std::chrono::duration_cast<std::chrono::seconds>(options.max_retry).count(), options.queue);
            d.failing = true;
            d.wake.expires_after(backoff);
            // A new event does not cut the wait short: it only queues.
            while (!stopped && d.wake.expiry() > clock_type::now()) {
                co_await d.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (ec != asio::error::operation_aborted) break;
            }
            backoff = std::min(backoff * 2, options.max_retry);
        }
    }
};

notifier::notifier(asio::any_io_executor ex, std::vector<notify_target> targets, notifier_options options)
    : impl_(std::make_shared<impl>(ex, options)) {
    for (auto& t : targets) impl_->destinations.push_back(std::make_unique<impl::destination>(ex, std::move(t)));
    for (auto& d : impl_->destinations) asio::co_spawn(ex, impl_->deliver(*d), asio::detached);
}

notifier::~notifier() { stop(); }

void notifier::attach(event_log& log) {
    impl_->log = &log;
    std::weak_ptr<impl> weak = impl_;
    impl_->handle = log.subscribe([weak](const event& e) {
        if (auto self = weak.lock(); self && !self->stopped) self->on_event(e);
    });
}

void notifier::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    if (impl_->log) impl_->log->unsubscribe(impl_->handle);
    for (auto& d : impl_->destinations) {
        d->queue.clear();
        d->wake.cancel();
        if (auto s = d->in_flight.lock()) s->cancel();
    }
}

notifier::counts notifier::stats(std::size_t target) const {
    const auto& d = *impl_->destinations.at(target);
    auto c = d.stats;
    c.queued = d.queue.size();
    return c;
}

}  // namespace driftless::reconciler
