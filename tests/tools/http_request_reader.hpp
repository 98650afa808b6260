// The server side of tests' small HTTP servers on 127.0.0.1 (a webhook
// receiver, a registry's token service): a listening socket, accepting
// connections, and reading one request off each.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace driftless::testing {

// A socket listening on 127.0.0.1 on a port the kernel picks (`port`
// says which); -1 when that fails. Not inherited by child processes.
inline int listen_on_loopback(unsigned short& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    port = ntohs(a.sin_port);
    return fd;
}

struct http_request_read {
    std::string head;   // the request line and headers, each line ending in CRLF
    std::string body;
};

// A header's value in `head` ("" when there is none); `name` as clients here write it.
inline std::string request_header(const std::string& head, const std::string& name) {
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + 4 + name.size();
    return head.substr(start, head.find("\r\n", start) - start);
}

// The next request on `c`: its head, then Content-Length bytes of body;
// nullopt when the client closes first or is silent for 2 s.
inline std::optional<http_request_read> read_http_request(int c) {
    std::string in;
    char buf[4096];
    for (;;) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 2000) <= 0) return std::nullopt;
        const auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        in.append(buf, static_cast<std::size_t>(n));
        const auto end = in.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        http_request_read r{in.substr(0, end + 2), {}};
        const auto length = request_header(r.head, "Content-Length");
        const std::size_t size = length.empty() ? 0 : std::stoul(length);
        if (in.size() < end + 4 + size) continue;
        r.body = in.substr(end + 4, size);
        return r;
    }
}

// Hands each connection accepted on the listening `fd` to `serve`, then
// closes it, until `stopping`.
inline void accept_loop(int fd, const std::atomic<bool>& stopping, const std::function<void(int)>& serve) {
    while (!stopping) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int c = ::accept(fd, nullptr, nullptr);
        if (c < 0) continue;
        serve(c);
        ::close(c);
    }
}

}  // namespace driftless::testing
