// What the commands share: their flags, and the session (sources, store,
// driver, loop) that `run`, `plan`, `apply` and `down` open from them.
#pragma once

#include <utility>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/key_file.hpp"
#include "desired_state/parse.hpp"
#include "desired_state/store.hpp"
#include "drivers/driver.hpp"
#include "reconciler/loop.hpp"
#include "reconciler/sources.hpp"
#include "status_surface/status_topic.hpp"

namespace driftless::cli {

struct common_flags {
    std::vector<std::string> sources;
    std::string driver = "docker";
    std::string owner;                         // "" = derived from the key
    std::string key_file = default_key_file;
    std::string key;                           // read from key_file at start
    std::string log_format = "text";
    std::string log_level = "info";
    std::size_t parallel = 8;
    std::size_t build_parallel = 1;
    std::vector<std::string> insecure_registries;   // followed images' registries spoken to over plain http
    std::string registry_ca;                        // PEM file trusted besides the system's CAs for registries
    bool allow_empty = false;
    std::optional<std::size_t> max_prune;
    bool allow_mass_prune = false;
    std::string resync = "30s";
    std::string listen = "127.0.0.1:9180";
    bool listen_public = false;
    std::string api_token_file;                // "" = no token asked
    std::vector<std::string> notify;           // --notify URL[#events=...&format=...] (status_surface/notifier.hpp)
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
    bool wait_for_folders = false;             // run: a -s folder not there yet is waited for, not refused
};

// How documents are read, from the flags.
[[nodiscard]] desired_state::parse_options parse_options_from(const common_flags& f, bool kafka);
// Durations on the command line: "30s", "500ms", "2m", "1h"; nullopt when malformed or not positive.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration_flag(const std::string& text);

void add_parse_flags(CLI::App* cmd, common_flags& f);
// -s, --policy, -X, --driver, --owner, --key-file, logging: every command that reads sources and speaks to an engine.
void add_source_flags(CLI::App* cmd, common_flags& f);
void add_dependency_timeout_flag(CLI::App* cmd, common_flags& f);
void add_adopt_flag(CLI::App* cmd, common_flags& f);
// run's and apply's: --parallel, the guards, the status topic.
void add_apply_flags(CLI::App* cmd, common_flags& f);

struct session {
    boost::asio::io_context io;
    desired_state::store store;
    reconciler::sources srcs{io.get_executor(), store};
    std::unique_ptr<drivers::driver> driver;
    std::unique_ptr<reconciler::loop> loop;
    std::unique_ptr<status_surface::status_topic> status;
};

// Sets up logging, sources, the driver and the loop; nullptr (the reason logged) on error.
[[nodiscard]] std::unique_ptr<session> open_session(const common_flags& f, const reconciler::loop_options& options);
// Runs the io_context until every Kafka source has read its backlog, or
// `limit` passes; false then (a pass would see a partial desired state).
bool wait_for_kafka(session& s, std::chrono::milliseconds limit);
// --status-topic: a producer whose records follow the loop's status changes.
bool open_status_topic(session& s, const common_flags& f);
// The loop's options from the flags; `progress_passes` passes draw a
// progress line when stderr is a terminal and the log is text.
[[nodiscard]] reconciler::loop_options loop_options_of(const common_flags& f, std::size_t progress_passes = 0);
void print_source_errors(const desired_state::snapshot& snap);
// `apply`'s passes: one, and more while dependents wait on depends_on conditions.
boost::asio::awaitable<reconciler::pass_result> apply_passes(reconciler::loop& l, std::chrono::seconds dependency_timeout);
// Reads (or makes) the installation key, sets it for the whole process
// before any spec is hashed, and derives the default owner from it.
bool load_key(common_flags& f);

}  // namespace driftless::cli
