#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

TEST_CASE("mounts: long form") {
    auto s = parse_service(svc(R"(mounts:
  - {type: bind,   source: /opt/data, target: /data, read_only: true, bind: {propagation: rshared}}
  - {type: volume, source: reports, target: /mnt/reports, volume: {nocopy: true}}
  - {type: tmpfs,  target: /tmp, tmpfs: {size: 64Mi, mode: 1777}}
)"));
    REQUIRE(s.mounts.size() == 3);
    // sorted by target
    CHECK(s.mounts[0].target == "/data");
    CHECK(s.mounts[0].type == mount_type::bind);
    CHECK(s.mounts[0].source == "/opt/data");
    CHECK(s.mounts[0].read_only);
    CHECK(s.mounts[0].bind_propagation == "rshared");
    CHECK(s.mounts[1].target == "/mnt/reports");
    CHECK(s.mounts[1].type == mount_type::volume);
    CHECK(s.mounts[1].volume_nocopy);
    CHECK(s.mounts[2].type == mount_type::tmpfs);
    CHECK(s.mounts[2].tmpfs_size == 64 * 1024 * 1024);
    CHECK(s.mounts[2].tmpfs_mode == 01777);
    CHECK(s.mounts[2].source.empty());
}

TEST_CASE("mounts: short form") {
    auto s = parse_service(svc("mounts: [\"/opt:/opt:ro\", \"data:/data\", \"/anon\", \"cache:/cache:rw,nocopy\"]\n"));
    REQUIRE(s.mounts.size() == 4);
    CHECK(s.mounts[0].target == "/anon");
    CHECK(s.mounts[0].type == mount_type::volume);
    CHECK(s.mounts[0].source.empty());
    CHECK(s.mounts[1].target == "/cache");
    CHECK(s.mounts[1].volume_nocopy);
    CHECK(s.mounts[2].target == "/data");
    CHECK(s.mounts[2].source == "data");
    CHECK(s.mounts[3].type == mount_type::bind);
    CHECK(s.mounts[3].read_only);
    SUBCASE("equal to the long form") {
        auto l = parse_service(svc("mounts: [{type: bind, source: /opt, target: /opt, read_only: true}]\n"));
        auto sh = parse_service(svc("mounts: [\"/opt:/opt:ro\"]\n"));
        CHECK(l.mounts == sh.mounts);
    }
}

TEST_CASE("mounts: errors") {
    auto err = [](const std::string& entry) { return errors(svc("mounts:\n  - " + entry + "\n")); };
    using v = std::vector<std::string>;
    CHECK(err("\"./data:/data\"") == v{"web.yaml:4:5: mounts[0]: \"./data:/data\": a bind source must be an absolute path"});
    CHECK(err("\"data:data\"") == v{"web.yaml:4:5: mounts[0]: \"data:data\": target must be an absolute path"});
    CHECK(err("\"/a:/b:rx\"") == v{"web.yaml:4:5: mounts[0]: \"/a:/b:rx\": unknown mount option \"rx\"; use ro, rw, z or Z"});
    CHECK(err("\"/a:/b:ro:x\"") == v{"web.yaml:4:5: mounts[0]: \"/a:/b:ro:x\": expected SOURCE:TARGET[:ro|rw]"});
    CHECK(err("{source: /a, target: /b}") == v{"web.yaml:4:5: mounts[0].type: required (bind, volume or tmpfs)"});
    CHECK(err("{type: bind, source: opt, target: /b}") ==
          v{"web.yaml:4:5: mounts[0].source: \"opt\": a bind source must be an absolute path"});
    CHECK(err("{type: bind, target: /b}") ==
          v{"web.yaml:4:5: mounts[0].source: required for a bind mount (an absolute host path)"});
    CHECK(err("{type: tmpfs, source: x, target: /b}") == v{"web.yaml:4:5: mounts[0].source: a tmpfs mount has no source"});
    CHECK(err("{type: volume, source: xx, target: b}") == v{"web.yaml:4:5: mounts[0].target: \"b\": must be an absolute path"});
    CHECK(err("{type: volume, source: xx}") ==
          v{"web.yaml:4:5: mounts[0].target: required (an absolute path in the container)"});
    CHECK(err("{type: nfs, target: /b}") ==
          v{"web.yaml:4:12: mounts[0].type: \"nfs\": must be one of bind, volume, tmpfs"});
    CHECK(err("{type: volume, source: xx, target: /b, bind: {propagation: shared}}") ==
          v{"web.yaml:4:44: mounts[0].bind: only for type: bind"});
    CHECK(err("{type: bind, source: /a, target: /b, bind: {propagation: up}}") ==
          v{"web.yaml:4:62: mounts[0].bind.propagation: \"up\": must be one of private, rprivate, shared, rshared, slave, rslave"});
    CHECK(err("{type: tmpfs, target: /b, tmpfs: {mode: 999}}") ==
          v{"web.yaml:4:45: mounts[0].tmpfs.mode: \"999\": expected octal permission bits such as 1777"});
    CHECK(err("{type: tmpfs, target: /b, tmpfs: {size: lots}}") ==
          v{"web.yaml:4:45: mounts[0].tmpfs.size: \"lots\": expected a size such as 256Mi, 1G or 1073741824 (bytes)"});
    CHECK(err("{type: volume, targt: /b}") == v{"web.yaml:4:20: mounts[0].targt: unknown key; did you mean \"target\"?"});
    CHECK(err("{type: volume, source: \"bad name!\", target: /b}") ==
          v{"web.yaml:4:5: mounts[0].source: \"bad name!\": invalid volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)"});
}

TEST_CASE("mounts: duplicate targets") {
    CHECK(errors(svc("mounts:\n  - /opt:/data\n  - {type: volume, source: dd, target: /data/}\n")) ==
          std::vector<std::string>{"web.yaml:5:5: mounts[1]: \"/data\": target is already mounted by mounts[0]"});
}
