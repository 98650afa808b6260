// The headers that hand the engine registry credentials (X-Registry-Auth,
// X-Registry-Config), decoded here as dockerd decodes them, and where an
// image's registry is; the lookups behind them with docker's config.json
// in a folder of the test's own.
#include <doctest/doctest.h>

#include <nettle/base64.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "drivers/engine_credentials.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/image_push.hpp"
#include "drivers/registry_headers.hpp"
#include "drivers/swarm_images.hpp"
#include "integration/support/run_async.hpp"
#include "tools/scoped_env.hpp"

using namespace driftless;
using namespace driftless::drivers;
using driftless::testing::run_async;
using driftless::testing::scoped_env;
using nlohmann::json;

namespace {

// Go's base64.URLEncoding, as dockerd reads the headers.
json decoded(const std::string& header) {
    base64_decode_ctx ctx;
    base64url_decode_init(&ctx);
    std::string out(BASE64_DECODE_LENGTH(header.size()), '\0');
    std::size_t n = out.size();
    REQUIRE(base64_decode_update(&ctx, &n, reinterpret_cast<std::uint8_t*>(out.data()), header.size(), header.data()));
    REQUIRE(base64_decode_final(&ctx));
    out.resize(n);
    return json::parse(out);
}

struct config_folder {
    config_folder() {
        char tmpl[] = "/tmp/driftless-headersXXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        env.emplace("DOCKER_CONFIG", dir);
    }
    ~config_folder() {
        env.reset();
        std::filesystem::remove_all(dir);
    }
    void write(const std::string& text) const { std::ofstream(dir + "/config.json") << text; }
    std::string dir;
    std::optional<scoped_env> env;
};

}  // namespace

TEST_CASE("registry headers: base64url with padding, as Go's URLEncoding") {
    CHECK(base64url("") == "");
    CHECK(base64url("{}") == "e30=");
    CHECK(base64url("\xfb\xff") == "-_8=");
    CHECK(base64url("abc") == "YWJj");
}

TEST_CASE("registry headers: X-Registry-Auth for a password, an identity token, or nothing") {
    registry_credentials password{"alice", "s3:cr/et+", ""};
    CHECK(decoded(registry_auth_header(password, "127.0.0.1:5000")) ==
          json{{"username", "alice"}, {"password", "s3:cr/et+"}, {"serveraddress", "127.0.0.1:5000"}});
    registry_credentials token{"", "", "refresh-me"};
    CHECK(decoded(registry_auth_header(token, "registry.example.com")) ==
          json{{"identitytoken", "refresh-me"}, {"serveraddress", "registry.example.com"}});
    // Docker Hub by the address docker's CLI uses.
    CHECK(decoded(registry_auth_header(password, "docker.io"))["serveraddress"] == "https://index.docker.io/v1/");
    // No credentials: {} (a push needs the header all the same).
    CHECK(registry_auth_header({}, "127.0.0.1:5000") == "e30=");
    // No '+' or '/' in what goes into a header.
    const auto many = registry_auth_header(registry_credentials{"a", "?\?\?>>>", ""}, "h.example.com");
    CHECK(many.find_first_of("+/") == std::string::npos);
}

TEST_CASE("registry headers: X-Registry-Config maps each registry to its credentials") {
    std::map<std::string, registry_credentials> by_host;
    by_host["127.0.0.1:5000"] = {"alice", "pw", ""};
    by_host["index.docker.io"] = {"hubuser", "hubpass", ""};
    CHECK(decoded(registry_config_header(by_host)) ==
          json{{"127.0.0.1:5000", {{"username", "alice"}, {"password", "pw"}, {"serveraddress", "127.0.0.1:5000"}}},
               {"https://index.docker.io/v1/",
                {{"username", "hubuser"}, {"password", "hubpass"}, {"serveraddress", "https://index.docker.io/v1/"}}}});
    CHECK(decoded(registry_config_header({})) == json::object());
}

TEST_CASE("registry headers: an image's registry, and whether its name names one") {
    CHECK(image_registry("127.0.0.1:5000/team/app:1").value() == "127.0.0.1:5000");
    CHECK(image_registry("127.0.0.1:5000/app@sha256:" + std::string(64, 'a')).value() == "127.0.0.1:5000");
    CHECK(image_registry("busybox").value() == "docker.io");
    CHECK(image_registry("team/app:1").value() == "docker.io");
    CHECK(image_registry("localhost/app").value() == "localhost");
    CHECK(image_registry("Bad/App").err().code == "invalid");

    CHECK(names_registry("127.0.0.1:5000/app"));
    CHECK(names_registry("registry.example.com/team/app:1.4"));
    CHECK(names_registry("localhost/app"));
    CHECK_FALSE(names_registry("shop-app"));
    CHECK_FALSE(names_registry("team/app:1"));
    CHECK_FALSE(names_registry("app:1.4"));
}

