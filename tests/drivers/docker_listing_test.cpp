#include <doctest/doctest.h>

#include "drivers/docker_listing.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::docker;
namespace ds = driftless::desired_state;

TEST_CASE("docker listing: containers") {
    const char* body = R"([
      {"Id": "aaaaaaaaaaaa1", "Names": ["/web"], "State": "running",
       "Labels": {"io.driftless.owner": "o", "io.driftless.name": "web", "io.driftless.spec-hash": "h1",
                  "io.driftless.spec": "{}"}},
      {"Id": "bbbbbbbbbbbb2", "Names": ["/other"], "State": "exited", "Labels": null},
      {"Id": "cccccccccccc3", "Names": ["/idle"], "State": "created",
       "Labels": {"io.driftless.owner": "o", "io.driftless.replicas": "0"}}
    ])";
    auto r = parse_container_list(body, naming::by_label);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 3);
    const auto& web = (*r)[0];
    CHECK(web.kind == ds::kind::service);
    CHECK(web.name == "web");
    CHECK(web.id == "aaaaaaaaaaaa1");
    CHECK(web.owner == "o");
    CHECK(web.spec_hash == "h1");
    CHECK(web.spec_json == "{}");
    CHECK(web.state == "running");
    CHECK(web.running);
    CHECK(web.tasks_desired == 1);
    CHECK(web.tasks_running == 1);
    const auto& other = (*r)[1];
    CHECK(other.name == "other");
    CHECK(other.owner == "");
    CHECK_FALSE(other.running);
    const auto& idle = (*r)[2];
    CHECK(idle.name == "idle");
    CHECK(idle.running);
    CHECK(idle.tasks_desired == 0);
    CHECK(idle.tasks_running == 0);
}

TEST_CASE("docker listing: escaped label values and fields of any shape") {
    // io.driftless.spec is JSON inside a JSON string: every quote escaped.
    auto r = parse_container_list(
        R"([{"Ports": [{"PrivatePort": 80, "Type": "tcp"}], "Id": "a1", "Names": ["/w\u00e9b", "/alias"],
             "Labels": {"io.driftless.owner": "o", "io.driftless.spec": "{\"name\":\"w\\u00e9b\",\"env\":{\"A\":\"x\\ny\"}}",
                        "other": {"nested": true}},
             "State": "running", "HostConfig": {"NetworkMode": "default"}, "Mounts": []}])",
        naming::by_label);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0].name == "w\xc3\xa9" "b");
    CHECK((*r)[0].id == "a1");
    CHECK((*r)[0].owner == "o");
    CHECK((*r)[0].spec_json == "{\"name\":\"w\\u00e9b\",\"env\":{\"A\":\"x\\ny\"}}");
    CHECK((*r)[0].running);

    auto empty = parse_container_list("[]", naming::by_label);
    REQUIRE(empty.ok());
    CHECK(empty->empty());
}

TEST_CASE("docker listing: by engine name for conflicts") {
    auto r = parse_container_list(
        R"([{"Id": "a", "Names": ["/web"], "State": "running", "Labels": {"io.driftless.name": "x"}}])",
        naming::by_engine);
    REQUIRE(r.ok());
    CHECK((*r)[0].name == "web");
}

TEST_CASE("docker listing: networks and volumes") {
    auto n = parse_network_list(
        R"([{"Name": "front", "Id": "abc", "Labels": {"io.driftless.owner": "o", "io.driftless.name": "front"}},
            {"Name": "bridge", "Id": "def", "Labels": {}}])",
        naming::by_label);
    REQUIRE(n.ok());
    REQUIRE(n->size() == 2);
    CHECK((*n)[0].kind == ds::kind::network);
    CHECK((*n)[0].name == "front");
    CHECK((*n)[0].id == "abc");
    CHECK((*n)[0].owner == "o");

    auto v = parse_volume_list(
        R"({"Volumes": [{"Name": "reports", "Driver": "local", "Labels": {"io.driftless.owner": "o",
            "io.driftless.spec-hash": "h"}}], "Warnings": null})",
        naming::by_label);
    REQUIRE(v.ok());
    REQUIRE(v->size() == 1);
    CHECK((*v)[0].kind == ds::kind::volume);
    CHECK((*v)[0].name == "reports");
    CHECK((*v)[0].id == "reports");
    CHECK((*v)[0].spec_hash == "h");

    auto none = parse_volume_list(R"({"Volumes": null, "Warnings": null})", naming::by_label);
    REQUIRE(none.ok());
    CHECK(none->empty());
}

