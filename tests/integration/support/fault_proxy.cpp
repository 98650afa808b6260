#include "support/fault_proxy.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace driftless::testing {

namespace {

constexpr int poll_ms = 100;   // how often a blocked thread looks at stopping_

sockaddr_un address(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (path.size() >= sizeof a.sun_path) throw std::runtime_error("socket path too long: " + path);
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    return a;
}

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto a = address(path);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Waits until `fd` is readable or the proxy stops; false when stopping.
bool readable(int fd, const std::atomic<bool>& stopping) {
    pollfd p{fd, POLLIN, 0};
    while (!stopping) {
        if (::poll(&p, 1, poll_ms) > 0) return true;
    }
    return false;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// One request from the client: head and body (Content-Length framing, as
// driftless sends them). nullopt when the client goes first.
std::optional<std::string> read_request(int fd, const std::atomic<bool>& stopping) {
    std::string in;
    char buf[8192];
    std::size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
        if (!readable(fd, stopping)) return std::nullopt;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        in.append(buf, static_cast<std::size_t>(n));
        head_end = in.find("\r\n\r\n");
    }
    std::size_t length = 0;
    const std::string head = lower(in.substr(0, head_end));
    if (const auto at = head.find("\r\ncontent-length:"); at != std::string::npos)
        length = std::stoul(head.substr(at + 17));
    while (in.size() < head_end + 4 + length) {
        if (!readable(fd, stopping)) return std::nullopt;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        in.append(buf, static_cast<std::size_t>(n));
    }
    // One request per connection upstream: the end of the answer is the end
    // of the connection, whatever its framing.
    std::string out;
    std::size_t line_start = 0;
    while (line_start < head_end) {
        auto line_end = in.find("\r\n", line_start);
        if (line_end == std::string::npos || line_end > head_end) line_end = head_end;
        const std::string line = in.substr(line_start, line_end - line_start);
        if (lower(line).rfind("connection:", 0) != 0) out += line + "\r\n";
        line_start = line_end + 2;
    }
    out += "Connection: close\r\n\r\n";
    out += in.substr(head_end + 4);
    return out;
}

std::string canned(int status, const char* reason) {
    const std::string body = R"({"message":"fault injected by the test proxy"})";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// The body of a whole answer, chunked or not.
std::string body_of(const std::string& answer, std::size_t head_end) {
    const std::string head = lower(answer.substr(0, head_end));
    std::string rest = answer.substr(head_end + 4);
    if (head.find("transfer-encoding: chunked") == std::string::npos) return rest;
    std::string body;
    std::size_t at = 0;
    while (at < rest.size()) {
        const auto eol = rest.find("\r\n", at);
        if (eol == std::string::npos) break;
        const std::size_t n = std::stoul(rest.substr(at, eol - at), nullptr, 16);
        if (n == 0 || eol + 2 + n > rest.size()) break;
        body += rest.substr(eol + 2, n);
        at = eol + 2 + n + 2;
    }
    return body;
}

std::uint64_t next(std::uint64_t& state) {   // splitmix64
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

const char* to_string(fault f) {
    switch (f) {
    case fault::none: return "none";
    case fault::delay: return "delay";
    case fault::drop_mid_answer: return "drop_mid_answer";
    case fault::answer_500: return "answer_500";
    case fault::answer_409: return "answer_409";
    case fault::answer_404: return "answer_404";
    case fault::truncate_body: return "truncate_body";
    }
    return "?";
}

fault_proxy::fault_proxy(std::string path, std::string upstream) : path_(std::move(path)), upstream_(std::move(upstream)) {
    ::unlink(path_.c_str());
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto a = address(path_);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 64) != 0)
        throw std::runtime_error("fault proxy: cannot listen on " + path_ + ": " + std::strerror(errno));
    acceptor_ = std::thread([this] { accept_loop(); });
}

fault_proxy::~fault_proxy() {
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mu_);
        threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
    ::close(listener_);
    ::unlink(path_.c_str());
}

void fault_proxy::inject(std::uint64_t seed) {
    std::lock_guard lock(mu_);
    injecting_ = true;
    rng_ = seed;
}

void fault_proxy::pass_through() {
    std::lock_guard lock(mu_);
    injecting_ = false;
}

void fault_proxy::trip_after(std::size_t n, std::function<bool(std::string_view)> matches, std::function<void()> then) {
    std::lock_guard lock(mu_);
    trip_left_ = n;
    trip_matches_ = std::move(matches);
    trip_then_ = std::move(then);
    tripped_on_.clear();
}

