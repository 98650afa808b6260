#include "support/scenario.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace driftless::testing {

namespace fs = std::filesystem;

std::string binary() { return DRIFTLESS_BINARY; }
std::string source_dir() { return DRIFTLESS_SOURCE_DIR; }

std::string sleeper_yaml(const std::string& name, const std::string& extra) {
    return "kind: Service\nname: " + name +
           "\nimage: driftless-test/busybox:1\npull: never\ncommand: [\"sleep\", \"3600\"]\nstop_grace_period: 1s\n" + extra;
}

void ensure_docker() {
    static bool done = false;
    if (done) return;
    auto r = sh("bash " + source_dir() + "/scripts/start-dockerd.sh && bash " + source_dir() +
                "/scripts/build-image.sh driftless-test/busybox:1");
    if (r.exit_code != 0) throw std::runtime_error("dockerd not available: " + r.err);
    done = true;
}

void ensure_engine(const std::string& driver) {
    ensure_docker();
    static bool swarm = false, podman = false;
    if (driver == "swarm" && !swarm) {
        auto r = sh("bash " + source_dir() + "/scripts/start-swarm.sh");
        if (r.exit_code != 0) throw std::runtime_error("swarm not available: " + r.err);
        swarm = true;
    }
    if (driver == "podman" && !podman) {
        auto r = sh("bash " + source_dir() + "/scripts/start-podman.sh driftless-test/busybox:1");
        if (r.exit_code != 0) throw std::runtime_error("podman not available: " + r.err);
        podman = true;
    }
}

namespace {
std::string trim_lines(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
    return s;
}
}  // namespace

scenario::scenario(const std::string& prefix, std::string driver) : driver_(std::move(driver)) {
    static std::mt19937 rng{std::random_device{}()};
    owner_ = "t" + prefix + std::to_string(getpid() % 100000) + "x" + std::to_string(rng() % 100000);
    cli_ = driver_ == "podman" ? std::string("podman --url unix://") + podman_socket : std::string("docker");
    dir_ = fs::temp_directory_path() / ("driftless-" + owner_);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cleanup();
}

scenario::~scenario() {
    cleanup();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void scenario::cleanup() const {
    const std::string f = "--filter label=io.driftless.owner=" + owner_;
    if (driver_ == "swarm") {
        // Swarm stops a removed service's tasks in the background; the
        // networks they use can go only when their containers have.
        // Task containers carry no driftless label: they are found by
        // their service's name (`service ls` prints ids cut short, which
        // the containers' service id label never matches).
        const auto names = sh("docker service ls --format '{{.Name}}' " + f).out;
        sh("docker service ls -q " + f + " | xargs -r docker service rm >/dev/null 2>&1; true");
        wait_until([&] {
            std::istringstream in(names);
            for (std::string name; in >> name;)
                if (!sh("docker ps -aq --filter label=com.docker.swarm.service.name=" + name).out.empty()) return false;
            return true;
        }, std::chrono::seconds(60));
        sh("docker secret ls -q " + f + " | xargs -r docker secret rm >/dev/null 2>&1; docker config ls -q " + f +
           " | xargs -r docker config rm >/dev/null 2>&1; true");
    }
    sh(cli_ + " ps -aq " + f + " | xargs -r " + cli_ + " rm -f >/dev/null 2>&1; " + cli_ + " network ls -q " + f + " | xargs -r " +
       cli_ + " network rm >/dev/null 2>&1; " + cli_ + " volume ls -q " + f + " | xargs -r " + cli_ + " volume rm -f >/dev/null 2>&1; " +
       cli_ + " image ls -q " + f + " | sort -u | xargs -r " + cli_ + " rmi -f >/dev/null 2>&1; true");
}

void scenario::write(const std::string& file, const std::string& text) const {
    const auto target = dir_ / file;
    fs::create_directories(target.parent_path());
    const auto tmp = target.parent_path() / ("." + target.filename().string() + ".tmp-write");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
    }
    fs::rename(tmp, dir_ / file);
}

void scenario::write_in_place(const std::string& file, const std::string& text) const {
    std::ofstream out(dir_ / file, std::ios::binary | std::ios::trunc);
    out << text;
}

void scenario::remove(const std::string& file) const { fs::remove(dir_ / file); }

