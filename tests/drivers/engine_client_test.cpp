// The engine client's HTTP handling against a scripted peer on a unix
// socket: what a real engine cannot be made to do on demand (stay silent,
// split a stream mid-line, drop a keep-alive connection).
#include <doctest/doctest.h>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "drivers/engine_client.hpp"

namespace asio = boost::asio;
using asio::local::stream_protocol;
using namespace driftless;
using namespace driftless::drivers::docker;
using namespace std::chrono_literals;

namespace {

// What the scripted peer answers to one request target: the raw bytes, or
// nullopt to stay silent; `close` ends the connection after answering.
struct reply {
    std::optional<std::string> bytes;
    bool close = false;
};
using script = std::function<reply(const std::string& target)>;

std::string http_ok(const std::string& body, const std::string& extra_headers = "") {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// One chunk of a chunked body.
std::string chunk(const std::string& data) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", data.size());
    return std::string(size) + "\r\n" + data + "\r\n";
}

const std::string version_reply = http_ok(R"({"ApiVersion":"1.43"})");

class scripted_engine {
public:
    scripted_engine(asio::io_context& io, script s)
        : path_((std::filesystem::temp_directory_path() /
                 ("driftless-engine-" + std::to_string(::getpid()) + "-" + std::to_string(++count_) + ".sock"))
                    .string()),
          acceptor_(io), script_(std::move(s)) {
        std::filesystem::remove(path_);
        acceptor_.open();
        acceptor_.bind(stream_protocol::endpoint(path_));
        acceptor_.listen();
        asio::co_spawn(io, accept_loop(), asio::detached);
    }
    ~scripted_engine() { std::filesystem::remove(path_); }

    docker_host host() const { return parse_docker_host("unix://" + path_).value(); }
    std::vector<std::string> targets;   // every request target seen, in order
    int connections = 0;

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            boost::system::error_code ec;
            auto sock = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            ++connections;
            asio::co_spawn(acceptor_.get_executor(), serve(std::move(sock)), asio::detached);
        }
    }

    asio::awaitable<void> serve(stream_protocol::socket sock) {
        std::string in;
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n =
                co_await asio::async_read_until(sock, asio::dynamic_buffer(in), "\r\n\r\n",
                                                asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            const std::string head = in.substr(0, n);
            in.erase(0, n);   // requests in these tests carry no body
            const auto sp1 = head.find(' ');
            const auto sp2 = head.find(' ', sp1 + 1);
            const std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
            targets.push_back(target);
            const reply r = script_(target);
            if (!r.bytes) {
                // Silent: keep the socket open until the peer gives up.
                std::string sink;
                co_await asio::async_read(sock, asio::dynamic_buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
                co_return;
            }
            co_await asio::async_write(sock, asio::buffer(*r.bytes), asio::redirect_error(asio::use_awaitable, ec));
            if (ec || r.close) co_return;
        }
    }

    static inline int count_ = 0;
    std::string path_;
    stream_protocol::acceptor acceptor_;
    script script_;
};

// A line handler that keeps every line.
line_handler collect(std::vector<std::string>& lines) {
    return [&lines](std::string_view l) -> status {
        lines.emplace_back(l);
        return {};
    };
}

template <class T>
asio::awaitable<void> store(asio::awaitable<T> task, std::optional<T>& out) {
    out.emplace(co_await std::move(task));
}

// Runs `task` on `io` until it finishes (the peer keeps running meanwhile).
template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, store(std::move(task), out), asio::detached);
    io.restart();
    while (!out && io.run_one_for(10s) > 0) {
    }
    REQUIRE(out.has_value());
    return std::move(*out);
}

}  // namespace

TEST_CASE("engine client: the API version is negotiated once and prefixes every path") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        return {http_ok("[]")};
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    auto r = run(io, client.call(http_method::get, "/containers/json?all=1"));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body == "[]");
    REQUIRE(run(io, client.call(http_method::get, "/networks")).ok());
    CHECK(engine.targets == std::vector<std::string>{"/version", "/v1.41/containers/json?all=1", "/v1.41/networks"});
    // One keep-alive connection served all three.
    CHECK(engine.connections == 1);
    CHECK(client.idle_connections() == 1);
}

TEST_CASE("engine client: an engine that does not answer is a timeout") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        return {std::nullopt};
    });
    engine_client client(io.get_executor(), engine.host(), 300ms);
    auto r = run(io, client.call(http_method::get, "/containers/json"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "timeout");
    CHECK(r.err().message == "no answer from the engine at " + engine.host().to_string() +
                                 " within 300ms (GET /v1.41/containers/json)");
}

