// The status server over real TCP on 127.0.0.1: what a hostile or broken
// client can do to it. Each check waits with a deadline, never a fixed sleep.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "status_surface/status_client.hpp"
#include "status_surface/status_server.hpp"
#include "tools/wait_until.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::status_surface;
using namespace std::chrono_literals;
using driftless::testing::wait_until;

namespace {

// A status server on an ephemeral port, served by a thread of its own.
struct live_server {
    explicit live_server(status_server_options options = {}, std::function<const loop_status&()> source = {}) {
        if (!source) source = [this]() -> const loop_status& { return state; };
        server.emplace(io.get_executor(), std::move(source), std::move(options));
        auto st = server->listen({"127.0.0.1", 0});
        REQUIRE(st.ok());
        port = server->port();
        thread = std::thread([this] { io.run(); });
    }
    ~live_server() {
        boost::asio::post(io, [this] { server->stop(); });
        thread.join();
    }
    loop_status state;
    boost::asio::io_context io;
    std::optional<status_server> server;
    unsigned short port = 0;
    std::thread thread;
};

struct reply {
    std::string bytes;
    bool closed = false;   // the server closed the connection
};

// A blocking TCP client; the descriptor is made before it connects.
class client {
public:
    client() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) { REQUIRE(fd_ >= 0); }
    explicit client(unsigned short port) : client() { connect(port); }
    ~client() { ::close(fd_); }
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    void connect(unsigned short port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    }
    void send(const std::string& bytes) { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())); }
    // True once there is something to read, within `limit`.
    bool readable(std::chrono::milliseconds limit = 10s) {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(limit.count())) == 1;
    }
    // Reads until the server closes the connection or `limit` passes.
    reply read_all(std::chrono::milliseconds limit = 10s) {
        reply r;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left <= 0ms) return r;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return r;
            char buf[4096];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                r.closed = true;
                return r;
            }
            r.bytes.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
};

reply get(unsigned short port, const std::string& path, const std::string& headers = "") {
    client c(port);
    c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + headers + "\r\n");
    return c.read_all();
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::size_t open_descriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

}  // namespace

TEST_CASE("status server: a state value that is not UTF-8 is answered, and the socket closes") {
    live_server s;
    s.state.objects[{desired_state::kind::service, "web"}] = object_status{"h1", "", "absent", "create", "failed", "bad \xff byte", 0, true, true, "t"};
    auto r = get(s.port, "/api/v1/state");
    CHECK(r.closed);
    CHECK(starts_with(r.bytes, "HTTP/1.1 200 OK\r\n"));
    CHECK(contains(r.bytes, "\"error\": \"bad \xef\xbf\xbd byte\""));
}

TEST_CASE("status server: an exception while answering is a 500, and the socket closes") {
    live_server s({}, []() -> const loop_status& { throw std::runtime_error("state unavailable"); });
    auto r = get(s.port, "/metrics");
    CHECK(r.closed);
    CHECK(starts_with(r.bytes, "HTTP/1.1 500 Internal Server Error\r\n"));
    CHECK(contains(r.bytes, "\r\n\r\ninternal error: state unavailable\n"));
}

TEST_CASE("status server: other methods and request bodies are refused at once, without reading a body") {
    struct refusal {
        std::string request, status_line, part;
    };
    const std::vector<refusal> cases{
        {"POST /api/v1/state HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\npartial", "HTTP/1.1 405 Method Not Allowed\r\n",
         "\r\nAllow: GET, HEAD\r\n"},
        {"GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n", "HTTP/1.1 413 Payload Too Large\r\n",
         "\r\n\r\na request body is not accepted\n"},
        {"GET /healthz HTTP/1.1\r\nX: " + std::string(9000, 'a'), "HTTP/1.1 431 Request Header Fields Too Large\r\n",
         "\r\n\r\nrequest head larger than 8192 bytes\n"},
    };
    live_server s;
    for (const auto& c : cases) {
        CAPTURE(c.status_line);
        client cl(s.port);
        cl.send(c.request);
        auto r = cl.read_all();
        CHECK(r.closed);
        CHECK(starts_with(r.bytes, c.status_line));
        CHECK(contains(r.bytes, c.part));
    }
}

