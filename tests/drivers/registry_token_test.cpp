// Tokens from a registry's token service: the request, the answer, and
// keeping them per scope until they expire.
#include <doctest/doctest.h>

#include "drivers/registry_token.hpp"

using namespace driftless::drivers;
using namespace std::chrono;

namespace {

std::string header(const http_request& r, const std::string& name) {
    for (const auto& h : r.headers)
        if (h.first == name) return h.second;
    return {};
}

}  // namespace

TEST_CASE("registry token: Basic authorization is base64 of user:password") {
    CHECK(basic_authorization({"alice", "s3cret", ""}) == "Basic YWxpY2U6czNjcmV0");
    CHECK(basic_authorization({"a", "p:q", ""}) == "Basic YTpwOnE=");
}

TEST_CASE("registry token: the request to the token service") {
    const bearer_challenge c{"https://auth.example.com/token?account=x", "registry.example.com", ""};
    SUBCASE("anonymous: a GET with service and scope") {
        auto r = token_request(c, "repository:team/app:pull", {}, true);
        REQUIRE(r.ok());
        CHECK(r->method == "GET");
        CHECK(r->tls);
        CHECK(r->host == "auth.example.com");
        CHECK(r->port == 443);
        CHECK(r->target == "/token?account=x&service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull");
        CHECK(header(*r, "Authorization").empty());
    }
    SUBCASE("a user name and password: the same GET with Basic") {
        auto r = token_request(c, "repository:app:pull", {"alice", "s3cret", ""}, true);
        REQUIRE(r.ok());
        CHECK(r->method == "GET");
        CHECK(header(*r, "Authorization") == "Basic YWxpY2U6czNjcmV0");
    }
    SUBCASE("an identity token: OAuth2's refresh-token POST form") {
        auto r = token_request({"https://auth.example.com/token", "reg", ""}, "repository:app:pull", {"", "", "refresh-me"}, true);
        REQUIRE(r.ok());
        CHECK(r->method == "POST");
        CHECK(r->target == "/token");
        CHECK(header(*r, "Content-Type") == "application/x-www-form-urlencoded");
        CHECK(r->body == "service=reg&scope=repository%3Aapp%3Apull&grant_type=refresh_token&client_id=driftless&refresh_token=refresh-me");
        CHECK(header(*r, "Authorization").empty());
    }
    SUBCASE("a realm in the clear for a registry over https is refused") {
        auto r = token_request({"http://auth.example.com/token", "reg", ""}, "repository:app:pull", {"alice", "pw", ""}, true);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().message.find("is plain http while the registry is https") != std::string::npos);
        CHECK(token_request({"http://127.0.0.1:5001/token", "reg", ""}, "repository:app:pull", {}, false).ok());
    }
    SUBCASE("a realm that is no URL") {
        CHECK(token_request({"/token", "reg", ""}, "repository:app:pull", {}, true).err().message ==
              "the token service's realm \"/token\": expected an http:// or https:// URL");
    }
}

TEST_CASE("registry token: the token service's answer") {
    auto t = parse_token_response(R"({"token":"abc","expires_in":300,"issued_at":"2024-05-01T12:00:00Z"})");
    REQUIRE(t.ok());
    CHECK(t->value == "abc");
    CHECK(t->expires_in == seconds(300));
    CHECK(parse_token_response(R"({"access_token":"oauth"})")->value == "oauth");
    CHECK(parse_token_response(R"({"access_token":"oauth"})")->expires_in == seconds(60));   // the protocol's default
    CHECK(parse_token_response(R"({"token":"","access_token":"second"})")->value == "second");
    CHECK(parse_token_response(R"({"token":"t","expires_in":0})")->expires_in == seconds(60));
    CHECK(parse_token_response(R"({"token":"t","expires_in":"300"})")->expires_in == seconds(60));
    CHECK(parse_token_response(R"({"expires_in":300})").err().message == "the token service's answer holds no \"token\" or \"access_token\"");
    CHECK(parse_token_response("denied").err().message == "the token service's answer is not a JSON object");
}

TEST_CASE("registry token: kept per scope until shortly before it expires") {
    token_cache cache;
    const auto t0 = token_cache::clock::time_point{} + hours(1);
    cache.store("repository:app:pull", {"one", seconds(60)}, t0);
    cache.store("repository:db:pull", {"two", seconds(600)}, t0);
    CHECK(cache.find("repository:app:pull", t0) == "one");
    CHECK(cache.find("repository:app:pull", t0 + seconds(50)) == "one");
    CHECK(cache.find("repository:app:pull", t0 + seconds(55)).empty());    // a tenth of its life early
    CHECK(cache.find("repository:db:pull", t0 + seconds(565)) == "two");
    CHECK(cache.find("repository:db:pull", t0 + seconds(575)).empty());    // at most 30 s early
    CHECK(cache.find("repository:other:pull", t0).empty());
    cache.forget("repository:db:pull");
    CHECK(cache.find("repository:db:pull", t0).empty());
}
