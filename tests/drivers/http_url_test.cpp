// http(s) URLs as webhooks, token services and a registry's Link and
// Location headers give them.
#include <doctest/doctest.h>

#include "drivers/http_url.hpp"

using namespace driftless::drivers;

TEST_CASE("http url: scheme, host, port and target") {
    auto u = parse_http_url("https://auth.example.com/token?x=1#frag");
    REQUIRE(u.ok());
    CHECK(u->tls);
    CHECK(u->host == "auth.example.com");
    CHECK(u->port == 443);
    CHECK(u->target == "/token?x=1");
    CHECK(u->origin() == "https://auth.example.com");
    auto v6 = parse_http_url("http://[::1]:5000");
    REQUIRE(v6.ok());
    CHECK(v6->host == "::1");
    CHECK(v6->port == 5000);
    CHECK(v6->target == "/");
    CHECK(v6->authority == "[::1]:5000");
    CHECK(parse_http_url("http://h?n=2")->target == "/?n=2");
    CHECK(parse_http_url("ftp://x").err().message == "expected an http:// or https:// URL");
    CHECK(parse_http_url("http://u:p@h/").err().message.find("no user name or password") != std::string::npos);
    CHECK(parse_http_url("http://h:0/").err().message == "the port must be a number from 1 to 65535");
    CHECK(parse_http_url("http://h/a b").err().message == "the path holds a space or a control character");
    CHECK(parse_http_url("http://h\x01/").err().message == "the host holds a character a host name cannot");
    CHECK(parse_http_url("http://[::1/").err().message == "an IPv6 address needs its closing ']'");
}

TEST_CASE("http url: a Link or Location read against the URL it came from") {
    const auto base = parse_http_url("http://127.0.0.1:5000/v2/app/tags/list?n=2").value();
    auto path = resolve_http_url(base, "/v2/app/tags/list?last=b&n=2");
    REQUIRE(path.ok());
    CHECK(path->host == "127.0.0.1");
    CHECK(path->port == 5000);
    CHECK_FALSE(path->tls);
    CHECK(path->target == "/v2/app/tags/list?last=b&n=2");
    auto absolute = resolve_http_url(base, "https://storage.example.com/blob?sig=x");
    REQUIRE(absolute.ok());
    CHECK(absolute->tls);
    CHECK(absolute->host == "storage.example.com");
    CHECK_FALSE(resolve_http_url(base, "relative/path").ok());
    CHECK_FALSE(resolve_http_url(base, "//other.example.com/x").ok());
    CHECK_FALSE(resolve_http_url(base, "/a\nb").ok());
}

TEST_CASE("http url: the Host header leaves the usual port out and brackets IPv6") {
    CHECK(host_header("example.com", 443, true) == "example.com");
    CHECK(host_header("example.com", 80, false) == "example.com");
    CHECK(host_header("example.com", 443, false) == "example.com:443");
    CHECK(host_header("::1", 5000, false) == "[::1]:5000");
}
