#include "support/deployments.hpp"

#include "support/inspect_diff.hpp"

namespace driftless::testing {

using namespace std::chrono_literals;

namespace {

// "env 'K=V' ... " for a shell command line; "" when there is nothing.
std::string env_prefix(const std::vector<std::string>& env) {
    std::string out;
    for (const auto& e : env) out += "'" + e + "' ";
    return out.empty() ? out : "env " + out;
}

}  // namespace

compose_project::compose_project(std::filesystem::path dir, std::string project, std::vector<std::string> env)
    : dir_(std::move(dir)), project_(std::move(project)), env_(std::move(env)) {}

compose_project::~compose_project() { (void)(*this)("down -v --remove-orphans -t 1"); }

command_result compose_project::operator()(const std::string& args) const {
    return sh("cd '" + dir_.string() + "' && " + env_prefix(env_) + "docker-compose -p " + project_ + " " + args, 300s);
}

std::string compose_project::container(const std::string& service) const {
    const auto ids = docker_lines("ps -aq --filter label=com.docker.compose.project=" + project_ +
                                  " --filter label=com.docker.compose.service=" + service);
    return ids.empty() ? "" : ids.front();
}

swarm_stack::swarm_stack(std::string name, std::vector<std::string> env) : name_(std::move(name)), env_(std::move(env)) {}

swarm_stack::~swarm_stack() { remove(); }

command_result swarm_stack::deploy(const std::filesystem::path& file) const {
    // Newer clients wait for the services to converge unless told not
    // to; 20.10's has no --detach.
    const bool detach = sh("docker stack deploy --help").out.find("--detach") != std::string::npos;
    return sh(env_prefix(env_) + "docker stack deploy --resolve-image never" + std::string(detach ? " --detach=true" : "") +
                  " -c '" + file.string() + "' " + name_,
              300s);
}

bool swarm_stack::running() const {
    const auto counts =
        docker_lines("service ls --filter label=com.docker.stack.namespace=" + name_ + " --format '{{.Replicas}}'");
    for (const auto& c : counts) {
        const auto slash = c.find('/'), end = c.find(' ');
        if (slash == std::string::npos || c.substr(0, slash) != c.substr(slash + 1, end - slash - 1)) return false;
    }
    return !counts.empty();
}

std::vector<std::string> swarm_stack::containers(const std::string& service) const {
    return docker_lines("ps -q --filter label=com.docker.swarm.service.name=" + name_ + "_" + service);
}

void swarm_stack::remove() const {
    const std::string label = "label=com.docker.stack.namespace=" + name_;
    sh("docker stack rm " + name_ + " >/dev/null 2>&1");
    wait_until([&] {
        return docker_lines("service ls -q --filter " + label).empty() && docker_lines("ps -aq --filter " + label).empty();
    }, 120s);
    // A network still attached to a stopping task is left by stack rm.
    wait_until([&] {
        const auto nets = docker_lines("network ls -q --filter " + label);
        for (const auto& n : nets) sh("docker network rm " + n + " >/dev/null 2>&1");
        return docker_lines("network ls -q --filter " + label).empty();
    }, 120s);
    for (const auto& v : docker_lines("volume ls -q --filter " + label)) sh("docker volume rm -f " + v + " >/dev/null 2>&1");
}

}  // namespace driftless::testing
