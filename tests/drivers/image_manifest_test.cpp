// An image's manifest, a multi-platform list, and the config's creation
// time, as a registry serves them.
#include <doctest/doctest.h>

#include "drivers/http_time.hpp"
#include "drivers/image_manifest.hpp"

using namespace driftless::drivers;

namespace {

const std::string config_digest = "sha256:" + std::string(64, 'c');
const std::string amd64 = "sha256:" + std::string(64, 'a');
const std::string arm64 = "sha256:" + std::string(64, 'b');
const std::string armv7 = "sha256:" + std::string(64, 'd');
const std::string attestation = "sha256:" + std::string(64, 'e');

std::string index_body() {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + amd64 + R"(","size":1,"platform":{"os":"linux","architecture":"amd64"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + arm64 + R"(","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + armv7 + R"(","size":1,"platform":{"os":"linux","architecture":"arm","variant":"v7"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + attestation + R"(","size":1,"annotations":{"vnd.docker.reference.type":"attestation-manifest"}}
    ]})";
}

}  // namespace

TEST_CASE("image manifest: an image's manifest names its config") {
    const std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
        "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":10,"digest":")" + config_digest + R"("},"layers":[]})";
    auto m = parse_image_manifest(docker, "");
    REQUIRE(m.ok());
    CHECK_FALSE(m->is_list);
    CHECK(m->config_digest == config_digest);
    // An OCI manifest may leave its media type to the Content-Type.
    const std::string oci = R"({"schemaVersion":2,"config":{"digest":")" + config_digest + R"("},"layers":[]})";
    CHECK(parse_image_manifest(oci, "application/vnd.oci.image.manifest.v1+json; charset=utf-8")->config_digest == config_digest);
    CHECK(parse_image_manifest(R"({"schemaVersion":1,"name":"app","fsLayers":[]})", "").err().message.find("schema 1") !=
          std::string::npos);
    CHECK(parse_image_manifest(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})", "").err().message ==
          "the manifest (application/vnd.oci.image.manifest.v1+json) names no config");
    CHECK(parse_image_manifest(R"({"schemaVersion":2,"config":{"digest":"sha256:../../x"}})", "").err().message ==
          "the manifest's config digest \"sha256:../../x\": digest must be sha256: and 64 hex digits");
    CHECK(parse_image_manifest("[]", "").err().message == "the manifest is not a JSON object");
}

TEST_CASE("image manifest: a list's entry for a platform") {
    auto list = parse_image_manifest(index_body(), "");
    REQUIRE(list.ok());
    CHECK(list->is_list);
    REQUIRE(list->manifests.size() == 3);   // the attestation has no platform
    CHECK(list->manifests[1].platform == "linux/arm64/v8");
    CHECK(pick_platform(*list, "linux/amd64").value() == amd64);
    CHECK(pick_platform(*list, "linux/arm64").value() == arm64);      // v8 or none: the same
    CHECK(pick_platform(*list, "linux/arm64/v8").value() == arm64);
    CHECK(pick_platform(*list, "linux/arm/v7").value() == armv7);
    auto none = pick_platform(*list, "linux/s390x");
    CHECK(none.err().code == "not_found");
    CHECK(none.err().message == "the image has no manifest for linux/s390x (it has: linux/amd64, linux/arm64/v8, linux/arm/v7)");
    CHECK(pick_platform(*list, "linux/arm/v6").err().code == "not_found");
    // An entry that names no variant serves any variant asked for.
    image_manifest loose;
    loose.is_list = true;
    loose.manifests = {{armv7, "linux/arm"}};
    CHECK(pick_platform(loose, "linux/arm/v7").value() == armv7);
    CHECK(host_platform().rfind("linux/", 0) == 0);
}

TEST_CASE("image manifest: the config's creation time") {
    auto t = parse_config_created(R"({"architecture":"amd64","created":"2024-05-01T12:34:56.5+02:00","os":"linux"})");
    REQUIRE(t.ok());
    CHECK(*t == parse_rfc3339("2024-05-01T10:34:56.5Z").value());
    CHECK(parse_config_created(R"({"os":"linux"})").err().message == "the image's config has no \"created\" time");
    CHECK(parse_config_created(R"({"created":"yesterday"})").err().message ==
          "the image's config has a \"created\" that is not an RFC 3339 time: \"yesterday\"");
    CHECK(parse_config_created("not json").err().code == "invalid");
}

TEST_CASE("image manifest: content digests are sha256 of the bytes") {
    CHECK(content_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(content_digest("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(manifest_accept().find("application/vnd.oci.image.index.v1+json") != std::string::npos);
    CHECK(manifest_accept().find("application/vnd.docker.distribution.manifest.list.v2+json") != std::string::npos);
}
