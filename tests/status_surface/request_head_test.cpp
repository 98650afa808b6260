// The status server's request-head check and bearer comparison, without sockets.
#include <doctest/doctest.h>

#include "status_surface/request_head.hpp"

using namespace driftless::status_surface;
using outcome = request_head::outcome;

TEST_CASE("request head: GET and HEAD without a body are accepted") {
    const std::string get = "GET /api/v1/state?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer abc\r\n\r\nGET /healthz";
    auto h = check_request_head(get);
    REQUIRE(h.result == outcome::ok);
    CHECK(h.target == "/api/v1/state?x=1");
    CHECK(h.authorization == "Bearer abc");
    CHECK(h.keep_alive);
    CHECK_FALSE(h.head_only);
    CHECK(h.size == get.find("GET /healthz"));
    auto head = check_request_head("HEAD /healthz HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    REQUIRE(head.result == outcome::ok);
    CHECK(head.head_only);
    CHECK(head.version == 10);
    CHECK_FALSE(head.keep_alive);
}

TEST_CASE("request head: a partial head asks for more, up to the limit") {
    CHECK(check_request_head("").result == outcome::incomplete);
    CHECK(check_request_head("GET / HTTP/1.1\r\nHost: h\r\n").result == outcome::incomplete);
    const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(200, 'a');
    auto h = check_request_head(big, 128);
    CHECK(h.result == outcome::reject);
    CHECK(h.code == 431);
    CHECK(h.reason == "request head larger than 128 bytes");
    CHECK(check_request_head(big + "\r\n\r\n", 128).code == 431);
}

TEST_CASE("request head: other methods, bodies and garbage are rejected") {
    auto post = check_request_head("POST /api/v1/state HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n");
    CHECK(post.result == outcome::reject);
    CHECK(post.code == 405);
    CHECK(post.reason == "only GET and HEAD are served");
    auto body = check_request_head("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    CHECK(body.code == 413);
    CHECK(body.reason == "a request body is not accepted");
    CHECK(check_request_head("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").code == 413);
    auto bad = check_request_head(std::string("\xff\xfe garbage\r\n\r\n"));
    CHECK(bad.code == 400);
    CHECK(bad.reason.rfind("malformed request: ", 0) == 0);
}

TEST_CASE("request head: bearer tokens") {
    CHECK(bearer_matches("Bearer s3cret", "s3cret"));
    CHECK(bearer_matches("bearer   s3cret ", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer s3cre", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer s3cretx", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer S3cret", "s3cret"));
    CHECK_FALSE(bearer_matches("Basic s3cret", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearers3cret", "s3cret"));
    CHECK_FALSE(bearer_matches("", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer ", ""));
}