TEST_CASE("docker listing: unexpected answers are engine errors") {
    CHECK(parse_container_list("{}", naming::by_label).err().code == "engine");
    CHECK(parse_container_list("not json", naming::by_label).err().message ==
          "unexpected answer to GET /containers/json: malformed JSON");
    CHECK(parse_container_list(R"({"Id": "a"})", naming::by_label).err().message ==
          "unexpected answer to GET /containers/json: not a JSON array");
    CHECK(parse_container_list("[1]", naming::by_label).err().message ==
          "unexpected answer to GET /containers/json: an entry is not an object");
    CHECK(parse_container_list(R"([{"Id": "a", "Names": ["/web"])", naming::by_label).err().code == "engine");
    CHECK(parse_container_list(R"([{"Id": "a"}] [])", naming::by_label).err().code == "engine");
    CHECK(parse_container_list("", naming::by_label).err().code == "engine");
    CHECK(parse_network_list("[1]", naming::by_label).err().code == "engine");
    CHECK(parse_volume_list("[]", naming::by_label).err().code == "engine");
}

TEST_CASE("docker listing: unowned objects with wanted names") {
    std::vector<actual_object> all(4);
    all[0].name = "web";
    all[0].owner = "";
    all[1].name = "web2";
    all[1].owner = "";
    const ownership me{"me", "k"};
    all[2].name = "db";
    all[2].owner = "me";
    all[2].name_matches = true;
    all[2].spec_hash = "h";
    all[2].mac = me.mac(ds::kind::service, "db", "h");
    all[3].name = "cache";
    all[3].owner = "someone";
    auto found = unowned_named(all, {"web", "db", "cache"}, me);
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "web");
    CHECK(found[1].name == "cache");
    // The same labels without a MAC that verifies: not ours, so a conflict.
    all[2].mac = ownership{"me", "another key"}.mac(ds::kind::service, "db", "h");
    CHECK(unowned_named(all, {"db"}, me).size() == 1);
}

TEST_CASE("docker listing: health and exit code from the Status text, and the Created time") {
    auto r = parse_container_list(R"json([
      {"Id": "a1", "Names": ["/db"], "State": "running", "Status": "Up 3 seconds (healthy)", "Created": 1700000000},
      {"Id": "a2", "Names": ["/starting"], "State": "running", "Status": "Up Less than a second (health: starting)"},
      {"Id": "a3", "Names": ["/sick"], "State": "running", "Status": "Up 2 minutes (unhealthy)"},
      {"Id": "a4", "Names": ["/plain"], "State": "running", "Status": "Up 2 minutes"},
      {"Id": "a5", "Names": ["/init"], "State": "exited", "Status": "Exited (0) 5 seconds ago"},
      {"Id": "a6", "Names": ["/crashed"], "State": "exited", "Status": "Exited (137) About a minute ago"},
      {"Id": "a7", "Names": ["/new"], "State": "created", "Status": "Created"}
    ])json",
                                  naming::by_engine);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 7);
    CHECK((*r)[0].health == "healthy");
    CHECK((*r)[0].created == 1700000000);
    CHECK((*r)[0].exit_code == -1);
    CHECK((*r)[1].health == "starting");
    CHECK((*r)[1].created == 0);
    CHECK((*r)[2].health == "unhealthy");
    CHECK((*r)[3].health == "");
    CHECK((*r)[4].exit_code == 0);
    CHECK((*r)[4].health == "");
    CHECK((*r)[5].exit_code == 137);
    CHECK((*r)[6].exit_code == -1);
}
