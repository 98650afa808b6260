// The commands of the driftless command line (DESIGN.md §6), one file each;
// main.cpp declares their flags and calls them. Each returns the process's
// exit code.
#pragma once

#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace driftless::cli {

// `plan` (dry_run) and `apply`: one pass; plan exits 0 converged, 2 changes, 1 error.
int one_pass(const common_flags& f, bool dry_run);
// `run`: converges until SIGINT or SIGTERM.
int run_forever(const common_flags& f);
// `down`'s own flags.
struct down_flags {
    bool all = false;       // --all: everything the owner manages, declared or not (-s not needed)
    bool volumes = false;   // --volumes: volumes too (kept by default: they hold data)
    bool yes = false;       // --yes: no question asked (required when stdin is not a terminal)
};
// `down`: removes what the owner manages that the sources declare (or all of
// it), dependents first; 0 when everything listed was removed (or nothing
// matched), 1 on a refusal, a failure or a source error.
int down(common_flags f, const down_flags& d);
// `retry NAME...`: removes what holds each Service's failed update back
// (reconciler/rollout.hpp, retry_removals) so that the running instance
// tries it again; 0 when each name had something to retry.
int retry(common_flags f, const std::vector<std::string>& names);
// `validate`: 0 when every document is valid, else 1.
int validate(const std::vector<std::string>& paths, const common_flags& f);

// How `status` and `healthcheck` find a running instance.
struct client_flags {
    std::string listen = "127.0.0.1:9180";   // the instance's --listen (DRIFTLESS_LISTEN); a wildcard is asked on loopback
    std::string api_token_file;              // its --api-token-file, for /api/v1/state
    std::string timeout = "5s";
    bool problems = false;                   // status: only objects with a problem
    bool json = false;                       // status: the state as JSON, as the endpoint answers it
};
// `status`: the instance's state as a table; 0 when it answered and nothing fails, 1 otherwise.
int status_command(const client_flags& f);
// `healthcheck`: 0 when the instance's /healthz answers 200 within the timeout, else 1.
int healthcheck(const client_flags& f);

}  // namespace driftless::cli
