// A unix socket that stands between driftless and dockerd and, seeded,
// misbehaves as an engine or a network can: delays an answer, drops the
// connection half way through one, answers 500, 409 or 404 itself, or
// passes on a 200 whose body is cut short. Point driftless at it with
// DOCKER_HOST=unix://<path()>.
//
// Every request is sent upstream with "Connection: close", so one request
// is one connection and the end of an answer is the end of the upstream
// connection (streams such as /events included).
//
// Threading: one thread accepts, one thread per connection; the public
// functions may be called from any thread. The destructor closes every
// connection and joins the threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace driftless::testing {

enum class fault { none, delay, drop_mid_answer, answer_500, answer_409, answer_404, truncate_body };

class fault_proxy {
public:
    // Listens on `path` (removed first if it exists), forwarding to the
    // unix socket `upstream`. Starts in pass-through.
    fault_proxy(std::string path, std::string upstream = "/var/run/docker.sock");
    ~fault_proxy();
    fault_proxy(const fault_proxy&) = delete;
    fault_proxy& operator=(const fault_proxy&) = delete;

    // From now on about half the requests meet a fault, drawn from a
    // generator seeded with `seed` (the same seed draws the same faults for
    // the same sequence of requests).
    void inject(std::uint64_t seed);
    // From now on every request passes unchanged; connections open now
    // (an events stream) are left as they are.
    void pass_through();
    // A trip wire: the `n`-th request from now on whose request line ("POST
    // /v1.41/containers/ID/stop HTTP/1.1") `matches` is passed on and
    // answered upstream, so it takes effect; then `then` runs (a test kills
    // driftless there) and the client gets no answer. Fires once.
    void trip_after(std::size_t n, std::function<bool(std::string_view)> matches, std::function<void()> then);
    // The request line the trip wire fired on; "" until it has.
    [[nodiscard]] std::string tripped_on() const;

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::string docker_host() const { return "unix://" + path_; }
    // Requests seen, and those that met a fault, since construction.
    [[nodiscard]] std::uint64_t requests() const noexcept { return requests_; }
    [[nodiscard]] std::uint64_t faults() const noexcept { return faults_; }
    // How many requests met each fault (for the test's log).
    [[nodiscard]] std::map<fault, std::uint64_t> fault_counts() const;

private:
    void accept_loop();
    void serve(int client);
    fault draw(std::uint64_t& cut);

    std::string path_;
    std::string upstream_;
    int listener_ = -1;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> requests_{0};
    std::atomic<std::uint64_t> faults_{0};
    mutable std::mutex mu_;          // guards everything below
    bool injecting_ = false;
    std::uint64_t rng_ = 0;
    std::map<fault, std::uint64_t> counts_;
    std::size_t trip_left_ = 0;                                  // 0: no trip wire
    std::function<bool(std::string_view)> trip_matches_;
    std::function<void()> trip_then_;
    std::string tripped_on_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

[[nodiscard]] const char* to_string(fault f);

}  // namespace driftless::testing
