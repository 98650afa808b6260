#include "cli/cli.hpp"

#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "cli/log.hpp"
#include "desired_state/installation_key.hpp"
#include "desired_state/policy.hpp"
#include "drivers/ownership.hpp"
#include "watchers/kafka_settings.hpp"

namespace driftless::cli {

namespace asio = boost::asio;


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
    cmd->add_option("--insecure-registry", f.insecure_registries,
                    "A registry (HOST:PORT, or HOST for any port) asked over plain http about followed images (follow:); "
                    "loopback registries always are; repeatable")
        ->envname("DRIFTLESS_INSECURE_REGISTRY");
    cmd->add_option("--registry-ca", f.registry_ca,
                    "PEM certificates trusted besides the system's when asking registries about followed images")
        ->envname("DRIFTLESS_REGISTRY_CA")
        ->check(CLI::ExistingFile);
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
    cmd->add_option("--build-parallel", f.build_parallel, "Image builds (services with build:) run at once")
        ->envname("DRIFTLESS_BUILD_PARALLEL")
        ->check(CLI::Range(1, 64))
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
    auto uri = status_surface::status_topic_uri(f.status_topic, s.srcs.kafka_uris());
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
    status_surface::status_topic_options o;
    o.owner = f.owner;
    o.settings = status_surface::status_topic_settings(*uri, s.srcs.kafka_uris(), s.srcs.kafka_settings(), *own);
    s.status = std::make_unique<status_surface::status_topic>(s.io.get_executor(), *uri, o);
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
    if (auto st = setup_logging(f.log_format, f.log_level); !st.ok()) {
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
        const auto missing = f.wait_for_folders ? reconciler::sources::missing_folder::wait
                                                : reconciler::sources::missing_folder::refuse;
        if (auto st = s->srcs.add(src, missing); !st.ok()) {
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

reconciler::loop_options loop_options_of(const common_flags& f, std::size_t progress_passes) {
    reconciler::loop_options o;
    if (f.log_format == "text" && isatty(STDERR_FILENO)) o.progress_passes = progress_passes;
    o.parallel = f.parallel;
    o.builds.parallel = f.build_parallel;
    o.releases.registry.insecure = f.insecure_registries;
    o.releases.registry.ca_file = f.registry_ca;
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
// running) or a health-gated update under way (a step was taken, or a
// candidate is watched), for at most the dependency timeout and a minute: a
// wait past its deadline is a failure, which ends it.
asio::awaitable<reconciler::pass_result> apply_passes(reconciler::loop& l, std::chrono::seconds dependency_timeout) {
    const auto give_up = std::chrono::steady_clock::now() + dependency_timeout + std::chrono::minutes(1);
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (;;) {
        auto r = co_await l.pass(false);
        bool waiting = false, failed = false;
        for (std::size_t i = 0; i < r.report.results.size(); ++i) {
            if (r.report.results[i].result == reconciler::outcome::failed) failed = true;
            const auto& a = r.plan.actions[i];
            if (a.type == reconciler::action_type::wait) waiting = true;
            if (a.in_rollout && r.report.results[i].result == reconciler::outcome::succeeded) waiting = true;
        }
        if (!r.engine_ok || failed || !waiting || std::chrono::steady_clock::now() >= give_up) co_return r;
        pause.expires_after(std::chrono::milliseconds(500));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

// Reads (or makes) the installation key, sets it for the whole process
// before any spec is hashed, and derives the default owner from it.
bool load_key(common_flags& f) {
    auto key = load_or_create_key(f.key_file);
    if (!key.ok()) {
        std::fprintf(stderr, "driftless: %s\n", key.err().message.c_str());
        return false;
    }
    f.key = std::move(key).value();
    desired_state::set_installation_key(f.key);
    if (f.owner.empty()) f.owner = drivers::default_owner(f.key);
    return true;
}

}  // namespace driftless::cli
