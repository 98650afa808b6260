// The registry client against answers the test writes, for what Debian's
// docker-registry does not do on demand (tests/integration has the real
// one): tag lists in pages (it ignores n=), busy and failing registries,
// a HEAD without a digest, blobs behind redirects, content that does not
// match its digest, answers too large or too slow.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <optional>

#include <nlohmann/json.hpp>

#include "drivers/image_manifest.hpp"
#include "drivers/registry_client.hpp"
#include "drivers/registry_token.hpp"
#include "integration/support/run_async.hpp"
#include "tools/scripted_server.hpp"
#include "tools/wait_until.hpp"

using namespace driftless;
using namespace driftless::drivers;
using namespace driftless::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A client of the scripted registry on `port`.
struct client_of {
    explicit client_of(unsigned short port, registry_options o = {}) {
        if (!o.credentials) o.credentials = [](const std::string& host) { return resolved_credentials{{}, "no credentials for " + host}; };
        client.emplace(io.get_executor(), "127.0.0.1:" + std::to_string(port), std::move(o));
    }
    template <class T>
    T wait(boost::asio::awaitable<T> task) {
        return run_async(io, std::move(task), 30s);
    }
    boost::asio::io_context io;
    std::optional<registry_client> client;
};

std::string tag_page(const std::vector<std::string>& tags) { return json{{"name", "app"}, {"tags", tags}}.dump(); }

const std::string config_body = R"({"architecture":"amd64","os":"linux","created":"2024-05-01T12:00:00Z"})";

std::string manifest_for(const std::string& config) {
    return json{{"schemaVersion", 2},
                {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                {"config", {{"mediaType", "application/vnd.docker.container.image.v1+json"}, {"size", config.size()}, {"digest", content_digest(config)}}},
                {"layers", json::array()}}
        .dump();
}

}  // namespace

TEST_CASE("registry client: tag pages are followed through Link until there is no next") {
    scripted_server registry([](const http_request_read& r) {
        const auto target = request_target(r);
        if (target == "/v2/app/tags/list?n=2")
            return http_answer(200, tag_page({"a", "b"}), {"Link: </v2/app/tags/list?n=2&last=b>; rel=\"next\""});
        if (target == "/v2/app/tags/list?n=2&last=b")
            return http_answer(200, tag_page({"c", "d"}),
                               {"Link: </v2/app/tags/list?n=2>; rel=\"prev\", </v2/app/tags/list?n=2&last=d>; rel=\"next\""});
        if (target == "/v2/app/tags/list?n=2&last=d") return http_answer(200, tag_page({"e"}));
        return http_answer(404);
    });
    registry_options o;
    o.page_size = 2;
    client_of c(registry.port(), o);
    auto tags = c.wait(c.client->tags("app"));
    REQUIRE_MESSAGE(tags.ok(), tags.err().message);
    CHECK(*tags == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(registry.requests().size() == 3);
}

TEST_CASE("registry client: more pages than allowed is an error, not a short list") {
    int pages = 0;
    scripted_server registry([&](const http_request_read&) {
        // Every page has a next one.
        ++pages;
        return http_answer(200, tag_page({"t" + std::to_string(pages)}),
                           {"Link: </v2/app/tags/list?last=t" + std::to_string(pages) + ">; rel=\"next\""});
    });
    registry_options o;
    o.max_pages = 3;
    client_of c(registry.port(), o);
    auto tags = c.wait(c.client->tags("app"));
    CHECK(tags.err().code == "invalid");
    CHECK(tags.err().message == "registry 127.0.0.1:" + std::to_string(registry.port()) +
                                    ": app: more than 3 pages of tags; driftless reads at most that many");
    CHECK(registry.requests().size() == 3);
}

TEST_CASE("registry client: a next page elsewhere, of another repository or read before is not followed") {
    std::string link;
    scripted_server registry([&](const http_request_read&) { return http_answer(200, tag_page({"a"}), {"Link: <" + link + ">; rel=\"next\""}); });
    client_of c(registry.port());
    const std::string host = "127.0.0.1:" + std::to_string(registry.port());
    for (const std::string next : {"http://127.0.0.1:1/v2/app/tags/list?last=a", "/v2/other/tags/list?last=a", "/v2/app/tags/list",
                                   "/v2/app/blobs/x"}) {
        CAPTURE(next);
        link = next;
        auto tags = c.wait(c.client->tags("app"));
        CHECK(tags.err().code == "invalid");
        CHECK(tags.err().message == "registry " + host + ": app: the tag list's next page \"" + next +
                                        "\" is not a further page of this repository's tags");
    }
}

TEST_CASE("registry client: a busy or failing registry says when to ask again; the client does not wait") {
    std::string answer;
    scripted_server registry([&](const http_request_read&) { return answer; });
    client_of c(registry.port());
    const std::string host = "127.0.0.1:" + std::to_string(registry.port());
    answer = http_answer(429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})", {"Retry-After: 7"});
    auto busy = c.wait(c.client->tags("app"));
    CHECK(busy.err().code == "rate_limited");
    CHECK(busy.err().retry_after == 7s);
    CHECK(busy.err().http_status == 429);
    CHECK(busy.err().message == "registry " + host + ": app: tags: HTTP 429 (slow down); it asks to be asked again in 7 s");
    answer = http_answer(503, "", {"Retry-After: Fri, 31 Dec 2100 23:59:59 GMT"});
    auto down = c.wait(c.client->manifest_digest("app", "1.0"));
    CHECK(down.err().code == "unavailable");
    CHECK(down.err().retry_after == 24h);   // at most a day
    answer = http_answer(500);
    CHECK(c.wait(c.client->created("app", "1.0")).err().code == "unavailable");
    answer = http_answer(401, "", {"WWW-Authenticate: Negotiate"});
    auto odd = c.wait(c.client->tags("app"));
    CHECK(odd.err().code == "unauthorized");
    CHECK(odd.err().message == "registry " + host + " refused access to app: HTTP 401 without a challenge driftless can answer "
                                                    "(WWW-Authenticate: \"Negotiate\")");
    answer = "";   // the connection closed without an answer
    CHECK(c.wait(c.client->tags("app")).err().code == "unreachable");
}

