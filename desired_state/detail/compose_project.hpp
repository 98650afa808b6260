// A compose file as a project (DESIGN.md §3): its name, its variables, the
// names its objects get in the engine. Internal to desired_state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/compose_labels.hpp"
#include "desired_state/detail/reader.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state::detail {

// Compose's project name rule: lower case, only [a-z0-9_-] kept, leading
// characters that are not a letter or digit dropped. "" when nothing is left.
[[nodiscard]] std::string normalize_project_name(std::string_view raw);

// The folder a compose file lives in, absolute and without a trailing "/".
[[nodiscard]] std::string compose_folder(const std::string& path);

// Reads a companion file (recorded in ctx.companions() whatever happens).
// nullopt when it is missing or cannot be read; `error` says why when it
// exists but could not be read, or when files cannot be read at all here.
[[nodiscard]] std::optional<std::string> read_companion(context& ctx, const std::string& path, std::string& error);

// The project's variables: the allowed process environment first (it wins,
// as in compose), then the .env file beside the compose file. Errors in
// .env are reported at `doc` with the file's line.
[[nodiscard]] env_lookup project_env(context& ctx, const node& doc, const std::string& folder);

// env_file: "a.env", ["a.env", "b.env"] or [{path, required}]; KEY=VALUE
// lines into `out` (a later file wins); a KEY alone passes the project's
// variable through.
void read_env_files(context& ctx, const node& n, const std::string& field, std::map<std::string, std::string>& out);

// The engine names of a project's objects.
struct project_names {
    std::string project;
    bool swarm = false;
    // Service container name: PROJECT-SERVICE-N; swarm service: PROJECT_SERVICE.
    [[nodiscard]] std::string service(std::string_view svc, int replica) const;
    // Networks and volumes: PROJECT_KEY.
    [[nodiscard]] std::string scoped(std::string_view key) const { return project + "_" + std::string(key); }
};

}  // namespace driftless::desired_state::detail
