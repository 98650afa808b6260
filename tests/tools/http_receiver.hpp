// A small HTTP receiver on 127.0.0.1 for tests of outgoing webhooks:
// records each request's body, answers `code`, or holds the connection
// without an answer while `hang` is set.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace driftless::testing {

class receiver {
public:
    receiver() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);   // not inherited by driftless children
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~receiver() {
        stopping_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::vector<std::string> bodies() {
        std::lock_guard lock(mu_);
        return bodies_;
    }
    std::atomic<int> code{200};
    std::atomic<bool> hang{false};
    std::atomic<int> requests{0};
    unsigned short port = 0;

private:
    void serve() {
        while (!stopping_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            std::string in;
            char buf[4096];
            // The head, then Content-Length bytes of body.
            for (;;) {
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 2000) <= 0) break;
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                in.append(buf, static_cast<std::size_t>(n));
                const auto end = in.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                const auto cl = in.find("Content-Length: ");
                const std::size_t length = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
                if (in.size() >= end + 4 + length) {
                    ++requests;
                    if (hang) {
                        // Holds the connection, answers nothing, until the client gives up.
                        pollfd h{c, POLLIN, 0};
                        ::poll(&h, 1, 3000);
                        break;
                    }
                    const int answer = code;
                    if (answer == 200) {
                        std::lock_guard lock(mu_);
                        bodies_.push_back(in.substr(end + 4, length));
                    }
                    const std::string reply = "HTTP/1.1 " + std::to_string(answer) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
                    break;
                }
            }
            ::close(c);
        }
    }
    int fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> bodies_;
};

}  // namespace driftless::testing
