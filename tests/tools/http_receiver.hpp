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

#include "tools/http_request_reader.hpp"

namespace driftless::testing {

class receiver {
public:
    receiver() {
        fd_ = listen_on_loopback(port);   // not inherited by driftless children
        REQUIRE(fd_ >= 0);
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
        accept_loop(fd_, stopping_, [this](int c) {
            const auto in = read_http_request(c);
            if (!in) return;
            ++requests;
            if (hang) {
                // Holds the connection, answers nothing, until the client gives up.
                pollfd h{c, POLLIN, 0};
                ::poll(&h, 1, 3000);
                return;
            }
            const int answer = code;
            if (answer == 200) {
                std::lock_guard lock(mu_);
                bodies_.push_back(in->body);
            }
            const std::string reply = "HTTP/1.1 " + std::to_string(answer) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
        });
    }
    int fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> bodies_;
};

}  // namespace driftless::testing
