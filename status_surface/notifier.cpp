#include "status_surface/notifier.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <optional>
#include <map>

#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"
#include "drivers/http_client.hpp"
#include "drivers/http_url.hpp"

namespace driftless::status_surface {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

std::set<reconciler::event_type> default_events() {
    std::set<reconciler::event_type> out;
    for (const auto t : reconciler::all_event_types())
        if (t != reconciler::event_type::pass_started && t != reconciler::event_type::pass_finished) out.insert(t);
    return out;
}

status bad(const std::string& text, const std::string& why) { return error{"invalid", "--notify " + text + ": " + why}; }

}  // namespace

result<notify_target> parse_notify(const std::string& text) {
    notify_target t;
    t.events = default_events();
    const auto hash = text.find('#');
    const std::string options = hash == std::string::npos ? "" : text.substr(hash + 1);
    auto url = drivers::parse_http_url(text);
    if (!url.ok()) return bad(text, url.err().message).err();
    t.host = url->host;
    t.port = url->port;
    t.tls = url->tls;
    t.target = url->target;
    t.shown = url->origin() + t.target;

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
                const auto type = reconciler::event_type_of(name);
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

std::string notify_body(const notify_target& t, const reconciler::event& e, std::uint64_t dropped) {
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
        explicit destination(asio::any_io_executor ex, notify_target t) : target(std::move(t)), wake(ex) {}
        notify_target target;
        std::deque<reconciler::event> queue;
        std::uint64_t dropped_unsaid = 0;   // dropped since the last delivery said so
        counts stats;
        asio::steady_timer wake;
        std::map<std::string, clock_type::time_point> recent;   // repeat suppression
        bool failing = false;
        drivers::http_cancel in_flight;     // cut short by stop()
    };

    impl(asio::any_io_executor e, notifier_options o) : ex(e), options(o), client(e) {}
    asio::any_io_executor ex;
    notifier_options options;
    drivers::http_client client;
    std::vector<std::unique_ptr<destination>> destinations;
    reconciler::event_log* log = nullptr;
    std::size_t handle = 0;
    bool stopped = false;

    void on_event(const reconciler::event& e) {
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

    asio::awaitable<status> post(destination& d, std::string body) {
        const notify_target& t = d.target;
        drivers::http_request req;
        req.method = "POST";
        req.host = t.host;
        req.port = t.port;
        req.tls = t.tls;
        req.target = t.target;
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = std::move(body);
        drivers::http_limits limits;
        limits.timeout = options.timeout;
        limits.body_limit = 64 * 1024;
        auto answer = co_await client.send(std::move(req), limits, &d.in_flight);
        if (!answer.ok()) co_return answer.err();
        const int code = answer->status;
        if (code < 200 || code > 299) co_return error{"engine", "answered HTTP " + std::to_string(code)};
        co_return status{};
    }

    asio::awaitable<void> deliver(destination& d) {
        auto self = shared_from_this();
        auto backoff = options.first_retry;
        while (!stopped) {
            boost::system::error_code ec;
            if (d.queue.empty()) {
                d.wake.expires_after(std::chrono::hours(1));
                co_await d.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            const reconciler::event e = d.queue.front();
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

void notifier::attach(reconciler::event_log& log) {
    impl_->log = &log;
    std::weak_ptr<impl> weak = impl_;
    impl_->handle = log.subscribe([weak](const reconciler::event& e) {
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
        d->in_flight.cancel();
    }
}

notifier::counts notifier::stats(std::size_t target) const {
    const auto& d = *impl_->destinations.at(target);
    auto c = d.stats;
    c.queued = d.queue.size();
    return c;
}

}  // namespace driftless::status_surface
