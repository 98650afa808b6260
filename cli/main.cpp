// The driftless command line (DESIGN.md §6): the flags of each command;
// the commands themselves are in command_*.cpp.
#include <malloc.h>

#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

#ifndef DRIFTLESS_VERSION
#define DRIFTLESS_VERSION "0.0.0"
#endif

using namespace driftless::cli;

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
    run_flags.wait_for_folders = true;   // a sidecar may start before its folder is made
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
    run->add_option("--notify", run_flags.notify,
                    "POST events as JSON to this http:// or https:// URL (repeatable); options after '#': "
                    "events=TYPE,TYPE (default: all but pass_started, pass_finished) and format=json|slack")
        ->envname("DRIFTLESS_NOTIFY");

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

    common_flags down_common;
    down_flags down_own;
    auto* down_cmd = app.add_subcommand(
        "down", "Remove what the owner manages that the sources declare (or all of it, --all), dependents first; "
                "volumes are kept unless --volumes");
    add_source_flags(down_cmd, down_common);
    // Not required here: --all needs no source; down() asks for one or the other.
    down_cmd->get_option("--source")->required(false);
    down_cmd->get_option("--policy")->description("Accepted as apply takes it, not read: removing needs no policy's permission");
    down_cmd->add_flag("--all", down_own.all, "Everything the owner manages, declared or not (-s is then not read)");
    down_cmd->add_flag("--volumes", down_own.volumes, "Remove volumes too (kept by default: they hold data)");
    down_cmd->add_flag("-y,--yes", down_own.yes, "Remove without asking (needed when stdin is not a terminal)");
    down_cmd->add_option("--parallel", down_common.parallel, "Removals in flight at once")
        ->envname("DRIFTLESS_PARALLEL")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();

    common_flags retry_flags;
    std::vector<std::string> retry_names;
    auto* retry_cmd = app.add_subcommand(
        "retry", "Try a rolled-back or paused update again: remove its NAME--FAILED container (or the paused candidate)");
    retry_cmd->add_option("NAME", retry_names, "Service names")->required();
    add_source_flags(retry_cmd, retry_flags);
    retry_cmd->get_option("--source")->required(false)->description("Not read: the names say what to retry");

    std::vector<std::string> validate_paths;
    auto* validate_cmd = app.add_subcommand("validate", "Check spec files; exit 0 when all are valid, 1 otherwise");
    validate_cmd->add_option("PATH", validate_paths, "Files or folders (recursive: *.yaml, *.yml, *.json)")->required();
    common_flags validate_flags;
    add_parse_flags(validate_cmd, validate_flags);
    validate_cmd->add_option("--driver", validate_flags.driver, "Name compose objects as this driver would")
        ->envname("DRIFTLESS_DRIVER")
        ->check(CLI::IsMember({"docker", "swarm", "podman", "kubernetes"}))
        ->capture_default_str();

    client_flags status_flags, health_flags;
    auto add_client_flags = [](CLI::App* cmd, client_flags& f) {
        cmd->add_option("--listen", f.listen, "The instance's status address (its --listen; 0.0.0.0 is asked on 127.0.0.1)")
            ->envname("DRIFTLESS_LISTEN")
            ->capture_default_str();
        cmd->add_option("--timeout", f.timeout, "How long to wait for the answer")->capture_default_str();
    };
    auto* status = app.add_subcommand("status", "Print a running instance's state as a table; exit 0 when nothing fails, 1 otherwise");
    add_client_flags(status, status_flags);
    status->add_option("--api-token-file", status_flags.api_token_file, "The instance's --api-token-file, when it asks for a token")
        ->envname("DRIFTLESS_API_TOKEN_FILE");
    status->add_flag("--problems", status_flags.problems, "Only objects failing, drifted or not running");
    status->add_flag("--json", status_flags.json, "Print /api/v1/state as it answers");
    auto* health = app.add_subcommand("healthcheck", "Exit 0 when a running instance's /healthz answers (the image's HEALTHCHECK)");
    add_client_flags(health, health_flags);

    auto* version = app.add_subcommand("version", "Print the version");

    CLI11_PARSE(app, argc, argv);

    if (*version) {
        std::printf("driftless %s\n", DRIFTLESS_VERSION);
        return 0;
    }
    if (*status) return status_command(status_flags);
    if (*health) return healthcheck(health_flags);
    if (*validate_cmd) return validate(validate_paths, validate_flags);
    if (*down_cmd) return down(down_common, down_own);
    if (*retry_cmd) return retry(retry_flags, retry_names);
    if (*plan) return load_key(plan_flags) ? one_pass(plan_flags, true) : 1;
    if (*apply) return load_key(apply_flags) ? one_pass(apply_flags, false) : 1;
    if (*run) return load_key(run_flags) ? run_forever(run_flags) : 1;
    return 1;
}