TEST_CASE("status server: a connection without a whole request head is closed after the header timeout") {
    status_server_options o;
    o.header_timeout = 200ms;
    live_server s(o);
    client idle(s.port);
    client partial(s.port);
    partial.send("GET /healthz HTTP/1.1\r\nHost");
    auto r1 = idle.read_all(10s);
    auto r2 = partial.read_all(10s);
    CHECK(r1.closed);
    CHECK(r1.bytes.empty());
    CHECK(r2.closed);
    CHECK(r2.bytes.empty());
    // A keep-alive connection gets the same deadline for its next request.
    client kept(s.port);
    kept.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    auto r3 = kept.read_all(10s);
    CHECK(r3.closed);
    CHECK(starts_with(r3.bytes, "HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("status server: 200 partial requests neither stop /healthz nor hold 200 descriptors") {
    status_server_options o;
    o.header_timeout = 60s;   // the partial requests stay partial throughout
    live_server s(o);
    const auto before = open_descriptors();
    std::vector<std::unique_ptr<client>> partial;
    for (int i = 0; i < 200; ++i) {
        partial.push_back(std::make_unique<client>(s.port));
        partial.back()->send(i % 2 ? "POST /api/v1/state HTTP/1.1\r\nContent-Length: 1000000\r\n" : "GET /api/v1/state HTTP/1.1\r\n");
    }
    auto r = get(s.port, "/healthz");
    CHECK(r.closed);
    CHECK(starts_with(r.bytes, "HTTP/1.1 200 OK\r\n"));
    // The server holds at most 64 of them; the test itself holds all 200.
    CHECK(open_descriptors() <= before + 200 + 64 + 2);
}

TEST_CASE("status server: with a token, /api and /metrics ask for it; /healthz and /readyz do not") {
    status_server_options o;
    o.token = "s3cret";
    live_server s(o);
    for (const std::string path : {"/api/v1/state", "/metrics"}) {
        CAPTURE(path);
        auto none = get(s.port, path);
        CHECK(starts_with(none.bytes, "HTTP/1.1 401 Unauthorized\r\n"));
        CHECK(contains(none.bytes, "\r\nWWW-Authenticate: Bearer realm=\"driftless\"\r\n"));
        CHECK(contains(none.bytes, "\r\n\r\nsend Authorization: Bearer <token>, the token of --api-token-file\n"));
        CHECK(starts_with(get(s.port, path, "Authorization: Bearer s3crex\r\n").bytes, "HTTP/1.1 401 Unauthorized\r\n"));
        CHECK(starts_with(get(s.port, path, "Authorization: Bearer s3cret\r\n").bytes, "HTTP/1.1 200 OK\r\n"));
    }
    CHECK(starts_with(get(s.port, "/healthz").bytes, "HTTP/1.1 200 OK\r\n"));
    CHECK(starts_with(get(s.port, "/readyz").bytes, "HTTP/1.1 503 Service Unavailable\r\n"));
}

TEST_CASE("status client: `driftless status` and `healthcheck` read the server, with its token when it asks") {
    status_server_options o;
    o.token = "s3cret";
    live_server s(o);
    auto health = http_get({"127.0.0.1", s.port}, "/healthz", "", 5s);
    REQUIRE(health.ok());
    CHECK(health->code == 200);
    CHECK(health->body == "ok\n");
    auto refused = http_get({"127.0.0.1", s.port}, "/api/v1/state", "", 5s);
    REQUIRE(refused.ok());
    CHECK(refused->code == 401);
    auto state = http_get({"127.0.0.1", s.port}, "/api/v1/state", "s3cret", 5s);
    REQUIRE(state.ok());
    CHECK(state->code == 200);
    CHECK(nlohmann::json::parse(state->body).at("ready") == false);
}

TEST_CASE("status server: out of descriptors, accept backs off with a warning, then serves again") {
    auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", ring));
    const auto warned = [&] {
        for (const auto& line : ring->last_formatted())
            if (contains(line, "status server: cannot accept a connection: Too many open files; retrying every 100 ms to 1000 ms until it can"))
                return true;
        return false;
    };
    {
        live_server s;
        client c;   // its descriptor exists before the process runs out
        rlimit saved{};
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
        rlimit low = saved;
        low.rlim_cur = open_descriptors() + 16;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
        const int base = ::open("/dev/null", O_RDONLY);
        REQUIRE(base >= 0);
        std::vector<int> fillers{base};
        for (int fd; (fd = ::dup(base)) >= 0;) fillers.push_back(fd);
        c.connect(s.port);
        const bool backed_off = wait_until(warned, 10s);
        for (int fd : fillers) ::close(fd);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
        CHECK(backed_off);
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        auto r = c.read_all(10s);
        CHECK(r.closed);
        CHECK(starts_with(r.bytes, "HTTP/1.1 200 OK\r\n"));
    }
    spdlog::set_default_logger(previous);
}

TEST_CASE("status server: at the cap with every connection busy answering, a new connection gets 503") {
    status_server_options o;
    o.max_connections = 1;
    o.write_timeout = 60s;
    live_server s(o);
    // An answer far larger than the socket buffers, to a client that does
    // not read it: the one connection stays busy writing.
    for (int i = 0; i < 5000; ++i)
        s.state.objects[{desired_state::kind::service, "web" + std::to_string(i)}].error = std::string(4000, 'x');
    client slow(s.port);
    slow.send("GET /api/v1/state HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(slow.readable());   // the answer has begun
    auto r = get(s.port, "/healthz");
    CHECK(r.closed);
    CHECK(r.bytes == "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 33\r\nConnection: close\r\n\r\n"
                     "too many connections; retry soon\n");
}

namespace {

// A live server with an event log, published to on the server's thread.
struct event_server {
    explicit event_server(status_server_options o = {}, std::size_t ring = 1000) : log(ring) {
        o.events = &log;
        server.emplace(o);
    }
    void publish(int n, const std::string& message = "m") {
        std::promise<void> done;
        boost::asio::post(server->io, [&] {
            for (int i = 0; i < n; ++i) {
                event e;
                e.type = event_type::healed;
                e.kind = "Service";
                e.name = "web";
                e.message = message;
                log.publish(std::move(e));
            }
            done.set_value();
        });
        done.get_future().wait();
    }
    void state_changed(int n) {
        std::promise<void> done;
        boost::asio::post(server->io, [&] {
            for (int i = 0; i < n; ++i) log.state_changed();
            done.set_value();
        });
        done.get_future().wait();
    }
    event_log log;
    std::optional<live_server> server;
};

// The ids of the events in an SSE text, in order.
std::vector<int> ids(const std::string& read) {
    // An event's fields begin a line; what was read may begin with one.
    const std::string text = "\n" + read;
    std::vector<int> out;
    for (std::size_t at = text.find("\nid: "); at != std::string::npos; at = text.find("\nid: ", at + 1))
        out.push_back(std::stoi(text.substr(at + 5)));
    return out;
}

}  // namespace

TEST_CASE("status server: /api/v1/events streams what is published; a reconnect with Last-Event-ID loses nothing") {
    event_server s;
    s.publish(2);   // before anyone listens
    client c(s.server->port);
    c.send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(c.readable());
    // A new client starts from now: the head and the retry hint, no old events.
    auto first = c.read_all(500ms);
    CHECK(starts_with(first.bytes, "HTTP/1.1 200 OK\r\n"));
    CHECK(contains(first.bytes, "Content-Type: text/event-stream"));
    CHECK(ids(first.bytes).empty());
    s.publish(3);
    std::string got;
    REQUIRE(wait_until([&] {
        got += c.read_all(100ms).bytes;
        return ids(got).size() == 3;
    }, 10s));
    CHECK(ids(got) == std::vector<int>{3, 4, 5});
    CHECK(contains(got, "event: healed\ndata: {"));

    // Gone after 4; back with Last-Event-ID: 4 gets 5 and what came since.
    s.publish(1);
    client again(s.server->port);
    again.send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 4\r\n\r\n");
    std::string missed;
    REQUIRE(wait_until([&] {
        missed += again.read_all(100ms).bytes;
        return ids(missed).size() == 2;
    }, 10s));
    CHECK(ids(missed) == std::vector<int>{5, 6});
    CHECK_FALSE(contains(missed, "event: missed"));
    // ?since= does the same for a client that cannot set the header.
    client since(s.server->port);
    since.send("GET /api/v1/events?since=0 HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string all;
    REQUIRE(wait_until([&] {
        all += since.read_all(100ms).bytes;
        return ids(all).size() == 6;
    }, 10s));
}

TEST_CASE("status server: a change of state no event tells reaches a live stream as one unnumbered 'state' nudge") {
    event_server s;
    client c(s.server->port);
    c.send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(c.readable());
    (void)c.read_all(300ms);
    // Several changes before the writer runs come as one nudge at most.
    s.state_changed(5);
    std::string got;
    REQUIRE(wait_until([&] {
        got += c.read_all(100ms).bytes;
        return contains(got, "event: state\ndata: {}\n\n");
    }, 10s));
    got += c.read_all(300ms).bytes;
    CHECK(got.find("event: state") == got.rfind("event: state"));
    CHECK(ids(got).empty());   // not numbered: a reconnect's Last-Event-ID is untouched
    CHECK(s.log.last_id() == 0);
    CHECK(s.log.size() == 0);   // nor kept in the ring
    // Events still flow after it, numbered as before.
    s.publish(1);
    std::string after;
    REQUIRE(wait_until([&] {
        after += c.read_all(100ms).bytes;
        return ids(after) == std::vector<int>{1};
    }, 10s));
}

TEST_CASE("status server: an event stream told what fell out of the ring; a client that never reads is closed, the loop never waits") {
    status_server_options o;
    o.stream_backlog_bytes = 64 * 1024;
    event_server s(o, 4);
    s.publish(10);
    client late(s.server->port);
    late.send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 2\r\n\r\n");
    std::string text;
    REQUIRE(wait_until([&] {
        text += late.read_all(100ms).bytes;
        return ids(text).size() == 4;
    }, 10s));
    CHECK(contains(text, "event: missed\ndata: {\"missed\": 4"));   // 3 to 6 are gone
    CHECK(ids(text) == std::vector<int>{7, 8, 9, 10});

    // Never reads: its backlog passes the bound and it is closed. Publishing
    // never waits on a socket (it would hang here: 8 MB to a client that
    // reads nothing).
    client sleeper(s.server->port);
    sleeper.send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(sleeper.readable());
    for (int i = 0; i < 200; ++i) s.publish(10, std::string(4000, 'x'));
    auto r = sleeper.read_all(10s);
    CHECK(r.closed);
    CHECK(r.bytes.size() < 8'000'000);
    // The server still serves streams.
    client fresh(s.server->port);
    fresh.send("GET /api/v1/events?since=" + std::to_string(s.log.last_id() - 1) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string last;
    REQUIRE(wait_until([&] {
        last += fresh.read_all(100ms).bytes;
        return ids(last) == std::vector<int>{static_cast<int>(s.log.last_id())};
    }, 10s));
}
