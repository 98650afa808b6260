// The driftless command line (DESIGN.md §6).
#include <utility>
#include <malloc.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "desired_state/installation_key.hpp"
#include "desired_state/parse.hpp"
#include "desired_state/policy.hpp"
#include "desired_state/printable.hpp"
#include "desired_state/store.hpp"
#include "drivers/driver.hpp"
#include "drivers/ownership.hpp"
#include "reconciler/key_file.hpp"
#include "reconciler/log.hpp"
#include "reconciler/loop.hpp"
#include "reconciler/sources.hpp"
#include "reconciler/status_topic.hpp"
#include "reconciler/status_server.hpp"
#include "watchers/directory_source.hpp"
#include "watchers/document_files.hpp"
#include "watchers/kafka_settings.hpp"

#ifndef DRIFTLESS_VERSION
#define DRIFTLESS_VERSION "0.0.0"
#endif

namespace {

namespace asio = boost::asio;
using namespace driftless;

struct common_flags {
    std::vector<std::string> sources;
    std::string driver = "docker";
    std::string owner;                         // "" = derived from the key
    std::string key_file = reconciler::default_key_file;
    std::string key;                           // read from key_file at start
    std::string log_format = "text";
    std::string log_level = "info";
    std::size_t parallel = 8;
    bool allow_empty = false;
    std::optional<std::size_t> max_prune;
    bool allow_mass_prune = false;
    std::string resync = "30s";
    std::string listen = "127.0.0.1:9180";
    bool listen_public = false;
    std::string api_token_file;                // "" = no token asked
    std::vector<std::string> kafka_settings;   // -X key=value | @FILE
    std::string status_topic;
    std::vector<std::string> status_settings;  // --status-X key=value | @FILE
    std::string kafka_sync_timeout = "60s";
    std::string policy;                        // --policy FILE, "" = none
    std::vector<std::string> env_allow;        // --env-allow NAME|PREFIX*: variables specs may read
    bool kafka_env = false;                    // --kafka-env: Kafka records expand variables too
    std::vector<std::string> profiles;         // --profile NAME: compose profiles enabled
    std::string dependency_timeout = "5m";
    bool engine_insecure = false;              // plain text to a tcp:// engine off this machine
    bool adopt = false;                        // --adopt: take over what docker compose made for the declared projects
};

// How documents are read, from the flags: which variables ${VAR} sees
// (only those --env-allow names), the compose profiles (--profile, else
// COMPOSE_PROFILES as compose reads it), and how compose objects are named.
desired_state::parse_options parse_options_from(const common_flags& f, bool kafka) {
    desired_state::parse_options o;
    if (!kafka || f.kafka_env) o.env = desired_state::allowed_env(f.env_allow);
    o.profiles = f.profiles;
    if (o.profiles.empty()) {
        if (const char* env = std::getenv("COMPOSE_PROFILES")) {
            std::string list = env;
            for (std::size_t start = 0; start <= list.size();) {
                auto comma = std::min(list.find(',', start), list.size());
                if (comma > start) o.profiles.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
        }
    }
    o.swarm_names = f.driver == "swarm";
    return o;
}

void add_parse_flags(CLI::App* cmd, common_flags& f) {
    cmd->add_option("--env-allow", f.env_allow,
                    "Environment variables specs may expand: NAME or PREFIX*; repeatable (none by default)")
        ->envname("DRIFTLESS_ENV_ALLOW")
        ->delimiter(',')
        ->check([](const std::string& p) { return desired_state::check_env_patterns({p}); });
    cmd->add_option("--profile", f.profiles, "Compose profile to enable; repeatable (default: COMPOSE_PROFILES)")
        ->envname("DRIFTLESS_PROFILE")
        ->delimiter(',');
}

// Durations on the command line: "30s", "500ms", "2m", "1h".
std::optional<std::chrono::milliseconds> parse_duration_flag(const std::string& text) {
    std::size_t pos = 0;
    double value = 0;
    try {
        value = std::stod(text, &pos);
    } catch (...) {
        return std::nullopt;
    }
    const std::string unit = text.substr(pos);
    double ms = 0;
    if (unit == "ms") ms = value;
    else if (unit == "s") ms = value * 1000;
    else if (unit == "m") ms = value * 60'000;
    else if (unit == "h") ms = value * 3'600'000;
    else return std::nullopt;
    if (ms <= 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

void add_source_flags(CLI::App* cmd, common_flags& f) {
    cmd->add_option("-s,--source", f.sources,
                    "Desired-state source: a folder (PATH or dir:PATH) or kafka://HOST:PORT[,HOST:PORT]/TOPIC; repeatable")
        ->envname("DRIFTLESS_SOURCE")
        ->required();
    cmd->add_option("--policy", f.policy,
                    "Policy file: allowed image prefixes, host network, privileged, bind-mount folders; a denied spec is an error for that spec only")
        ->envname("DRIFTLESS_POLICY");
    cmd->add_option("-X", f.kafka_settings,
                    "Kafka source client setting key=value (librdkafka's names), or @FILE of key=value lines; repeatable")
        ->envname("DRIFTLESS_X");
    cmd->add_flag("--kafka-env", f.kafka_env, "Kafka records expand ${VAR} too (from the --env-allow variables)")
        ->envname("DRIFTLESS_KAFKA_ENV");
    add_parse_flags(cmd, f);
    cmd->add_option("--driver", f.driver, "Runtime driver: docker")
        ->envname("DRIFTLESS_DRIVER")
        ->check(CLI::IsMember({"docker", "swarm", "podman", "kubernetes"}))
        ->capture_default_str();
    cmd->add_flag("--engine-insecure", f.engine_insecure,
                  "Speak plain text to a tcp:// engine off this machine (else DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH are required)")
        ->envname("DRIFTLESS_ENGINE_INSECURE");
    cmd->add_option("--owner", f.owner,
                    "Owner id written into io.driftless.owner; only objects with it (and a MAC under this installation's key) are touched. Default: driftless-<8 hex digits derived from the key>")
        ->envname("DRIFTLESS_OWNER");
    cmd->add_option("--key-file", f.key_file,
                    "The installation's secret key (32 bytes; made, mode 0600, when absent): signs ownership labels and keys the published spec hash")
        ->envname("DRIFTLESS_KEY_FILE")
        ->capture_default_str();
    cmd->add_option("--log-format", f.log_format, "Log format: text or json")
        ->envname("DRIFTLESS_LOG_FORMAT")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_option("--log-level", f.log_level, "Log level: trace, debug, info, warn, error")
        ->envname("DRIFTLESS_LOG_LEVEL")
        ->capture_default_str();
}

void add_dependency_timeout_flag(CLI::App* cmd, common_flags& f) {
    cmd->add_option("--dependency-timeout", f.dependency_timeout,
                    "How long a depends_on service_healthy dependency may take to turn healthy after it is created")
        ->envname("DRIFTLESS_DEPENDENCY_TIMEOUT")
        ->check([](const std::string& v) {
            return parse_duration_flag(v) ? std::string() : "expected a duration such as 90s or 5m, got \"" + v + "\"";
        })
        ->capture_default_str();
}

void add_adopt_flag(CLI::App* cmd, common_flags& f) {
    cmd->add_flag("--adopt", f.adopt,
                  "Take over what docker compose made for the declared compose projects: its containers are replaced "
                  "by driftless's, its networks and volumes used as they are (docker and podman drivers)")
        ->envname("DRIFTLESS_ADOPT");
}

void add_apply_flags(CLI::App* cmd, common_flags& f) {
    add_dependency_timeout_flag(cmd, f);
    add_adopt_flag(cmd, f);
    cmd->add_option("--parallel", f.parallel, "Actions in flight at once")
        ->envname("DRIFTLESS_PARALLEL")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->add_flag("--allow-empty", f.allow_empty, "Remove managed objects even when the desired state is empty")
        ->envname("DRIFTLESS_ALLOW_EMPTY");
    cmd->add_option("--max-prune", f.max_prune, "Most removals in one pass (default: half of the managed objects, at least 5)")
        ->envname("DRIFTLESS_MAX_PRUNE");
    cmd->add_flag("--allow-mass-prune", f.allow_mass_prune, "Remove more than --max-prune objects in one pass")
        ->envname("DRIFTLESS_ALLOW_MASS_PRUNE");
    cmd->add_option("--status-topic", f.status_topic,
                    "Publish each object's status to this Kafka topic (TOPIC on the Kafka source's brokers, or kafka://HOST:PORT/TOPIC)")
        ->envname("DRIFTLESS_STATUS_TOPIC");
    cmd->add_option("--status-X", f.status_settings,
                    "Status topic client setting key=value, or @FILE; replaces -X for it (which it inherits only on a source's brokers); repeatable")
        ->envname("DRIFTLESS_STATUS_X");
}

struct session {
    asio::io_context io;
    desired_state::store store;
    reconciler::sources srcs{io.get_executor(), store};
    std::unique_ptr<drivers::driver> driver;
    std::unique_ptr<reconciler::loop> loop;
    std::unique_ptr<reconciler::status_topic> status;
};

// Runs the io_context until every Kafka source has read its backlog, or
// `limit` passes; false then (the pass would see a partial desired state).
bool wait_for_kafka(session& s, std::chrono::milliseconds limit) {
    {
        auto work = asio::make_work_guard(s.io);   // the sources post from their own threads
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!s.srcs.synced() && std::chrono::steady_clock::now() < deadline)
            s.io.run_one_for(std::chrono::milliseconds(100));
    }
    s.io.restart();   // releasing the last work stops the io_context; the pass runs on it next
    return s.srcs.synced();
}

// --status-topic: a producer whose records follow the loop's status changes.
bool open_status_topic(session& s, const common_flags& f) {
    if (f.status_topic.empty()) {
        if (f.status_settings.empty()) return true;
        spdlog::error("--status-X: given without --status-topic; add --status-topic TOPIC or drop --status-X");
        return false;
    }
    auto uri = reconciler::status_topic_uri(f.status_topic, s.srcs.kafka_uris());
    if (!uri.ok()) {
        spdlog::error("{}", uri.err().message);
        return false;
    }
    auto own = watchers::read_kafka_settings(f.status_settings, "--status-X");
    if (own.ok()) {
        if (auto st = watchers::check_kafka_settings(*own); !st.ok()) own = st.err();
    }
    if (!own.ok()) {
        spdlog::error("{}", own.err().message);
        return false;
    }
    reconciler::status_topic_options o;
    o.owner = f.owner;
    o.settings = reconciler::status_topic_settings(*uri, s.srcs.kafka_uris(), s.srcs.kafka_settings(), *own);
    s.status = std::make_unique<reconciler::status_topic>(s.io.get_executor(), *uri, o);
    if (auto st = s.status->start(); !st.ok()) {
        spdlog::error("{}", st.err().message);
        return false;
    }
    s.loop->on_status_change = [&s](const reconciler::loop_status& st, const std::vector<desired_state::resource_key>& changed) {
        s.status->publish(st, changed);
    };
    return true;
}

// Sets up logging, sources, the driver and the loop; nullopt + message on error.
std::unique_ptr<session> open_session(const common_flags& f, const reconciler::loop_options& options) {
    if (auto st = reconciler::setup_logging(f.log_format, f.log_level); !st.ok()) {
        std::fprintf(stderr, "driftless: %s\n", st.err().message.c_str());
        return nullptr;
    }
    if (f.adopt && f.driver != "docker" && f.driver != "podman") {
        // Swarm runs services, not compose's containers; `docker stack
        // deploy`'s services are not taken over.
        spdlog::error("--adopt: only the docker and podman drivers take over what docker compose made, not the {} driver",
                      f.driver);
        return nullptr;
    }
    auto s = std::make_unique<session>();
    if (!f.policy.empty()) {
        auto p = desired_state::load_policy(f.policy);
        if (!p.ok()) {
            spdlog::error("{}", p.err().message);
            return nullptr;
        }
        s->store.set_policy(std::move(p).value());
    }
    if (auto st = s->srcs.set_kafka_settings(f.kafka_settings); !st.ok()) {
        spdlog::error("{}", st.err().message);
        return nullptr;
    }
    for (const auto& src : f.sources) {
        if (auto st = s->srcs.add(src); !st.ok()) {
            spdlog::error("{}", st.err().message);
            return nullptr;
        }
    }
    s->srcs.set_parse_options(parse_options_from(f, false), parse_options_from(f, true));
    drivers::driver_options d;
    d.kind = f.driver;
    d.owner = f.owner;
    d.key = f.key;
    d.engine_insecure = f.engine_insecure;
    auto made = drivers::make_driver(s->io.get_executor(), d);
    if (!made.ok()) {
        spdlog::error("{}", made.err().message);
        return nullptr;
    }
    s->driver = std::move(made).value();
    s->loop = std::make_unique<reconciler::loop>(s->io.get_executor(), *s->driver, s->store, options);
    return s;
}

reconciler::loop_options loop_options_of(const common_flags& f) {
    reconciler::loop_options o;
    o.parallel = f.parallel;
    o.diff.allow_empty = f.allow_empty;
    o.diff.allow_mass_prune = f.allow_mass_prune;
    o.diff.max_prune = f.max_prune;
    o.diff.adopt = f.adopt;
    // Checked by the flag's validator.
    o.diff.dependency_timeout = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration_flag(f.dependency_timeout).value_or(std::chrono::minutes(5)));
    return o;
}

void print_source_errors(const desired_state::snapshot& snap) {
    for (const auto& e : snap.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

// `apply`'s passes: one, and more while the only thing left is dependents
// waiting on a depends_on condition (a dependency turning healthy, a one-shot
// running), for at most the dependency timeout and a minute: a wait past its
// deadline is a failure, which ends it.
asio::awaitable<reconciler::pass_result> apply_passes(reconciler::loop& l, std::chrono::seconds dependency_timeout) {
    const auto give_up = std::chrono::steady_clock::now() + dependency_timeout + std::chrono::minutes(1);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (;;) {
        auto r = co_await l.pass(false);
        bool waiting = false, failed = false;
        for (std::size_t i = 0; i < r.report.results.size(); ++i) {
            if (r.report.results[i].result == reconciler::outcome::failed) failed = true;
            if (r.plan.actions[i].type == reconciler::action_type::wait) waiting = true;
        }
        if (!r.engine_ok || failed || !waiting || std::chrono::steady_clock::now() >= give_up) co_return r;
        pause.expires_after(std::chrono::seconds(1));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

// Reads (or makes) the installation key, sets it for the whole process
// before any spec is hashed, and derives the default owner from it.
bool load_key(common_flags& f) {
    auto key = reconciler::load_or_create_key(f.key_file);
    if (!key.ok()) {
        std::fprintf(stderr, "driftless: %s\n", key.err().message.c_str());
        return false;
    }
    f.key = std::move(key).value();
    desired_state::set_installation_key(f.key);
    if (f.owner.empty()) f.owner = drivers::default_owner(f.key);
    return true;
}

// One pass with or without execution; the exit code per DESIGN.md §6.
int one_pass(const common_flags& f, bool dry_run) {
    auto s = open_session(f, loop_options_of(f));
    if (!s) return 1;
    if (!dry_run && !open_status_topic(*s, f)) return 1;
    s->srcs.scan_once();
    const auto sync_limit = parse_duration_flag(f.kafka_sync_timeout).value_or(std::chrono::seconds(60));
    if (!wait_for_kafka(*s, sync_limit)) {
        for (const auto& e : s->store.current()->errors) spdlog::error("{}", e.to_string());
        spdlog::error("the Kafka sources were not read through within {} ms; nothing was planned", sync_limit.count());
        s->srcs.stop();
        return 1;
    }
    auto snap = s->store.current();
    print_source_errors(*snap);
    int code = 1;
    auto passes = dry_run ? s->loop->pass(true) : apply_passes(*s->loop, loop_options_of(f).diff.dependency_timeout);
    asio::co_spawn(s->io, std::move(passes), [&](std::exception_ptr e, reconciler::pass_result r) {
        s->srcs.stop();   // Kafka sources would otherwise keep posting
        if (s->status) s->status->stop(std::chrono::seconds(5));
        if (e) {
            spdlog::error("pass failed unexpectedly");
            return;
        }
        if (!r.engine_ok) {
            spdlog::error("engine: {}", r.error);
            return;
        }
        if (dry_run) {
            // Names and fields may come from engine labels: escaped like a log line.
            for (const auto& a : r.plan.actions)
                std::printf("%s\n", desired_state::printable(reconciler::plan_line(a)).c_str());
            for (const auto& a : r.plan.used)
                std::printf("%s\n", desired_state::printable(reconciler::plan_line(a)).c_str());
            if (r.plan.removals_held) std::printf("  (%s)\n", r.plan.guard_message.c_str());
            const auto changes = r.plan.actions.size();
            if (changes == 0 && r.plan.removals_held == 0) std::printf("converged: nothing to do\n");
            else {
                const auto adopting = r.plan.count(reconciler::action_type::adopt);
                const std::string taking_over =
                    adopting == 0 ? std::string() : ", " + std::to_string(adopting) + " docker compose container(s) to take over";
                std::printf("%zu to create, %zu to update, %zu to remove, %zu conflicts%s\n", r.plan.count(reconciler::action_type::create),
                            r.plan.count(reconciler::action_type::update) + r.plan.count(reconciler::action_type::start) +
                                r.plan.count(reconciler::action_type::drifted),
                            r.plan.count(reconciler::action_type::remove), r.plan.count(reconciler::action_type::conflict),
                            taking_over.c_str());
            }
            code = !snap->errors.empty() ? 1 : r.plan.converged() ? 0 : 2;
            return;
        }
        const bool ok = r.all_succeeded() && r.plan.removals_held == 0 && snap->errors.empty();
        if (r.plan.actions.empty() && r.plan.removals_held == 0) spdlog::info("converged: nothing to do");
        code = ok ? 0 : 1;
    });
    s->io.run();
    return code;
}

int run_forever(const common_flags& f) {
    auto options = loop_options_of(f);
    auto resync = parse_duration_flag(f.resync);
    if (!resync) {
        std::fprintf(stderr, "driftless: --resync \"%s\": expected a duration such as 30s or 5m\n", f.resync.c_str());
        return 1;
    }
    options.resync = *resync;
    auto address = reconciler::parse_listen(f.listen);
    if (!address.ok()) {
        std::fprintf(stderr, "driftless: %s\n", address.err().message.c_str());
        return 1;
    }
    if (auto st = reconciler::check_listen_public(*address, f.listen_public); !st.ok()) {
        std::fprintf(stderr, "driftless: %s\n", st.err().message.c_str());
        return 1;
    }
    reconciler::status_server_options server_options;
    if (!f.api_token_file.empty()) {
        auto token = reconciler::read_api_token(f.api_token_file);
        if (!token.ok()) {
            std::fprintf(stderr, "driftless: %s\n", token.err().message.c_str());
            return 1;
        }
        server_options.token = std::move(token).value();
    }
    auto s = open_session(f, options);
    if (!s) return 1;
    if (!open_status_topic(*s, f)) return 1;
    reconciler::status_server server(s->io.get_executor(), [&]() -> const reconciler::loop_status& { return s->loop->status(); },
                                     server_options);
    if (auto st = server.listen(*address); !st.ok()) {
        spdlog::error("{}", st.err().message);
        return 1;
    }
    if (!reconciler::check_listen_public(*address, false).ok() && server_options.token.empty())
        spdlog::warn("status on {}:{} answers every host that can reach it, without a token: /api/v1/state names images and hosts; "
                     "set --api-token-file to ask for a token",
                     address->host, server.port());
    spdlog::info("driftless {} watching {} source(s) with the {} driver as owner \"{}\"; status on http://{}:{}/", DRIFTLESS_VERSION,
                 s->srcs.size(), f.driver, f.owner, address->host, server.port());
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
        if (s->status) s->status->stop(std::chrono::seconds(5));
        signals.cancel();
        s->srcs.stop();
        server.stop();
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

int validate(const std::vector<std::string>& paths, const common_flags& f) {
    desired_state::store store(parse_options_from(f, false));
    std::size_t files = 0;
    std::vector<std::string> read_errors;
    for (const auto& p : paths) {
        // The same reading as `run`: symlinks leading out of the folder,
        // oversized files and the walk's caps are errors here too.
        watchers::directory_source source(p);
        auto scanned = source.scan();
        for (const auto& e : scanned.errors) read_errors.push_back(e.to_string());
        for (auto& change : scanned.changes) {
            ++files;
            (void)store.put(change.doc_id, std::move(change.text));
        }
    }
    auto snap = store.current();
    for (const auto& e : read_errors) std::printf("%s\n", e.c_str());
    for (const auto& e : snap->errors) std::printf("%s\n", e.to_string().c_str());
    const std::size_t errors = snap->errors.size() + read_errors.size();
    std::printf("%zu resource%s in %zu file%s, %zu error%s\n", snap->resources.size(), snap->resources.size() == 1 ? "" : "s", files,
                files == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
    return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    // Buffers of 256 KB and more go back to the system when freed. By default
    // glibc raises this threshold after the first such free and from then
    // on keeps that memory in the heap for good, where `run` would hold it
    // through the 30 s between passes. (The container list and its parser,
    // the largest, are kept by the driver on purpose.)
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    CLI::App app{"driftless keeps containers converged on what YAML files or Kafka records declare."};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "Help for every command");

    common_flags run_flags, plan_flags, apply_flags;
    auto* run = app.add_subcommand("run", "Converge continuously: watch the sources and the engine, serve status");
    add_source_flags(run, run_flags);
    add_apply_flags(run, run_flags);
    run->add_option("--resync", run_flags.resync, "Full pass at least this often, events or not")
        ->envname("DRIFTLESS_RESYNC")
        ->capture_default_str();
    run->add_option("--listen", run_flags.listen, "Address of /healthz, /readyz, /metrics and /api/v1/state")
        ->envname("DRIFTLESS_LISTEN")
        ->capture_default_str();
    run->add_flag("--listen-public", run_flags.listen_public, "Allow --listen on an address other than loopback (the server has no TLS)")
        ->envname("DRIFTLESS_LISTEN_PUBLIC");
    run->add_option("--api-token-file", run_flags.api_token_file,
                    "File holding a token that /api/* and /metrics ask for (Authorization: Bearer TOKEN); /healthz and /readyz stay open")
        ->envname("DRIFTLESS_API_TOKEN_FILE");

    auto* plan = app.add_subcommand("plan", "Print what a pass would change; exit 0 converged, 2 changes, 1 error");
    add_source_flags(plan, plan_flags);
    plan->add_option("--max-prune", plan_flags.max_prune, "As for apply")->envname("DRIFTLESS_MAX_PRUNE");
    plan->add_flag("--allow-empty", plan_flags.allow_empty, "As for apply")->envname("DRIFTLESS_ALLOW_EMPTY");
    plan->add_flag("--allow-mass-prune", plan_flags.allow_mass_prune, "As for apply")->envname("DRIFTLESS_ALLOW_MASS_PRUNE");
    add_dependency_timeout_flag(plan, plan_flags);
    add_adopt_flag(plan, plan_flags);

    auto* apply = app.add_subcommand("apply", "Run one pass (more while dependents wait on depends_on conditions), then exit 0 when converged, 1 on any error");
    add_source_flags(apply, apply_flags);
    add_apply_flags(apply, apply_flags);

    std::vector<std::string> validate_paths;
    auto* validate_cmd = app.add_subcommand("validate", "Check spec files; exit 0 when all are valid, 1 otherwise");
    validate_cmd->add_option("PATH", validate_paths, "Files or folders (recursive: *.yaml, *.yml, *.json)")->required();
    common_flags validate_flags;
    add_parse_flags(validate_cmd, validate_flags);
    validate_cmd->add_option("--driver", validate_flags.driver, "Name compose objects as this driver would")
        ->envname("DRIFTLESS_DRIVER")
        ->check(CLI::IsMember({"docker", "swarm", "podman", "kubernetes"}))
        ->capture_default_str();

    auto* version = app.add_subcommand("version", "Print the version");

    CLI11_PARSE(app, argc, argv);

    if (*version) {
        std::printf("driftless %s\n", DRIFTLESS_VERSION);
        return 0;
    }
    if (*validate_cmd) return validate(validate_paths, validate_flags);
    if (*plan) return load_key(plan_flags) ? one_pass(plan_flags, true) : 1;
    if (*apply) return load_key(apply_flags) ? one_pass(apply_flags, false) : 1;
    if (*run) return load_key(run_flags) ? run_forever(run_flags) : 1;
    return 1;
}
