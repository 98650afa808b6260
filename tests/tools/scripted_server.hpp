// An HTTP server on 127.0.0.1 whose answers the test writes: each request
// goes to `answer`, which returns the whole response ("" closes the
// connection without one). Serves on a thread of its own, one connection
// at a time, and keeps the requests it saw.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/http_request_reader.hpp"

namespace driftless::testing {

// A response: the status line, `headers` ("Name: value"), Content-Length
// and `body`.
inline std::string http_answer(int code, const std::string& body = "", const std::vector<std::string>& headers = {}) {
    std::string out = "HTTP/1.1 " + std::to_string(code) + " X\r\n";
    for (const auto& h : headers) out += h + "\r\n";
    return out + "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class scripted_server {
public:
    using handler = std::function<std::string(const http_request_read&)>;
    explicit scripted_server(handler answer) : answer_(std::move(answer)) {
        fd_ = listen_on_loopback(port_);
        REQUIRE(fd_ >= 0);
        thread_ = std::thread([this] {
            accept_loop(fd_, stopping_, [this](int c) {
                const auto in = read_http_request(c);
                if (!in) return;
                {
                    std::lock_guard lock(mu_);
                    requests_.push_back(*in);
                }
                const std::string out = answer_(*in);
                if (!out.empty()) ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            });
        });
    }
    ~scripted_server() {
        stopping_ = true;
        thread_.join();
        ::close(fd_);
    }
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    [[nodiscard]] unsigned short port() const noexcept { return port_; }
    [[nodiscard]] std::vector<http_request_read> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }

private:
    handler answer_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<http_request_read> requests_;
};

// The request line's target ("/v2/app/tags/list?n=2").
inline std::string request_target(const http_request_read& r) {
    const auto start = r.head.find(' ') + 1;
    return r.head.substr(start, r.head.find(' ', start) - start);
}

}  // namespace driftless::testing