TEST_CASE("engine client: HTTP errors carry the engine's message and status") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        const std::string body = R"({"message":"Conflict. The container name \"/web\" is already in use"})";
        return {"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body};
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    auto r = run(io, client.call(http_method::post, "/containers/create?name=web", "{}"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "conflict");
    CHECK(r.err().http_status == 409);
    CHECK(r.err().message == "Conflict. The container name \"/web\" is already in use (HTTP 409)");
    // The connection stays usable after an error answer.
    CHECK(client.idle_connections() == 1);
}

TEST_CASE("engine client: a keep-alive connection the engine closed is replaced") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        // Answer, then drop the connection without saying so.
        return {http_ok("{}"), true};
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    for (int i = 0; i < 3; ++i) {
        auto r = run(io, client.call(http_method::get, "/info"));
        REQUIRE(r.ok());
    }
    CHECK(engine.connections >= 3);
}

TEST_CASE("engine client: a streamed body is handed over line by line") {
    asio::io_context io;
    // Chunk boundaries fall inside lines; CRLF and empty lines occur; the
    // last line has no line break.
    const std::string chunked =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
        chunk("{\"a\":") + chunk("1}\n{\"b\"") + chunk(":2}\r\n\n{\"c") + chunk("\":3}") + "0\r\n\r\n";
    scripted_engine engine(io, [&](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        if (t.rfind("/v1.41/events", 0) == 0) return {chunked, true};
        return {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("{\"status\":\"ok\"}\r\n") +
                    chunk("{\"error\":\"manifest unknown\",\"x\":1}\r\n      ") + "0\r\n\r\n",
                true};
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    std::vector<std::string> lines;
    auto st = run(io, client.stream(http_method::get, "/events", {}, collect(lines), std::nullopt));
    REQUIRE(st.ok());
    CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});

    // A handler's error ends the stream with that error.
    int seen = 0;
    auto failed = run(io, client.stream(http_method::post, "/images/create?fromImage=x", {},
                                        [&](std::string_view l) -> status {
                                            ++seen;
                                            if (l.find("error") != std::string_view::npos)
                                                return error{"engine", std::string(l)};
                                            return {};
                                        },
                                        5s));
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.err().message == R"({"error":"manifest unknown","x":1})");
    CHECK(seen == 2);
}

TEST_CASE("engine client: a stream can be cancelled, even before it starts") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        return {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"};   // then silence
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    auto cancel = std::make_shared<stream_cancel>();
    std::optional<status> ended;
    asio::co_spawn(io, store(client.stream(http_method::get, "/events", {}, [](std::string_view) { return status{}; },
                                           std::nullopt, cancel),
                             ended),
                   asio::detached);
    io.restart();
    // Let it connect and read the header.
    while (engine.targets.size() < 2 && io.run_one_for(5s) > 0) {
    }
    for (int i = 0; i < 20 && io.poll_one() > 0; ++i) {
    }
    CHECK_FALSE(ended.has_value());
    cancel->cancel();
    while (!ended && io.run_one_for(5s) > 0) {
    }
    REQUIRE(ended.has_value());
    CHECK(ended->err().code == "cancelled");

    auto early = std::make_shared<stream_cancel>();
    early->cancel();
    auto st = run(io, client.stream(http_method::get, "/events", {}, [](std::string_view) { return status{}; },
                                    std::nullopt, early));
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().code == "cancelled");
}

TEST_CASE("engine client: a chunked body is refused once its chunks pass the limit") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        char size[32];
        std::snprintf(size, sizeof size, "%zx", std::size_t{65} << 20);
        return {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("[") + size + "\r\n{\"Id\":"};
    });
    engine_client client(io.get_executor(), engine.host(), 5s);
    auto r = run(io, client.call(http_method::get, "/containers/json?all=1"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "engine");
    CHECK(r.err().message.find("with a body of more than 64 MiB; refused") != std::string::npos);
}

TEST_CASE("engine client: a body whose Content-Length passes the limit is refused before it is read") {
    asio::io_context io;
    scripted_engine engine(io, [](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        // 65 MiB announced, one byte sent, then silence: only the header can refuse it.
        return {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(std::size_t{65} << 20) + "\r\n\r\n["};
    });
    engine_client client(io.get_executor(), engine.host(), 5s);
    auto r = run(io, client.call(http_method::get, "/containers/json?all=1"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == "engine");
    CHECK(r.err().message.find("with a body of more than 64 MiB; refused") != std::string::npos);
}

TEST_CASE("engine client: a streamed line past 1 MiB without a line break ends the stream") {
    asio::io_context io;
    // 2 MiB of one line, then silence: without the cap the client would
    // keep reading (and growing) until the stream's end.
    const std::string big(std::size_t{2} << 20, 'x');
    scripted_engine engine(io, [&](const std::string& t) -> reply {
        if (t == "/version") return {version_reply};
        return {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("{\"ok\":1}\n") + chunk(big)};
    });
    engine_client client(io.get_executor(), engine.host(), 2s);
    std::vector<std::string> lines;
    auto st = run(io, client.stream(http_method::get, "/events", {}, collect(lines), std::nullopt));
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().code == "engine");
    CHECK(st.err().message == "GET /v1.41/events from the engine at " + engine.host().to_string() +
                                  ": a line of more than 1048576 bytes without a line break; the stream is ended");
    CHECK(lines == std::vector<std::string>{"{\"ok\":1}"});
}
