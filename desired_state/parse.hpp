// Turns the text of one source document (a file, or one Kafka record value)
// into validated specs. Never throws and never crashes on hostile input:
// every problem becomes a diagnostic with its place.
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

// The process environment (getenv).
[[nodiscard]] env_lookup process_env();

struct parse_options {
    env_lookup env = process_env();
    std::size_t max_bytes = 4 * 1024 * 1024;    // larger documents are rejected with one error
    std::size_t max_depth = 64;                 // nesting deeper than this is rejected
    std::size_t max_nodes = 1'000'000;          // nodes visited while reading (aliases count each time): guards against alias bombs
    std::size_t max_errors = 100;               // reading stops after this many errors, with one more saying so
};

struct parse_result {
    std::vector<spec> specs;                    // in document order; empty when errors is not
    std::vector<diagnostic> errors;             // every error found in the text, in order
    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// Parses YAML or JSON (JSON is YAML) holding one or more documents separated
// by `---`. `path` is used in diagnostics and as each spec's origin.
// A document may also be a docker-compose file (top-level `services:`).
// All-or-nothing: if any document has an error, `specs` is empty.
[[nodiscard]] parse_result parse_text(std::string_view text, const std::string& path,
                                      const parse_options& options = {});

}  // namespace driftless::desired_state