std::string fault_proxy::tripped_on() const {
    std::lock_guard lock(mu_);
    return tripped_on_;
}

std::map<fault, std::uint64_t> fault_proxy::fault_counts() const {
    std::lock_guard lock(mu_);
    return counts_;
}

fault fault_proxy::draw(std::uint64_t& cut) {
    std::lock_guard lock(mu_);
    if (!injecting_) return fault::none;
    const std::uint64_t r = next(rng_);
    cut = next(rng_);
    static constexpr fault faults[] = {fault::delay,      fault::drop_mid_answer, fault::answer_500,
                                       fault::answer_409, fault::answer_404,      fault::truncate_body};
    const fault f = r % 2 == 0 ? fault::none : faults[(r / 2) % std::size(faults)];
    if (f != fault::none) {
        ++counts_[f];
        ++faults_;
    }
    return f;
}

void fault_proxy::accept_loop() {
    while (readable(listener_, stopping_)) {
        const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        std::lock_guard lock(mu_);
        threads_.emplace_back([this, client] {
            serve(client);
            ::close(client);
        });
    }
}

void fault_proxy::serve(int client) {
    const auto request = read_request(client, stopping_);
    if (!request) return;
    ++requests_;
    const std::string line = request->substr(0, request->find("\r\n"));
    std::function<void()> trip;
    {
        std::lock_guard lock(mu_);
        if (trip_left_ > 0 && trip_matches_(line) && --trip_left_ == 0) {
            trip = std::move(trip_then_);
            tripped_on_ = line;
        }
    }
    if (trip) {
        // The engine carries the request out and answers; the client hears
        // nothing of it.
        const int up = connect_unix(upstream_);
        if (up >= 0 && send_all(up, *request)) {
            char buf[16384];
            while (readable(up, stopping_) && ::recv(up, buf, sizeof buf, 0) > 0) {
            }
        }
        if (up >= 0) ::close(up);
        trip();
        return;
    }
    std::uint64_t cut = 0;
    fault f = draw(cut);
    const bool stream = request->find(" /events") != std::string::npos || request->find("/events?") != std::string::npos;
    if (stream && f == fault::truncate_body) f = fault::drop_mid_answer;   // a stream has no end to wait for

    switch (f) {
    case fault::answer_500: send_all(client, canned(500, "Internal Server Error")); return;
    case fault::answer_409: send_all(client, canned(409, "Conflict")); return;
    case fault::answer_404: send_all(client, canned(404, "Not Found")); return;
    case fault::delay: {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(cut % 1500);
        while (!stopping_ && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        break;
    }
    default: break;
    }

    const int up = connect_unix(upstream_);
    if (up < 0) return;   // the client sees the connection close: what a dead engine looks like
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } close_up{up};
    if (!send_all(up, *request)) return;

    char buf[16384];
    if (f == fault::truncate_body) {
        std::string answer;
        while (readable(up, stopping_)) {
            const auto n = ::recv(up, buf, sizeof buf, 0);
            if (n <= 0) break;
            answer.append(buf, static_cast<std::size_t>(n));
        }
        const auto head_end = answer.find("\r\n\r\n");
        if (head_end == std::string::npos) return;
        const std::string body = body_of(answer, head_end);
        const std::string status_line = answer.substr(0, answer.find("\r\n"));
        if (body.empty()) {
            send_all(client, answer);
            return;
        }
        const std::size_t keep = cut % body.size();   // always short of the whole body
        send_all(client, status_line + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(keep) +
                             "\r\nConnection: close\r\n\r\n" + body.substr(0, keep));
        return;
    }

    // Pass the answer on as it arrives; drop_mid_answer stops after a few
    // bytes of it (headers included). A client that leaves ends it too.
    std::size_t budget = f == fault::drop_mid_answer ? 1 + cut % 1024 : std::string::npos;
    pollfd p[2] = {{up, POLLIN, 0}, {client, POLLIN, 0}};
    while (!stopping_ && budget > 0) {
        if (::poll(p, 2, poll_ms) <= 0) continue;
        if (p[1].revents != 0) {
            const auto n = ::recv(client, buf, sizeof buf, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN)) return;
            if (n > 0 && !send_all(up, std::string_view(buf, static_cast<std::size_t>(n)))) return;
        }
        if (p[0].revents != 0) {
            const auto n = ::recv(up, buf, std::min(sizeof buf, budget), 0);
            if (n <= 0) return;
            if (!send_all(client, std::string_view(buf, static_cast<std::size_t>(n)))) return;
            if (budget != std::string::npos) budget -= static_cast<std::size_t>(n);
        }
    }
}

}  // namespace driftless::testing
