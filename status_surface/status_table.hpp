// `driftless status`: a running instance's /api/v1/state as a person reads
// it, one line per object under a summary of the instance.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace driftless::status_surface {

struct status_table_options {
    bool problems_only = false;   // only objects failing, drifted, held or not running
    bool color = false;           // a terminal: failing rows in red
};

// The table for `state` (the JSON /api/v1/state answers). Every text that
// comes from specs or the engine is printed escaped, like a log line.
[[nodiscard]] std::string status_table(const nlohmann::json& state, const status_table_options& options = {});

}  // namespace driftless::status_surface