TEST_CASE("registry headers: a push's digest, and the reference a service pins") {
    CHECK(stream_pushed_digest(R"({"progressDetail":{},"aux":{"Tag":"1","Digest":"sha256:15b5","Size":527}})") ==
          std::optional<std::string>("sha256:15b5"));
    CHECK_FALSE(stream_pushed_digest(R"({"status":"1: digest: sha256:15b5 size: 527"})"));
    CHECK_FALSE(stream_pushed_digest(R"({"aux":{"ID":"sha256:ab"}})"));
    CHECK_FALSE(stream_pushed_digest("not json, \"aux\""));
    CHECK(docker::pushed_reference("127.0.0.1:5000/team/app:1", "sha256:ab") == "127.0.0.1:5000/team/app@sha256:ab");
    CHECK(docker::pushed_reference("127.0.0.1:5000/app", "sha256:ab") == "127.0.0.1:5000/app@sha256:ab");
}

TEST_CASE("registry headers: refusals the engine reports become unauthorized errors naming the registry") {
    CHECK(refused_by_registry("unauthorized: authentication required (HTTP 500)"));
    CHECK(refused_by_registry("Head \"http://127.0.0.1:5000/v2/app/manifests/1\": no basic auth credentials (HTTP 500)"));
    CHECK(refused_by_registry("denied: requested access to the resource is denied"));
    CHECK_FALSE(refused_by_registry("manifest for 127.0.0.1:5000/app:2 not found: manifest unknown"));
    registry_auth auth{"127.0.0.1:5000", "", "no credentials for 127.0.0.1:5000 in /x/config.json"};
    const auto e = registry_refused("pull \"127.0.0.1:5000/app:1\"", error{"engine", "unauthorized: authentication required (HTTP 500)", 500}, auth);
    CHECK(e.code == "unauthorized");
    CHECK(e.http_status == 500);
    CHECK(e.message == "pull \"127.0.0.1:5000/app:1\": registry 127.0.0.1:5000 refused access (unauthorized: authentication "
                       "required (HTTP 500)); no credentials for 127.0.0.1:5000 in /x/config.json: log in with docker "
                       "login 127.0.0.1:5000, or fix its entry in docker's config.json");
}

TEST_CASE("registry headers: the lookups read docker's config.json for the image's registry, or every registry") {
    config_folder f;
    boost::asio::io_context io;
    SUBCASE("no config.json: no credentials, no X-Registry-Config") {
        auto a = run_async(io, registry_auth_for("127.0.0.1:5000/app:1"));
        REQUIRE(a.ok());
        CHECK(a->registry == "127.0.0.1:5000");
        CHECK(a->header.empty());
        CHECK(a->from == "no credentials for 127.0.0.1:5000 in " + f.dir + "/config.json");
        CHECK(run_async(io, build_registry_config()).value().empty());
        // A name no registry can be read from: nothing to send.
        auto odd = run_async(io, registry_auth_for("Team/App"));
        REQUIRE(odd.ok());
        CHECK(odd->header.empty());
        CHECK(odd->registry.empty());
    }
    SUBCASE("auths") {
        f.write(R"({"auths":{"127.0.0.1:5000":{"auth":"YWxpY2U6czNjcmV0"},"https://index.docker.io/v1/":{"auth":"aHViOnB3"},)"
                R"("empty.example.com":{}}})");
        auto a = run_async(io, registry_auth_for("127.0.0.1:5000/app:1"));
        REQUIRE(a.ok());
        CHECK(decoded(a->header) == json{{"username", "alice"}, {"password", "s3cret"}, {"serveraddress", "127.0.0.1:5000"}});
        CHECK(decoded(run_async(io, registry_auth_for("busybox:1")).value().header)["username"] == "hub");
        CHECK(run_async(io, registry_auth_for("other.example.com/app")).value().header.empty());
        // Every registry with credentials; an empty entry has none.
        auto config = run_async(io, build_registry_config());
        REQUIRE(config.ok());
        const auto j = decoded(*config);
        CHECK(j.size() == 2);
        CHECK(j["127.0.0.1:5000"]["username"] == "alice");
        CHECK(j["https://index.docker.io/v1/"]["password"] == "pw");
    }
    SUBCASE("a config.json that cannot be read fails the lookup") {
        f.write("{not json");
        CHECK(run_async(io, registry_auth_for("127.0.0.1:5000/app")).err().code == "credentials");
        CHECK(run_async(io, build_registry_config()).err().message ==
              f.dir + "/config.json: not JSON (credentials for the registries it names)");
    }
}

TEST_CASE("swarm images: the node count from /info; an image that names no registry runs on one node only") {
    CHECK(swarm::swarm_node_count(R"({"Swarm":{"LocalNodeState":"active","Nodes":3,"Managers":1}})").value() == 3);
    CHECK(swarm::swarm_node_count(R"({"Swarm":{"LocalNodeState":"inactive","Nodes":0}})").err().code == "engine");
    CHECK(swarm::swarm_node_count("[]").err().code == "engine");
    CHECK(swarm::check_unpushed_image("shop-app", 1).ok());
    const auto many = swarm::check_unpushed_image("shop-app", 3);
    CHECK(many.err().code == "invalid");
    CHECK(many.err().message ==
          "image \"shop-app\" names no registry, and the swarm has 3 nodes: the others cannot pull an image built on "
          "the manager; name a registry in the service's image (e.g. registry.example.com:5000/shop-app), which the "
          "build is pushed to");
}
