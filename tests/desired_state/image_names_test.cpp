// The parts of an image reference in the distribution grammar.
#include <doctest/doctest.h>

#include "desired_state/image_names.hpp"

using namespace driftless::desired_state;

TEST_CASE("image names: repository paths") {
    for (const char* ok : {"app", "team/app", "a/b/c", "my-app", "my__app", "my.app", "my---app", "a0/1b"}) {
        CAPTURE(ok);
        CHECK(check_repository_path(ok).empty());
    }
    CHECK(check_repository_path("") == "missing repository name");
    CHECK(check_repository_path("App") == "repository name must be lowercase");
    CHECK(check_repository_path("team//app") == "invalid repository name component \"\"");
    CHECK(check_repository_path("/app") == "invalid repository name component \"\"");
    CHECK(check_repository_path("app/") == "invalid repository name component \"\"");
    CHECK(check_repository_path("..") == "invalid repository name component \"..\"");
    CHECK(check_repository_path("a___b") == "invalid repository name component \"a___b\"");
    CHECK(check_repository_path("-app") == "invalid repository name component \"-app\"");
    CHECK(check_repository_path("app?x") == "invalid repository name component \"app?x\"");
    CHECK(check_repository_path("app%2f") == "invalid repository name component \"app%2f\"");
    CHECK(check_repository_path(std::string(256, 'a')) == "repository name longer than 255 characters");
}

TEST_CASE("image names: tags and digests") {
    CHECK(check_tag("1.4.2").empty());
    CHECK(check_tag("_x").empty());
    CHECK(check_tag(std::string(128, 'a')).empty());
    CHECK_FALSE(check_tag(std::string(129, 'a')).empty());
    CHECK_FALSE(check_tag("-x").empty());
    CHECK_FALSE(check_tag("a/b").empty());
    CHECK_FALSE(check_tag("").empty());
    CHECK(check_digest("sha256:" + std::string(64, 'f')).empty());
    CHECK(check_digest("sha256:" + std::string(64, 'F')) == "digest must be sha256: and 64 hex digits");
    CHECK_FALSE(check_digest("sha512:" + std::string(128, 'f')).empty());
    CHECK_FALSE(check_digest("sha256:").empty());
    CHECK_FALSE(check_digest("").empty());
}
