// The shared HTTP client against answers the test writes: headers read
// back, HEAD without a body, and body limits however the body is framed.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include "drivers/http_client.hpp"
#include "integration/support/run_async.hpp"
#include "tools/scripted_server.hpp"

using namespace driftless;
using namespace driftless::drivers;
using namespace driftless::testing;

namespace {

result<http_response> ask(unsigned short port, const std::string& method, std::uint64_t limit = 1024) {
    boost::asio::io_context io;
    http_client client(io.get_executor());
    http_request r;
    r.method = method;
    r.host = "127.0.0.1";
    r.port = port;
    r.target = "/x?y=1";
    r.headers.emplace_back("Accept", "text/plain");
    http_limits l;
    l.body_limit = limit;
    return run_async(io, client.send(r, l));
}

}  // namespace

TEST_CASE("http client: status, headers in order and any case, body; HEAD reads no body") {
    scripted_server server([](const http_request_read& r) {
        const std::string body = "hello";
        if (r.head.rfind("HEAD ", 0) == 0) return std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Two: a\r\nx-two: b\r\n\r\n");
        return http_answer(201, body, {"X-Two: a", "x-two: b"});
    });
    auto got = ask(server.port(), "GET");
    REQUIRE_MESSAGE(got.ok(), got.err().message);
    CHECK(got->status == 201);
    CHECK(got->body == "hello");
    CHECK(got->header("X-TWO") == "a");
    CHECK(got->headers_named("x-two") == std::vector<std::string>{"a", "b"});
    CHECK(got->header("missing").empty());
    const auto head = ask(server.port(), "HEAD");
    REQUIRE(head.ok());
    CHECK(head->body.empty());
    CHECK(head->header("Content-Length") == "5");
    const auto sent = server.requests();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].head.rfind("GET /x?y=1 HTTP/1.1\r\n", 0) == 0);
    CHECK(request_header(sent[0].head, "Accept") == "text/plain");
    CHECK(request_header(sent[0].head, "Host") == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(ask(server.port(), "BREW").err().message == "unknown HTTP method \"BREW\"");
}

TEST_CASE("http client: a body past its limit, by Content-Length, in chunks or to the end of the stream") {
    const std::string big(4096, 'x');
    std::string framing;
    scripted_server server([&](const http_request_read&) {
        if (framing == "length") return http_answer(200, big);
        if (framing == "chunked") return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + big + "\r\n0\r\n\r\n";
        return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big;
    });
    for (const char* f : {"length", "chunked", "eof"}) {
        CAPTURE(f);
        framing = f;
        auto got = ask(server.port(), "GET", 1024);
        CHECK(got.err().code == "too_large");
        CHECK(got.err().message == "answer: the body is larger than 1024 bytes");
        CHECK(ask(server.port(), "GET", 8192).ok());
    }
}
