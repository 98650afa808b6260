#include <doctest/doctest.h>

#include "drivers/podman_container_body.hpp"

using namespace driftless::drivers::podman;
using nlohmann::json;

TEST_CASE("podman body: a named ulimit brings nproc along") {
    json body = json::parse(R"({"HostConfig": {"Ulimits": [{"Name": "nofile", "Soft": 2048, "Hard": 2048}]}})");
    add_nproc_ulimit(body, process_limit{4096, 8192});
    CHECK(body["HostConfig"]["Ulimits"] == json::parse(R"([{"Name": "nofile", "Soft": 2048, "Hard": 2048},
                                                          {"Name": "nproc", "Soft": 4096, "Hard": 8192}])"));
}

TEST_CASE("podman body: left alone when there is nothing to add") {
    SUBCASE("no ulimits: podman applies containers.conf's defaults") {
        json body = json::parse(R"({"HostConfig": {"Memory": 1}})");
        const json before = body;
        add_nproc_ulimit(body, process_limit{1, 1});
        CHECK(body == before);
    }
    SUBCASE("nproc named already") {
        json body = json::parse(R"({"HostConfig": {"Ulimits": [{"Name": "nproc", "Soft": 10, "Hard": 10}]}})");
        const json before = body;
        add_nproc_ulimit(body, process_limit{1, 1});
        CHECK(body == before);
    }
    SUBCASE("unlimited here") {
        json body = json::parse(R"({"HostConfig": {"Ulimits": [{"Name": "nofile", "Soft": 1, "Hard": 1}]}})");
        const json before = body;
        add_nproc_ulimit(body, std::nullopt);
        CHECK(body == before);
    }
}

TEST_CASE("podman body: nproc from containers.conf") {
    CHECK(nproc_from_containers_conf("[containers]\ndefault_ulimits = [\"nofile=1024:1024\",\"nproc=4096:8192\"]\n")->hard == 8192);
    CHECK(nproc_from_containers_conf("[containers]\n  default_ulimits = [ 'nproc=2048' ]\n")->soft == 2048);
    CHECK(nproc_from_containers_conf("[containers]\n  default_ulimits = [ 'nproc=2048' ]\n")->hard == 2048);
    CHECK_FALSE(nproc_from_containers_conf("[containers]\n# default_ulimits = [\"nproc=1:1\"]\n").has_value());
    CHECK_FALSE(nproc_from_containers_conf("[containers]\ndefault_ulimits = [\"nofile=1024:1024\"]\n").has_value());
    CHECK_FALSE(nproc_from_containers_conf("default_ulimits = [\"nproc=lots\"]\n").has_value());
    CHECK_FALSE(nproc_from_containers_conf("").has_value());
}
