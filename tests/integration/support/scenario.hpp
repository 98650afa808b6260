// One integration scenario against a real engine: its own owner id, its own
// spec folder, the driftless binary, and a cleanup that removes every object
// with its owner label even when the test fails.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace driftless::testing {

class scenario {
public:
    // `driver`: docker (default), swarm or podman; `cli`: the engine's CLI
    // used for independent checks ("docker", or "podman --url" its socket).
    explicit scenario(const std::string& prefix, std::string driver = "docker");
    ~scenario();
    scenario(const scenario&) = delete;
    scenario& operator=(const scenario&) = delete;

    const std::string& owner() const noexcept { return owner_; }
    const std::filesystem::path& dir() const noexcept { return dir_; }
    // A name unique to this scenario for a spec ("web" -> "web-<owner>").
    std::string name(const std::string& base) const { return base + "-" + owner_; }

    // Writes a spec file atomically (temp file + rename), as editors and git do.
    void write(const std::string& file, const std::string& text) const;
    // Writes in place, without rename (a half-written file is this, cut short).
    void write_in_place(const std::string& file, const std::string& text) const;
    void remove(const std::string& file) const;

    // `driftless ARGS... -s DIR --driver D --owner OWNER`.
    command_result driftless(std::vector<std::string> args, const std::vector<std::string>& env = {}) const;
    // `driftless run` in the background, status on a free port, with extra
    // environment entries ("DOCKER_HOST=..."); waits until /readyz.
    std::unique_ptr<child> start_run(std::vector<std::string> extra = {}, const std::vector<std::string>& env = {});
    // The status port of the latest start_run.
    unsigned short status_port() const noexcept { return port_; }
    // GET on the status server: {http code, body}.
    command_result http_get(const std::string& path) const;

    // Independent checks through the engine's own CLI.
    std::string cli() const { return cli_; }
    command_result engine(const std::string& args) const;                 // "docker ARGS"
    std::string container_id(const std::string& name) const;              // "" when absent
    std::string container_state(const std::string& name) const;           // running | exited | "" ...
    std::vector<std::string> owned_containers() const;                    // names, sorted

    // What a Service spec runs as, per driver: a container (docker, podman)
    // or a service (swarm).
    const std::string& driver() const noexcept { return driver_; }
    std::string workload_id(const std::string& name) const;              // container or service id; "" when absent
    // running | exited | ... for a container; for a service "running" when
    // its running tasks reach the desired count, else "N/M".
    std::string workload_state(const std::string& name) const;
    std::vector<std::string> owned_workloads() const;                     // names, sorted
    std::string workload_env(const std::string& name) const;              // "[K=V ...]"
    std::string workload_label(const std::string& name, const std::string& key) const;
    // Runs `sh -c SCRIPT` inside the workload (swarm: in one of its task containers).
    command_result exec_in(const std::string& name, const std::string& script) const;
    // Makes a workload named `name` by hand, without driftless's labels.
    command_result make_unmanaged(const std::string& name) const;
    command_result remove_by_hand(const std::string& name) const;

    // Removes every object with this scenario's owner label (swarm: services
    // first, waiting for their task containers).
    void cleanup() const;

private:
    std::string owner_;
    std::string driver_;
    std::string cli_;
    std::filesystem::path dir_;
    unsigned short port_ = 0;
};

// A Service spec as YAML: `sleep 3600` from the test image, pull: never, a
// 1 s grace period, then the `extra` lines.
std::string sleeper_yaml(const std::string& name, const std::string& extra = "");

// Blocks until dockerd answers (starting it with scripts/start-dockerd.sh when
// nothing does) and the test image exists.
void ensure_docker();
// The same for a driver's engine: docker, swarm (scripts/start-swarm.sh) or
// podman (scripts/start-podman.sh, which also imports the test image).
void ensure_engine(const std::string& driver);

// The podman API socket the tests use.
inline constexpr const char* podman_socket = "/run/podman/podman.sock";

std::string binary();        // the driftless binary under test
std::string source_dir();    // the repository

}  // namespace driftless::testing
