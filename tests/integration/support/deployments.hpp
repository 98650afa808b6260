// Deployments made with docker's own tools, for tests that compare against
// them or run driftless inside them: a docker-compose project and a swarm
// stack. Each is taken down, with its volumes, when it goes out of scope,
// whatever happened in the test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace driftless::testing {

// `docker-compose -p PROJECT ARGS` (Debian's docker-compose 1.29) run in
// `dir`, with extra environment entries ("K=V") for the file's ${VARS}.
class compose_project {
public:
    compose_project(std::filesystem::path dir, std::string project, std::vector<std::string> env = {});
    ~compose_project();   // down -v --remove-orphans
    compose_project(const compose_project&) = delete;
    compose_project& operator=(const compose_project&) = delete;

    command_result operator()(const std::string& args) const;
    // The id of the service's (first) container; "" when it has none.
    [[nodiscard]] std::string container(const std::string& service) const;

private:
    std::filesystem::path dir_;
    std::string project_;
    std::vector<std::string> env_;
};

// `docker stack deploy` of one file as stack NAME, with extra environment
// entries for its ${VARS}. When it goes: the services, then (once their
// tasks' containers are gone) the stack's networks and volumes.
class swarm_stack {
public:
    explicit swarm_stack(std::string name, std::vector<std::string> env = {});
    ~swarm_stack();
    swarm_stack(const swarm_stack&) = delete;
    swarm_stack& operator=(const swarm_stack&) = delete;

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    command_result deploy(const std::filesystem::path& file) const;
    // Whether every service of the stack runs all its replicas ("2/2").
    [[nodiscard]] bool running() const;
    // The ids of the running task containers of the stack's service SERVICE.
    [[nodiscard]] std::vector<std::string> containers(const std::string& service) const;
    void remove() const;

private:
    std::string name_;
    std::vector<std::string> env_;
};

}  // namespace driftless::testing