TEST_CASE("registry client: a HEAD without Docker-Content-Digest: the digest of the manifest itself") {
    const std::string manifest = manifest_for(config_body);
    scripted_server registry([&](const http_request_read& r) {
        if (r.head.rfind("HEAD ", 0) == 0) return http_answer(200, "", {});
        return http_answer(200, manifest, {"Content-Type: application/vnd.docker.distribution.manifest.v2+json"});
    });
    client_of c(registry.port());
    auto d = c.wait(c.client->manifest_digest("app", "1.0"));
    REQUIRE_MESSAGE(d.ok(), d.err().message);
    CHECK(*d == content_digest(manifest));
    const auto seen = registry.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].head.rfind("HEAD /v2/app/manifests/1.0 ", 0) == 0);
    CHECK(request_header(seen[0].head, "Accept") == manifest_accept());
}

TEST_CASE("registry client: the config blob behind redirects, with the registry's credentials kept to the registry") {
    scripted_server storage([](const http_request_read& r) {
        return request_target(r) == "/blob?sig=1" ? http_answer(200, config_body) : http_answer(403);
    });
    const std::string manifest = manifest_for(config_body);
    const std::string basic = basic_authorization({"alice", "pw", ""});
    scripted_server registry([&](const http_request_read& r) {
        if (request_header(r.head, "Authorization") != basic) return http_answer(401, "", {"WWW-Authenticate: Basic realm=\"x\""});
        const auto target = request_target(r);
        if (target == "/v2/app/manifests/1.0") return http_answer(200, manifest);
        if (target == "/v2/app/blobs/" + content_digest(config_body)) return http_answer(307, "", {"Location: /moved"});
        if (target == "/moved")
            return http_answer(302, "", {"Location: http://127.0.0.1:" + std::to_string(storage.port()) + "/blob?sig=1"});
        return http_answer(404);
    });
    registry_options o;
    o.credentials = [](const std::string& host) { return resolved_credentials{{"alice", "pw", ""}, "credentials for " + host + " from the test"}; };
    client_of c(registry.port(), o);
    auto created = c.wait(c.client->created("app", "1.0"));
    REQUIRE_MESSAGE(created.ok(), created.err().message);
    CHECK(created.value().time_since_epoch() == std::chrono::seconds(1714564800));
    REQUIRE(storage.requests().size() == 1);
    CHECK(request_header(storage.requests()[0].head, "Authorization").empty());
    // Within the registry the redirect keeps the credentials.
    CHECK(request_header(registry.requests().back().head, "Authorization") == basic);
}