command_result scenario::driftless(std::vector<std::string> args, const std::vector<std::string>& env) const {
    std::vector<std::string> argv{binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    if (std::find(args.begin(), args.end(), "-s") == args.end()) {
        argv.push_back("-s");
        argv.push_back(dir_.string());
    }
    for (const auto& x : {std::string("--driver"), driver_, std::string("--owner"), owner_}) argv.push_back(x);
    return run(argv, env, std::chrono::seconds(300));
}

std::unique_ptr<child> scenario::start_run(std::vector<std::string> extra, const std::vector<std::string>& env) {
    // Port 0: the kernel picks a free port and driftless logs it.
    std::vector<std::string> argv{binary(), "run", "-s", dir_.string(), "--driver", driver_, "--owner", owner_,
                                  "--listen", "127.0.0.1:0", "--log-level", "debug"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto c = std::make_unique<child>(argv, env, (dir_.parent_path() / (owner_ + "-run.log")).string());
    const std::string marker = "status on http://127.0.0.1:";
    port_ = 0;
    wait_until([&] {
        const auto log = c->log();
        const auto at = log.find(marker);
        if (at == std::string::npos) return !c->running();
        port_ = static_cast<unsigned short>(std::stoi(log.substr(at + marker.size())));
        return true;
    }, std::chrono::seconds(30));
    wait_until([&] { return !c->running() || http_get("/readyz").out.find("ready") == 0; }, std::chrono::seconds(60));
    return c;
}

command_result scenario::http_get(const std::string& path) const {
    return run({"curl", "-s", "--max-time", "5", "http://127.0.0.1:" + std::to_string(port_) + path}, {}, std::chrono::seconds(10));
}

command_result scenario::engine(const std::string& args) const { return sh(cli_ + " " + args); }

std::string scenario::container_id(const std::string& name) const {
    auto r = sh(cli_ + " inspect -f '{{.Id}}' " + name + " 2>/dev/null");
    if (r.exit_code != 0) return "";
    auto id = r.out;
    id.erase(std::remove(id.begin(), id.end(), '\n'), id.end());
    return id;
}

std::string scenario::container_state(const std::string& name) const {
    auto r = sh(cli_ + " inspect -f '{{.State.Status}}' " + name + " 2>/dev/null");
    if (r.exit_code != 0) return "";
    auto s = r.out;
    s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
    return s;
}

std::vector<std::string> scenario::owned_containers() const {
    auto r = sh(cli_ + " ps -a --filter label=io.driftless.owner=" + owner_ + " --format '{{.Names}}'");
    std::vector<std::string> names;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace driftless::testing

namespace driftless::testing {

std::string scenario::workload_id(const std::string& name) const {
    if (driver_ != "swarm") return container_id(name);
    auto r = sh("docker service inspect -f '{{.ID}}' " + name + " 2>/dev/null");
    return r.exit_code == 0 ? trim_lines(r.out) : "";
}

std::string scenario::workload_state(const std::string& name) const {
    if (driver_ != "swarm") return container_state(name);
    // "2/3", or "0/1 (max 1 per node)" and the like.
    auto r = sh("docker service ls --filter name=" + name + " --format '{{.Name}} {{.Replicas}}'");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string n, replicas;
        words >> n >> replicas;
        if (n != name) continue;
        const auto slash = replicas.find('/');
        if (slash != std::string::npos && replicas.substr(0, slash) == replicas.substr(slash + 1)) return "running";
        return replicas;
    }
    return "";
}

std::vector<std::string> scenario::owned_workloads() const {
    if (driver_ != "swarm") return owned_containers();
    auto r = sh("docker service ls --filter label=io.driftless.owner=" + owner_ + " --format '{{.Name}}'");
    std::vector<std::string> names;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    std::sort(names.begin(), names.end());
    return names;
}

std::string scenario::workload_env(const std::string& name) const {
    if (driver_ == "swarm") return trim_lines(sh("docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Env}}' " + name).out);
    return trim_lines(engine("inspect -f '{{.Config.Env}}' " + name).out);
}

std::string scenario::workload_label(const std::string& name, const std::string& key) const {
    if (driver_ == "swarm")
        return trim_lines(sh("docker service inspect -f '{{index .Spec.Labels \"" + key + "\"}}' " + name).out);
    return trim_lines(engine("inspect -f '{{index .Config.Labels \"" + key + "\"}}' " + name).out);
}

command_result scenario::exec_in(const std::string& name, const std::string& script) const {
    std::string target = name;
    if (driver_ == "swarm") {
        target = trim_lines(sh("docker ps -q --filter label=com.docker.swarm.service.name=" + name + " | head -n 1").out);
        if (target.empty()) return {1, "", "no running task container for service " + name};
    }
    return engine("exec " + target + " sh -c '" + script + "'");
}

command_result scenario::make_unmanaged(const std::string& name) const {
    if (driver_ == "swarm") return sh("docker service create -d -q --name " + name + " driftless-test/busybox:1 sleep 3600");
    return engine("run -d --name " + name + " driftless-test/busybox:1 sleep 3600");
}

command_result scenario::remove_by_hand(const std::string& name) const {
    if (driver_ == "swarm") return sh("docker service rm " + name);
    return engine("rm -f " + name);
}

}  // namespace driftless::testing
