#include <doctest/doctest.h>

#include "drivers/names.hpp"

using namespace driftless::drivers;

TEST_CASE("names: spec names") {
    CHECK(valid_name("web"));
    CHECK(valid_name("db"));
    CHECK(valid_name("a1_b.c-d"));
    CHECK(valid_name("0x"));
    CHECK(valid_name(std::string(63, 'a')));
    CHECK_FALSE(valid_name(std::string(64, 'a')));
    CHECK_FALSE(valid_name("a"));
    CHECK_FALSE(valid_name(""));
    CHECK_FALSE(valid_name("Web"));
    CHECK_FALSE(valid_name("-web"));
    CHECK_FALSE(valid_name(".web"));
    CHECK_FALSE(valid_name("_web"));
    CHECK_FALSE(valid_name("we/b"));
    CHECK_FALSE(valid_name("../etc"));
    CHECK_FALSE(valid_name("web?x=1"));
    CHECK_FALSE(valid_name("web b"));
    CHECK_FALSE(valid_name("web%2F"));
}

TEST_CASE("names: object ids") {
    CHECK(valid_object_id("0123456789ab"));
    CHECK(valid_object_id(std::string(64, 'f')));
    CHECK_FALSE(valid_object_id(std::string(65, 'f')));
    CHECK_FALSE(valid_object_id("0123456789a"));
    CHECK_FALSE(valid_object_id("0123456789AB"));
    CHECK_FALSE(valid_object_id("0123456789ag"));
    CHECK_FALSE(valid_object_id("../../../info"));
}

TEST_CASE("names: image references") {
    CHECK(valid_image_reference("busybox"));
    CHECK(valid_image_reference("driftless-test/busybox:1"));
    CHECK(valid_image_reference("registry.local:5000/team/web:1.4"));
    CHECK(valid_image_reference("web@sha256:" + std::string(64, 'a')));
    CHECK(valid_image_reference("Registry.Local/Web_x:v1.0-rc"));
    CHECK_FALSE(valid_image_reference(""));
    CHECK_FALSE(valid_image_reference("/etc/passwd"));
    CHECK_FALSE(valid_image_reference("a/../../containers/json"));
    CHECK_FALSE(valid_image_reference("a//b"));
    CHECK_FALSE(valid_image_reference("a/.hidden"));
    CHECK_FALSE(valid_image_reference("web?x=1"));
    CHECK_FALSE(valid_image_reference("web#frag"));
    CHECK_FALSE(valid_image_reference("web b"));
    CHECK_FALSE(valid_image_reference("web%2F"));
    CHECK_FALSE(valid_image_reference("web:"));
    CHECK_FALSE(valid_image_reference("-web"));
    CHECK_FALSE(valid_image_reference(std::string(256, 'a')));
}

TEST_CASE("names: exact container name filter") {
    CHECK(exact_container_name_regex("web") == "^/?web$");
    CHECK(exact_container_name_regex("web.local-1_a") == "^/?web\\.local-1_a$");
}