TEST_CASE("registry client: content that does not match its digest is refused") {
    const std::string other_config = R"({"created":"2001-01-01T00:00:00Z"})";
    const std::string manifest = manifest_for(config_body);
    const std::string entry_digest = content_digest("the manifest the list names");
    const std::string index = json{{"schemaVersion", 2},
                                   {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                   {"manifests", {{{"digest", entry_digest}, {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}}}}
                                  .dump();
    scripted_server registry([&](const http_request_read& r) {
        const auto target = request_target(r);
        if (target == "/v2/app/manifests/list") return http_answer(200, index);
        if (target == "/v2/app/manifests/" + entry_digest) return http_answer(200, manifest);   // not what the list names
        if (target == "/v2/app/manifests/1.0") return http_answer(200, manifest);
        if (target == "/v2/app/blobs/" + content_digest(config_body)) return http_answer(200, other_config);
        return http_answer(404);
    });
    registry_options o;
    o.platform = "linux/amd64";
    client_of c(registry.port(), o);
    const std::string host = "127.0.0.1:" + std::to_string(registry.port());
    auto list = c.wait(c.client->created("app", "list"));
    CHECK(list.err().code == "invalid");
    CHECK(list.err().message == "registry " + host + ": app@" + entry_digest + ": the manifest served does not match its digest");
    auto config = c.wait(c.client->created("app", "1.0"));
    CHECK(config.err().code == "invalid");
    CHECK(config.err().message == "registry " + host + ": app:1.0: the config blob served does not match its digest " +
                                      content_digest(config_body));
}

TEST_CASE("registry client: an answer too large or too slow is an error") {
    std::atomic<bool> hang{false}, release{false};
    scripted_server registry([&](const http_request_read&) {
        if (hang) {
            // Holds the request until the test has seen the client give up.
            wait_until([&] { return release.load(); }, 10s);
            return std::string();
        }
        return http_answer(200, std::string(5 * 1024 * 1024, ' '));
    });
    registry_options o;
    o.timeout = 300ms;
    client_of c(registry.port(), o);
    auto big = c.wait(c.client->created("app", "1.0"));
    CHECK_MESSAGE(big.err().code == "too_large", big.err().message);
    CHECK(big.err().message.find("the body is larger than 4194304 bytes") != std::string::npos);
    hang = true;
    auto slow = c.wait(c.client->tags("app"));
    release = true;
    CHECK(slow.err().code == "timeout");
    CHECK(slow.err().message == "registry 127.0.0.1:" + std::to_string(registry.port()) + ": GET /v2/app/tags/list: answer: timed out");
}

TEST_CASE("registry client: a credential lookup that fails is the error, naming the registry") {
    scripted_server registry([](const http_request_read&) { return http_answer(401, "", {"WWW-Authenticate: Basic realm=\"x\""}); });
    registry_options o;
    o.credentials = [](const std::string& host) -> result<resolved_credentials> {
        return error{"credentials", "docker-credential-gone get, for " + host + ": the program is not installed"};
    };
    client_of c(registry.port(), o);
    auto t = c.wait(c.client->tags("app"));
    CHECK(t.err().code == "credentials");
    CHECK(t.err().message == "registry 127.0.0.1:" + std::to_string(registry.port()) + ": docker-credential-gone get, for 127.0.0.1:" +
                                 std::to_string(registry.port()) + ": the program is not installed");
}

TEST_CASE("registry client: a host that cannot be one fails every call") {
    boost::asio::io_context io;
    registry_client c(io.get_executor(), "user@registry");
    auto t = run_async(io, c.tags("app"));
    CHECK(t.err().code == "invalid");
    CHECK(t.err().message.rfind("registry host \"user@registry\"", 0) == 0);
}
