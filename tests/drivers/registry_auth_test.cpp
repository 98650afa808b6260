// Registry credentials from docker's config.json, and a registry's token challenge.
#include <doctest/doctest.h>

#include "drivers/registry_auth.hpp"

using namespace driftless::drivers;
using nlohmann::json;

TEST_CASE("registry auth: a Bearer challenge's realm, service and scope") {
    auto c = parse_bearer_challenge(
        R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull")");
    REQUIRE(c.has_value());
    CHECK(c->realm == "https://auth.example.com/token");
    CHECK(c->service == "registry.example.com");
    CHECK(c->scope == "repository:team/app:pull");
    auto spaced = parse_bearer_challenge(R"(bearer  Realm = "http://127.0.0.1:5001/auth" , service=local)");
    REQUIRE(spaced.has_value());
    CHECK(spaced->realm == "http://127.0.0.1:5001/auth");
    CHECK(spaced->service == "local");
    CHECK(spaced->scope.empty());
    CHECK(parse_bearer_challenge(R"(Bearer realm="a\"b")")->realm == "a\"b");
    CHECK_FALSE(parse_bearer_challenge(R"(Basic realm="Registry")").has_value());
    CHECK_FALSE(parse_bearer_challenge(R"(Bearer realm="unclosed)").has_value());
    CHECK_FALSE(parse_bearer_challenge(R"(Bearer service="no realm")").has_value());
    CHECK_FALSE(parse_bearer_challenge("").has_value());
}

TEST_CASE("registry auth: auths keys stand for hosts, as docker's CLI reads them") {
    CHECK(auth_key_host("registry.example.com:5000") == "registry.example.com:5000");
    CHECK(auth_key_host("https://registry.example.com:5000/v2/") == "registry.example.com:5000");
    CHECK(auth_key_host("https://index.docker.io/v1/") == "index.docker.io");
    CHECK(auth_key_host("docker.io") == "index.docker.io");
}

TEST_CASE("registry auth: credHelpers, then auths, then credsStore, else anonymous") {
    const auto config = json::parse(R"({
        "auths": {
            "https://127.0.0.1:5000": {"auth": "dXNlcjpwYTpzcw=="},
            "split.example.com": {"username": "u", "password": "p"},
            "token.example.com": {"identitytoken": "refresh-me"},
            "empty.example.com": {},
            "helped.example.com": {"auth": "eDp5"}
        },
        "credHelpers": {"helped.example.com": "ecr-login"},
        "credsStore": "pass"
    })");
    auto inline_auth = credentials_for(config, "127.0.0.1:5000");
    REQUIRE(inline_auth.ok());
    CHECK(inline_auth->from == credential_source::kind::stored);
    CHECK(inline_auth->stored.username == "user");
    CHECK(inline_auth->stored.password == "pa:ss");      // only the first ':' splits
    CHECK(credentials_for(config, "split.example.com")->stored.password == "p");
    CHECK(credentials_for(config, "token.example.com")->stored.identity_token == "refresh-me");
    auto helped = credentials_for(config, "helped.example.com");
    CHECK(helped->from == credential_source::kind::helper);
    CHECK(helped->helper == "ecr-login");                 // credHelpers wins over auths
    auto stored = credentials_for(config, "other.example.com");
    CHECK(stored->from == credential_source::kind::helper);
    CHECK(stored->helper == "pass");                      // the global store
    CHECK(credentials_for(config, "empty.example.com")->helper == "pass");
    CHECK(credentials_for(json::parse(R"({"auths": {}})"), "x.example.com")->from == credential_source::kind::anonymous);
    CHECK(credentials_for(json(nullptr), "x")->from == credential_source::kind::anonymous);
}

TEST_CASE("registry auth: what cannot be read is named") {
    CHECK(credentials_for(json::parse(R"({"auths": {"r:5000": {"auth": "not base64!"}}})"), "r:5000").err().message ==
          "auths[\"r:5000\"].auth is not base64 of user:password");
    CHECK(credentials_for(json::parse(R"({"auths": {"r:5000": {"auth": "bm9jb2xvbg=="}}})"), "r:5000").err().message ==
          "auths[\"r:5000\"].auth is not base64 of user:password");
    CHECK(credentials_for(json::parse(R"({"credHelpers": {"r:5000": ""}})"), "r:5000").err().message ==
          "credHelpers[\"r:5000\"] must name a helper (docker-credential-NAME)");
}
