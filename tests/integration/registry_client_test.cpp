// The registry client against Debian's real docker-registry (no engine):
// tags page by page, digests, creation times, Basic auth with docker's
// credentials (config.json, a credential helper), Bearer tokens from a
// token service, TLS with the registry's own CA, and the errors a user
// sees when access or the registry fails.
// Images are pushed through the Registry API by the test itself, with
// creation times it chooses.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "drivers/http_time.hpp"
#include "drivers/registry_client.hpp"
#include "support/registry_server.hpp"
#include "support/token_service.hpp"
#include "support/run_async.hpp"
#include "tools/loopback.hpp"
#include "tools/scoped_env.hpp"

using namespace driftless;
using namespace driftless::drivers;
using namespace driftless::testing;
using namespace std::chrono_literals;
using std::chrono::system_clock;

namespace {

// Calls on a client of `host` on an io_context of the test's own.
struct client_on {
    client_on(const std::string& host, registry_options o) : client(io.get_executor(), host, std::move(o)) {}
    template <class T>
    T wait(boost::asio::awaitable<T> task) {
        return run_async(io, std::move(task), 60s);
    }
    boost::asio::io_context io;
    registry_client client;
};

registry_options quick() {
    registry_options o;
    o.timeout = 10s;
    return o;
}

// docker's config folder for a test: DOCKER_CONFIG points at it for the
// scope, so credentials come from its config.json, never the user's.
struct docker_config {
    explicit docker_config(const registry_server& r) : dir(r.dir() + "/docker-config"), file(dir + "/config.json") {
        std::filesystem::create_directories(dir);
        env.emplace("DOCKER_CONFIG", dir);
    }
    // config.json with `auth` as the registry's entry in "auths".
    void auths(const std::string& host, const std::string& auth) const {
        std::ofstream(file) << R"({"auths":{")" << host << R"(":)" << auth << "}}";
    }
    std::string dir, file;
    std::optional<scoped_env> env;
};

std::string rfc3339(system_clock::time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % 1'000'000'000));
    return buf;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

template <class R>
std::string why(const R& r) {
    return r.ok() ? std::string("ok") : r.err().to_string();
}

}  // namespace

TEST_CASE("registry client: tags, digests and creation times (a multi-platform one too) from a registry without auth") {
    registry_server registry;
    const auto now = system_clock::now();
    const auto ten_days_ago = now - std::chrono::hours(24 * 10);
    const auto d141 = registry.push_image("app", "1.4.1", rfc3339(ten_days_ago));
    const auto d142 = registry.push_image("app", "1.4.2", rfc3339(now));
    registry.push_image("app", "1.5.0-rc.1", "2024-05-01T14:34:56.5+02:00");
    const auto multi = registry.push_index("team/app", "2.0", {{"amd64", "2024-01-01T00:00:00Z"}, {"arm64", "2024-02-01T00:00:00Z"}});
    registry.push_image("team/app", "1.0", "2023-06-01T00:00:00Z");

    auto o = quick();
    o.page_size = 2;
    client_on c(registry.address(), o);

    // n=2 is asked for; Debian's docker-registry (2.8) answers every tag at
    // once, in an order of its own (tests/drivers/registry_client_test.cpp
    // follows pages).
    auto tags = c.wait(c.client.tags("app"));
    REQUIRE_MESSAGE(tags.ok(), why(tags));
    CHECK(sorted(*tags) == std::vector<std::string>{"1.4.1", "1.4.2", "1.5.0-rc.1"});
    CHECK(sorted(c.wait(c.client.tags("team/app")).value()) == std::vector<std::string>{"1.0", "2.0"});

    CHECK(c.wait(c.client.manifest_digest("app", "1.4.1")).value() == d141);
    CHECK(c.wait(c.client.manifest_digest("app", "1.4.2")).value() == d142);
    CHECK(c.wait(c.client.manifest_digest("team/app", "2.0")).value() == multi);

    auto created = c.wait(c.client.created("app", "1.4.2"));
    REQUIRE_MESSAGE(created.ok(), why(created));
    CHECK(*created == now);   // to the nanosecond, as written
    CHECK(c.wait(c.client.created("app", "1.4.1")).value() == ten_days_ago);
    CHECK(c.wait(c.client.created("app", "1.5.0-rc.1")).value() == parse_rfc3339("2024-05-01T12:34:56.5Z").value());
    // By digest, too.
    CHECK(c.wait(c.client.created("app", d141)).value() == ten_days_ago);

    SUBCASE("a multi-platform tag: the entry for the platform asked for") {
        CHECK(c.wait(c.client.created("team/app", "2.0")).value() == parse_rfc3339("2024-01-01T00:00:00Z").value());   // linux/amd64 here
        auto arm_options = o;
        arm_options.platform = "linux/arm64";
        client_on arm(registry.address(), arm_options);
        CHECK(arm.wait(arm.client.created("team/app", "2.0")).value() == parse_rfc3339("2024-02-01T00:00:00Z").value());
        arm_options.platform = "linux/s390x";
        client_on none(registry.address(), arm_options);
        auto missing = none.wait(none.client.created("team/app", "2.0"));
        CHECK(missing.err().code == "not_found");
        CHECK(missing.err().message == "registry " + registry.address() +
                                           ": team/app:2.0: the image has no manifest for linux/s390x (it has: linux/amd64, linux/arm64)");
    }
    SUBCASE("one page of all tags when no page size is asked for") {
        client_on all(registry.address(), registry_options{});
        CHECK(all.wait(all.client.tags("app")).value().size() == 3);
    }
    SUBCASE("what is not there") {
        auto tag = c.wait(c.client.manifest_digest("app", "9.9.9"));
        CHECK(tag.err().code == "not_found");
        CHECK(tag.err().http_status == 404);
        // A HEAD's answer has no body to give the registry's reason.
        CHECK(tag.err().message == "registry " + registry.address() + ": app: manifest 9.9.9 not found: HTTP 404");
        auto created_missing = c.wait(c.client.created("app", "9.9.9"));
        CHECK(created_missing.err().code == "not_found");
        CHECK(created_missing.err().message == "registry " + registry.address() +
                                                   ": app: manifest 9.9.9 not found: HTTP 404 (manifest unknown)");
        auto repo = c.wait(c.client.tags("nothing-here"));
        CHECK(repo.err().code == "not_found");
        CHECK(repo.err().message.find("repository name not known to registry") != std::string::npos);
    }
    SUBCASE("names outside the grammar never reach the registry") {
        auto bad_repo = c.wait(c.client.tags("../v2/_catalog"));
        CHECK(bad_repo.err().code == "invalid");
        CHECK(bad_repo.err().message == "registry " + registry.address() +
                                            ": repository \"../v2/_catalog\": invalid repository name component \"..\"");
        auto bad_tag = c.wait(c.client.manifest_digest("app", "1.4.2/../../blobs"));
        CHECK(bad_tag.err().code == "invalid");
        CHECK(bad_tag.err().message == "registry " + registry.address() +
                                           ": app: \"1.4.2/../../blobs\": invalid tag (tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        CHECK(c.wait(c.client.created("App", "1.4.2")).err().code == "invalid");
    }
    SUBCASE("more tags than allowed is an error, not a short list") {
        auto few = o;
        few.max_tags = 2;
        client_on limited(registry.address(), few);
        auto t = limited.wait(limited.client.tags("app"));
        CHECK(t.err().code == "invalid");
        CHECK(t.err().message == "registry " + registry.address() + ": app: more than 2 tags; driftless reads at most that many");
    }
}

TEST_CASE("registry client: a registry that is down is an error at once, naming it") {
    const auto port = free_port();
    registry_options o;
    o.timeout = 20s;
    client_on c("127.0.0.1:" + std::to_string(port), o);
    auto t = c.wait(c.client.tags("app"));
    // Refused, not waited out: "unreachable", long before the timeout.
    CHECK(t.err().code == "unreachable");
    CHECK(t.err().message == "registry 127.0.0.1:" + std::to_string(port) + ": GET /v2/app/tags/list: connect: Connection refused");
    CHECK(c.wait(c.client.created("app", "1.0")).err().code == "unreachable");
}

TEST_CASE("registry client: htpasswd (Basic) with the user's credentials (config.json, a credential helper); wrong or none are refused, naming the registry") {
    registry_server_options auth;
    auth.user = "alice";
    auth.password = "s3cret";
    registry_server registry(auth);
    const auto digest = registry.push_image("app", "1.4.2", "2024-05-01T12:00:00Z");
    const std::string host = registry.address();
    const docker_config config(registry);

    SUBCASE("config.json auths") {
        // "alice:s3cret", as docker login writes it.
        config.auths("http://" + host, R"({"auth":"YWxpY2U6czNjcmV0"})");
        client_on c(host, quick());
        auto d = c.wait(c.client.manifest_digest("app", "1.4.2"));
        REQUIRE_MESSAGE(d.ok(), why(d));
        CHECK(*d == digest);
        CHECK(c.wait(c.client.tags("app")).value() == std::vector<std::string>{"1.4.2"});
        CHECK(c.wait(c.client.created("app", "1.4.2")).value() == parse_rfc3339("2024-05-01T12:00:00Z").value());
    }
    SUBCASE("a credential helper named in credHelpers") {
        const std::string helper = config.dir + "/docker-credential-drifttest";
        std::ofstream(helper) << "#!/bin/sh\n[ \"$1\" = get ] && [ \"$(cat)\" = \"" << host
                              << "\" ] && echo '{\"Username\":\"alice\",\"Secret\":\"s3cret\"}'\n";
        REQUIRE(::chmod(helper.c_str(), 0755) == 0);
        std::ofstream(config.file) << R"({"credHelpers":{")" << host << R"(":"drifttest"}})";
        scoped_env path("PATH", path_with(config.dir));
        client_on c(host, quick());
        auto d = c.wait(c.client.manifest_digest("app", "1.4.2"));
        REQUIRE_MESSAGE(d.ok(), why(d));
        CHECK(*d == digest);
    }
    SUBCASE("a wrong password") {
        config.auths(host, R"({"username":"alice","password":"wrong"})");
        client_on c(host, quick());
        auto d = c.wait(c.client.tags("app"));
        CHECK(d.err().code == "unauthorized");
        CHECK(d.err().http_status == 401);
        CHECK(d.err().message == "registry " + host + " refused access to app: HTTP 401 (authentication required) (credentials for " +
                                     host + " from " + config.file + ")");
        CHECK(c.wait(c.client.manifest_digest("app", "1.4.2")).err().code == "unauthorized");
    }
    SUBCASE("no credentials at all") {
        client_on c(host, quick());
        auto d = c.wait(c.client.created("app", "1.4.2"));
        CHECK(d.err().code == "unauthorized");
        CHECK(d.err().message == "registry " + host + " refused access to app: it asks for a user name and password (no credentials for " +
                                     host + " in " + config.file + ")");
    }
}

TEST_CASE("registry client: https to a registry with a CA of its own; a certificate nobody vouches for is refused") {
    registry_server_options tls;
    tls.tls = true;
    tls.user = "alice";
    tls.password = "s3cret";
    registry_server registry(tls);
    const auto digest = registry.push_image("app", "1.0", "2024-05-01T12:00:00Z");
    const docker_config config(registry);
    config.auths(registry.address(), R"({"auth":"YWxpY2U6czNjcmV0"})");

    auto o = quick();
    o.ca_file = registry.ca_file();
    client_on c(registry.address(), o);
    auto d = c.wait(c.client.manifest_digest("app", "1.0"));
    REQUIRE_MESSAGE(d.ok(), why(d));
    CHECK(*d == digest);
    CHECK(c.wait(c.client.created("app", "1.0")).ok());

    // Another CA: the registry's certificate is not vouched for.
    const auto other = registry.dir() + "/other.pem";
    REQUIRE(sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
               "-keyout " + registry.dir() + "/other-key.pem -out " + other + " >/dev/null 2>&1").exit_code == 0);
    o.ca_file = other;
    client_on untrusted(registry.address(), o);
    auto refused = untrusted.wait(untrusted.client.tags("app"));
    CHECK(refused.err().code == "unreachable");
    CHECK(refused.err().message.find("TLS handshake: certificate verify failed") != std::string::npos);
}

TEST_CASE("registry client: Bearer tokens from the registry's token service, for a password or an identity token, kept until they expire") {
    token_service tokens("alice", "s3cret", "refresh-me");
    registry_server_options o;
    o.token_realm = tokens.realm();
    o.token_service = token_service::service();
    o.token_issuer = token_service::issuer();
    o.token_cert = tokens.cert_file();
    o.push_token = tokens.token("pusher", "app", {"pull", "push"});
    registry_server registry(o);
    const auto digest = registry.push_image("app", "1.4.2", "2024-05-01T12:00:00Z");
    const std::string host = registry.address();
    const docker_config config(registry);

    SUBCASE("a user name and password: one token serves every request for the repository") {
        config.auths(host, R"({"username":"alice","password":"s3cret"})");
        client_on c(host, quick());
        auto d = c.wait(c.client.manifest_digest("app", "1.4.2"));
        REQUIRE_MESSAGE(d.ok(), why(d), "\n", tokens.refused.load(), " refused");
        CHECK(*d == digest);
        CHECK(c.wait(c.client.tags("app")).value() == std::vector<std::string>{"1.4.2"});
        CHECK(c.wait(c.client.created("app", "1.4.2")).value() == parse_rfc3339("2024-05-01T12:00:00Z").value());
        CHECK(tokens.issued == 1);
    }
    SUBCASE("an identity token, through OAuth2's refresh-token form") {
        config.auths(host, R"({"identitytoken":"refresh-me"})");
        client_on c(host, quick());
        auto d = c.wait(c.client.manifest_digest("app", "1.4.2"));
        REQUIRE_MESSAGE(d.ok(), why(d));
        CHECK(*d == digest);
        CHECK(tokens.issued == 1);
    }
    SUBCASE("a token past its expires_in is asked for again") {
        tokens.expires_in = 1;
        config.auths(host, R"({"username":"alice","password":"s3cret"})");
        client_on c(host, quick());
        REQUIRE(c.wait(c.client.tags("app")).ok());
        CHECK(tokens.issued == 1);
        CHECK(wait_until([&] { return c.wait(c.client.tags("app")).ok() && tokens.issued >= 2; }, 10s));
    }
    SUBCASE("a wrong password: the token service refuses, and the error says where the credentials came from") {
        config.auths(host, R"({"username":"alice","password":"wrong"})");
        client_on c(host, quick());
        auto d = c.wait(c.client.tags("app"));
        CHECK(d.err().code == "unauthorized");
        CHECK(d.err().message == "registry " + host + " refused access to app: its token service " + tokens.realm() +
                                     " answered HTTP 401 (credentials for " + host + " from " + config.file + ")");
        CHECK(tokens.refused == 1);
    }
}
