// What a build asks the engine for, and what its answer says.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "drivers/image_build.hpp"

using namespace driftless::drivers;
using namespace driftless::drivers::docker;

TEST_CASE("image build: the request names every build setting, the owner and the build hash, encoded") {
    build_request r;
    r.tag = "shop-web";
    r.build_hash = "abc";
    r.spec.dockerfile = "docker/Dockerfile";
    r.spec.args = {{"V", "1 2"}};
    r.spec.target = "run";
    r.spec.network = "host";
    r.spec.extra_hosts = {"a:10.0.0.1", "b:10.0.0.2"};
    r.spec.shm_size = 1024;
    r.spec.cache_from = {"shop-web:cache"};
    r.spec.no_cache = true;
    r.spec.pull = true;
    const auto t = build_target(r, "me");
    CHECK(t.rfind("/build?t=shop-web&dockerfile=docker%2FDockerfile&labels=", 0) == 0);
    CHECK(t.find("io.driftless.owner%22%3A%22me") != std::string::npos);
    CHECK(t.find("io.driftless.build-hash%22%3A%22abc") != std::string::npos);
    CHECK(t.find("&buildargs=%7B%22V%22%3A%221%202%22%7D") != std::string::npos);
    CHECK(t.find("&target=run&networkmode=host&extrahosts=a%3A10.0.0.1&extrahosts=b%3A10.0.0.2&shmsize=1024") !=
          std::string::npos);
    CHECK(t.find("&cachefrom=%5B%22shop-web%3Acache%22%5D&nocache=1&pull=1") != std::string::npos);
    // Unset settings are not sent.
    build_request plain;
    plain.tag = "x";
    const auto p = build_target(plain, "me");
    CHECK(p.find("buildargs") == std::string::npos);
    CHECK(p.find("nocache") == std::string::npos);
}

TEST_CASE("image build: the answer's image, and a failure named by its step with the last lines") {
    std::vector<std::string> shown;
    const build_output out = [&](std::string_view l) { shown.emplace_back(l); };
    build_log ok;
    for (const char* line : {R"({"stream":"Step 1/2 : FROM busybox"})", R"({"stream":"\n"})",
                             R"({"stream":" ---\u003e 1a2b\n"})", R"({"aux":{"ID":"sha256:feed"}})",
                             R"({"stream":"Successfully built feed\n"})"})
        ok.feed(line, out);
    CHECK(ok.image_id() == "sha256:feed");
    CHECK_FALSE(ok.error());
    CHECK(shown == std::vector<std::string>{"Step 1/2 : FROM busybox", " ---> 1a2b", "Successfully built feed"});

    build_log bad;
    for (const char* line : {R"({"stream":"Step 2/3 : RUN echo about to fail \u0026\u0026 exit 3"})", R"({"stream":"\n"})",
                             R"({"stream":" ---\u003e Running in 9f\n"})", R"({"stream":"about to fail\n"})",
                             R"({"errorDetail":{"code":3,"message":"The command '/bin/sh -c echo about to fail \u0026\u0026 exit 3' returned a non-zero code: 3"},"error":"The command '/bin/sh -c echo about to fail \u0026\u0026 exit 3' returned a non-zero code: 3"})"})
        bad.feed(line, out);
    REQUIRE(bad.error());
    CHECK(bad.failure() ==
          "step 2/3 (RUN echo about to fail && exit 3): The command '/bin/sh -c echo about to fail && exit 3' returned a "
          "non-zero code: 3; last output:  ---> Running in 9f | about to fail");
    // Podman says STEP; garbage lines are skipped.
    build_log podman;
    podman.feed(R"({"stream":"STEP 1/1: FROM x\n"})", {});
    podman.feed("not json", {});
    podman.feed(R"({"error":"no such image"})", {});
    CHECK(podman.failure() == "step 1/1 (FROM x): no such image");
}
