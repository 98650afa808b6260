#include "cli/commands.hpp"
#include "status_surface/notifier.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "cli/service_manager.hpp"
#include "status_surface/status_server.hpp"

#ifndef DRIFTLESS_VERSION
#define DRIFTLESS_VERSION "0.0.0"
#endif

namespace driftless::cli {

namespace asio = boost::asio;

int run_forever(const common_flags& f) {
    auto options = loop_options_of(f, 1);   // the first pass draws progress: it does the most
    auto resync = parse_duration_flag(f.resync);
    if (!resync) {
        std::fprintf(stderr, "driftless: --resync \"%s\": expected a duration such as 30s or 5m\n", f.resync.c_str());
        return 1;
    }
    options.resync = *resync;
    options.watch_contexts = true;   // an edit in a build context rebuilds at once, not at the next resync
    auto address = status_surface::parse_listen(f.listen);
    if (!address.ok()) {
        std::fprintf(stderr, "driftless: %s\n", address.err().message.c_str());
        return 1;
    }
    if (auto st = status_surface::check_listen_public(*address, f.listen_public); !st.ok()) {
        std::fprintf(stderr, "driftless: %s\n", st.err().message.c_str());
        return 1;
    }
    status_surface::status_server_options server_options;
    if (!f.api_token_file.empty()) {
        auto token = status_surface::read_api_token(f.api_token_file);
        if (!token.ok()) {
            std::fprintf(stderr, "driftless: %s\n", token.err().message.c_str());
            return 1;
        }
        server_options.token = std::move(token).value();
    }
    auto s = open_session(f, options);
    if (!s) return 1;
    if (!open_status_topic(*s, f)) return 1;
    server_options.events = &s->loop->events();
    std::vector<status_surface::notify_target> targets;
    for (const auto& text : f.notify) {
        auto t = status_surface::parse_notify(text);
        if (!t.ok()) {
            std::fprintf(stderr, "driftless: %s\n", t.err().message.c_str());
            return 1;
        }
        targets.push_back(std::move(t).value());
    }
    status_surface::notifier notifications(s->io.get_executor(), std::move(targets));
    notifications.attach(s->loop->events());
    s->loop->set_instance({f.owner, f.driver, f.sources});
    status_surface::status_server server(s->io.get_executor(), [&]() -> const reconciler::loop_status& { return s->loop->status(); },
                                         server_options);
    if (auto st = server.listen(*address); !st.ok()) {
        spdlog::error("{}", st.err().message);
        return 1;
    }
    if (!status_surface::check_listen_public(*address, false).ok() && server_options.token.empty())
        spdlog::warn("status on {}:{} answers every host that can reach it, without a token: /api/v1/state names images and hosts; "
                     "set --api-token-file to ask for a token",
                     address->host, server.port());
    spdlog::info("driftless {} watching {} source(s) with the {} driver as owner \"{}\"; status on http://{}:{}/", DRIFTLESS_VERSION,
                 s->srcs.size(), f.driver, f.owner, address->host, server.port());
    // Under systemd (Type=notify): ready once the first pass completed, the
    // latest summary as the unit's status line.
    service_manager systemd(s->io.get_executor());
    s->loop->on_pass = [&systemd](const reconciler::loop_status& st, const std::string& summary) {
        std::string line = std::to_string(st.desired) + " desired, " + std::to_string(st.failing) + " failing, " +
                           std::to_string(st.source_errors.size()) + " source error(s)";
        if (!summary.empty()) line += "; " + summary;
        if (st.ready) systemd.ready_or_status(line);
    };
    systemd.start_watchdog();
    s->srcs.scan_once();
    for (const auto& e : s->store.current()->errors) spdlog::error("{}", e.to_string());
    s->srcs.watch([&] {
        for (const auto& e : s->store.current()->errors) spdlog::error("{}", e.to_string());
        s->loop->trigger("sources changed", false);
    });
    asio::signal_set signals(s->io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: finishing the pass in flight, then exiting", sig);
        systemd.stopping();
        s->srcs.stop();
        server.stop();
        s->loop->stop();
    });
    bool clean = false;
    // Shutdown drains the io_context rather than stopping it: every
    // coroutine (the event stream, the status server, the watchers) ends on
    // its own, so none is left suspended to be destroyed after the driver it
    // points into. A watchdog thread guards against one that will not end
    // (a timer in the io_context would itself keep it running).
    std::mutex drain_mutex;
    std::condition_variable drain_cv;
    bool drained = false, draining = false;
    std::thread watchdog;
    asio::co_spawn(s->io, s->loop->run(), [&](std::exception_ptr e) {
        clean = !e;
        systemd.stopping();
        if (s->status) s->status->stop(std::chrono::seconds(5));
        signals.cancel();
        s->srcs.stop();
        server.stop();
        notifications.stop();
        s->driver->cancel_events();
        draining = true;
        watchdog = std::thread([&] {
            std::unique_lock lock(drain_mutex);
            if (!drain_cv.wait_for(lock, std::chrono::seconds(10), [&] { return drained; })) {
                spdlog::warn("shutdown: work still pending after 10 s; stopping anyway");
                s->io.stop();
            }
        });
    });
    s->io.run();
    if (draining) {
        {
            std::lock_guard lock(drain_mutex);
            drained = true;
        }
        drain_cv.notify_all();
        watchdog.join();
    }
    return clean ? 0 : 1;
}

}  // namespace driftless::cli
