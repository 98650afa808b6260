// Status rendering and the status server's routing, without sockets.
#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "desired_state/store.hpp"
#include "reconciler/status.hpp"
#include "status_surface/status_server.hpp"
#include "watchers/temp_tree.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::status_surface;

TEST_CASE("status: --listen addresses") {
    auto a = parse_listen("127.0.0.1:9180");
    REQUIRE(a.ok());
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 9180);
    CHECK(parse_listen(":8080")->host == "127.0.0.1");
    CHECK(parse_listen("localhost:1")->host == "127.0.0.1");
    CHECK(parse_listen("[::1]:9180")->host == "::1");
    CHECK(parse_listen("0.0.0.0:0")->port == 0);
    CHECK(parse_listen("9180").err().message == "--listen \"9180\": expected HOST:PORT");
    CHECK(parse_listen("127.0.0.1:70000").err().message == "--listen \"127.0.0.1:70000\": port must be 0-65535");
    CHECK(parse_listen("web.local:80").err().message == "--listen \"web.local:80\": \"web.local\" is not an IP address");
}

TEST_CASE("status: --listen on another address than loopback asks for --listen-public") {
    CHECK(check_listen_public(*parse_listen("127.0.0.1:9180"), false).ok());
    CHECK(check_listen_public(*parse_listen("127.0.0.5:9180"), false).ok());
    CHECK(check_listen_public(*parse_listen("[::1]:9180"), false).ok());
    CHECK(check_listen_public(*parse_listen("0.0.0.0:9180"), true).ok());
    CHECK(check_listen_public(*parse_listen("0.0.0.0:9180"), false).err().message ==
          "--listen 0.0.0.0:9180: 0.0.0.0 is not a loopback address, and the status server has no TLS; add --listen-public to serve "
          "other hosts (with --api-token-file to ask them for a token)");
    CHECK_FALSE(check_listen_public(*parse_listen("[::]:80"), false).ok());
    CHECK_FALSE(check_listen_public(*parse_listen("10.1.2.3:80"), false).ok());
}

TEST_CASE("status: --api-token-file") {
    watchers::testing::temp_tree t;
    t.write("token", "  s3cret\n");
    CHECK(*read_api_token(t.id("token")) == "s3cret");
    t.write("empty", "\n");
    CHECK(read_api_token(t.id("empty")).err().message == "--api-token-file " + t.id("empty") + ": the file is empty; write the token into it");
    t.write("two", "a b\n");
    CHECK(read_api_token(t.id("two")).err().message ==
          "--api-token-file " + t.id("two") + ": the token holds a space or control character; use one line of printable characters");
    CHECK(read_api_token(t.id("missing")).err().message == "--api-token-file " + t.id("missing") + ": cannot read: No such file or directory");
}

TEST_CASE("status: routes") {
    loop_status s;
    CHECK(respond(s, "/healthz").code == 200);
    CHECK(respond(s, "/readyz").code == 503);
    s.ready = true;
    CHECK(respond(s, "/readyz").code == 200);
    CHECK(respond(s, "/readyz?verbose").code == 200);
    CHECK(respond(s, "/nope").code == 404);
    CHECK(respond(s, "/metrics").content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(respond(s, "/api/v1/state").content_type == "application/json");
}

TEST_CASE("status: a state value that is not UTF-8 is replaced, not an error") {
    loop_status s;
    s.objects[{desired_state::kind::service, "web"}].error = "bad \xff byte";
    const auto r = respond(s, "/api/v1/state");
    CHECK(r.code == 200);
    CHECK(r.body.find("\"error\": \"bad \xef\xbf\xbd byte\"") != std::string::npos);
}

TEST_CASE("status: metrics text and state JSON") {
    loop_status s;
    s.ready = true;
    s.desired = 3;
    s.managed = 2;
    s.failing = 1;
    s.metrics.passes = 7;
    s.metrics.actions[{"create", "succeeded"}] = 2;
    s.objects[{desired_state::kind::service, "web"}] = object_status{"h1", "", "absent", "create", "failed", "boom", 1500, true, true, "t"};
    s.source_errors.push_back({{"a.yaml", 3, 7}, "image", "bad"});
    const auto text = to_prometheus(s);
    CHECK(text.find("# TYPE driftless_passes_total counter\ndriftless_passes_total 7\n") != std::string::npos);
    CHECK(text.find("driftless_actions_total{action=\"create\",result=\"succeeded\"} 2\n") != std::string::npos);
    CHECK(text.find("driftless_objects{state=\"failing\"} 1\n") != std::string::npos);
    CHECK(text.find("driftless_source_errors 1\n") != std::string::npos);
    const auto j = to_json(s);
    CHECK(j["counts"]["desired"] == 3);
    CHECK(j["objects"][0]["name"] == "web");
    CHECK(j["objects"][0]["error"] == "boom");
    CHECK(j["objects"][0]["backoff_ms"] == 1500);
    CHECK(j["source_errors"][0]["text"] == "a.yaml:3:7: image: bad");
}

TEST_CASE("status: /api/v1/state shows the keyed spec hash, never a secret value") {
    desired_state::set_installation_key(std::string(32, 'k'));
    desired_state::store store;
    (void)store.put("web.yaml", "name: web\nimage: nginx\nenv: {PASSWORD: hunter2}\n");
    loop_status s;
    s.desired_snapshot = store.current();
    desired_state::set_installation_key({});
    const auto& entry = s.desired_snapshot->resources.begin()->second;
    const std::string state = respond(s, "/api/v1/state").body;
    CHECK(state.find("hunter2") == std::string::npos);
    CHECK(state.find(entry.hash) != std::string::npos);
    // Not the unkeyed SHA-256 anyone could recompute from guessed values.
    CHECK(entry.hash != desired_state::spec_hash(entry.spec));
}

TEST_CASE("status: a followed image's release, as plan prints it and /api/v1/state shows it") {
    release_status r;
    r.image = "127.0.0.1:5000/team/app";
    r.rule.semver = "~1.4";
    r.rule.min_age_ns = 72LL * 3600 * 1'000'000'000;
    r.services = {"web"};
    r.tag = "1.4.1";
    r.digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    r.passed_over = {"1.5.0 (not in ~1.4)", "1.4.2 (created 5h ago; min_age 72h)"};
    CHECK(release_line(r) == "127.0.0.1:5000/team/app ~1.4, min_age 72h: 1.4.1 (sha256:0123456789ab); not taken: "
                             "1.5.0 (not in ~1.4), 1.4.2 (created 5h ago; min_age 72h)");
    release_status none;
    none.image = "registry.local/app";
    none.rule.semver = "^2";
    none.error = "registry.local did not answer";
    CHECK(release_line(none) == "registry.local/app ^2: no release taken; registry.local did not answer");

    loop_status s;
    s.releases = {r};
    const auto j = to_json(s);
    REQUIRE(j["releases"].size() == 1);
    CHECK(j["releases"][0]["tag"] == "1.4.1");
    CHECK(j["releases"][0]["digest"] == r.digest);
    CHECK(j["releases"][0]["rule"]["semver"] == "~1.4");
    CHECK(j["releases"][0]["rule"]["min_age_seconds"] == 72 * 3600);
    CHECK(j["releases"][0]["not_taken"].size() == 2);
}
