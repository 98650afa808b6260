#include "drivers/podman_host.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace driftless::drivers::podman {

std::vector<std::string> podman_socket_candidates(std::string_view xdg_runtime_dir) {
    std::vector<std::string> out;
    if (!xdg_runtime_dir.empty()) out.push_back(std::string(xdg_runtime_dir) + "/podman/podman.sock");
    out.emplace_back("/run/podman/podman.sock");
    return out;
}

result<docker::docker_host> first_answering(const std::vector<std::string>& candidates, const socket_probe& answers) {
    for (const auto& path : candidates)
        if (answers(path)) return docker::parse_docker_host("unix://" + path);
    std::string tried;
    for (const auto& path : candidates) tried += (tried.empty() ? "" : ", ") + path;
    return error{"unreachable", "podman: no API service answers on " + tried +
                                    "; start one with `podman system service --time=0 unix:///run/podman/podman.sock` "
                                    "(scripts/start-podman.sh) or set DOCKER_HOST"};
}

bool unix_socket_answers(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) return false;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

result<docker::docker_host> podman_host_from_env(std::string_view explicit_host) {
    if (!explicit_host.empty() || (std::getenv("DOCKER_HOST") != nullptr && *std::getenv("DOCKER_HOST") != '\0'))
        return docker::docker_host_from_env(explicit_host);
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    return first_answering(podman_socket_candidates(xdg != nullptr ? xdg : ""), unix_socket_answers);
}

}  // namespace driftless::drivers::podman
