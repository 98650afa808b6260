// Turns the text of one source document (a file, or one Kafka record value)
// into validated specs. Never throws and never crashes on hostile input:
// every problem becomes a diagnostic with its place.
//
// Accepted forms, where DESIGN.md §3 leaves a choice:
// - Memory (resources.memory, tmpfs.size): a non-negative decimal with an
//   optional unit, case-insensitive: none or b = bytes; k kb ki kib; m mb mi
//   mib; g gb gi gib; t tb ti tib. As in Docker, every prefix is a power of
//   1024 however it is spelled: 1G = 1GB = 1Gi = 1 GiB. Fractions are exact
//   and truncated to whole bytes ("0.5Gi", "1.5k" = 1536).
// - CPUs: a non-negative decimal, number or string ("0.5", 2), at most nine
//   decimal places, stored as nano-CPUs.
// - Durations (healthcheck.*, stop_grace_period): Go style, one or more
//   number+unit parts, units ns us ms s m h ("10s", "1m30s", "1.5s",
//   "500ms"). A unit is required: "90" is an error; "0" alone is accepted.
// - Booleans: true or false, any case. Integers: decimal only.
// - Scalars in maps of strings (env, labels, driver_opts): numbers and
//   booleans are kept as written, null becomes "".
// - ${VAR} expansion (see detail/expand.hpp) applies to every scalar value
//   after parsing and before typing, never to keys. Bare $VAR is not
//   expanded.
// - YAML merge keys (<<: *anchor) are honoured; keys written in the mapping
//   win over merged ones.
// - Compose keys starting with "x-" are extensions and are ignored; every
//   other compose key driftless does not read is an error.
// - Nesting counts the document itself as the first level.
// - Diagnostics come in order: bytes and syntax problems first, then each
//   document's problems in document order. A syntax error ends reading, but
//   the documents before it are still checked.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state {

// Looks up a variable for ${VAR} expansion; nullopt = unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

// The whole process environment (getenv). For tools and tests: driftless
// itself gives specs only what --env-allow allows (allowed_env).
[[nodiscard]] env_lookup process_env();

// The process environment restricted to the names that match one of
// `patterns`: "NAME" matches exactly, "PREFIX*" any name starting with
// PREFIX. No patterns: no variable is visible. Invalid patterns are
// reported by check_env_patterns.
[[nodiscard]] env_lookup allowed_env(std::vector<std::string> patterns);
[[nodiscard]] std::string check_env_patterns(const std::vector<std::string>& patterns);

// A file a compose file refers to (.env, env_file, an override file, a
// secret's or config's file), read whole. `missing` when nothing is there;
// `error` when it exists but may not or cannot be read.
struct file_read {
    std::optional<std::string> text;
    bool missing = false;
    std::string error;
};
using file_reader = std::function<file_read(const std::string& absolute_path)>;

// Reads any regular file up to `max_bytes` (validate, tests). driftless's
// folder sources pass one that refuses paths outside the watched folders.
[[nodiscard]] file_reader disk_reader(std::size_t max_bytes = 4 * 1024 * 1024);

struct parse_options {
    env_lookup env;                             // ${VAR} values; unset = no variable is visible
    // Compose files: how their companions are read (null: they cannot
    // refer to other files, as for Kafka records), the profiles enabled
    // (--profile, COMPOSE_PROFILES) and how objects are named: containers
    // PROJECT-SERVICE-N (docker, podman) or swarm services PROJECT_SERVICE.
    file_reader read_file = disk_reader();
    std::vector<std::string> profiles;
    bool swarm_names = false;
    std::size_t max_bytes = 4 * 1024 * 1024;    // larger documents are rejected with one error
    std::size_t max_depth = 64;                 // nesting deeper than this is rejected
    std::size_t max_nodes = 1'000'000;          // nodes visited while reading (aliases count each time): guards against alias bombs
    std::size_t max_errors = 100;               // reading stops after this many errors, with one more saying so
};

// A file read while parsing (a compose file's .env, env_file, override or
// secret file) and what it held then (nullopt: it was not there). When one
// changes, the document must be parsed again.
struct companion {
    std::string path;
    std::optional<std::string> text;
    bool operator==(const companion&) const = default;
};

struct parse_result {
    std::vector<spec> specs;                    // in document order; empty when errors is not
    std::vector<diagnostic> errors;             // every error found in the text, in order
    std::vector<companion> companions;          // files read besides the text, whatever the outcome
    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// compose.override.yaml and its kin: merged into the compose file beside
// them, never read as documents of their own.
[[nodiscard]] bool is_compose_override_file(std::string_view file_name) noexcept;

// Parses YAML or JSON (JSON is YAML) holding one or more documents separated
// by `---`. `path` is used in diagnostics and as each spec's origin.
// A document may also be a docker-compose file (top-level `services:`).
// All-or-nothing: if any document has an error, `specs` is empty.
[[nodiscard]] parse_result parse_text(std::string_view text, const std::string& path,
                                      const parse_options& options = {});

}  // namespace driftless::desired_state
