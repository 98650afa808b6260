#include <doctest/doctest.h>

#include "drivers/image_reference.hpp"

using driftless::drivers::image_reference;
using driftless::drivers::split_image_reference;

TEST_CASE("image reference: repository, tag and digest") {
    CHECK(split_image_reference("busybox") == image_reference{"busybox", "latest", ""});
    CHECK(split_image_reference("driftless-test/busybox:1") == image_reference{"driftless-test/busybox", "1", ""});
    CHECK(split_image_reference("registry.local:5000/web") == image_reference{"registry.local:5000/web", "latest", ""});
    CHECK(split_image_reference("registry.local:5000/web:1.4") == image_reference{"registry.local:5000/web", "1.4", ""});
    CHECK(split_image_reference("web@sha256:abc") == image_reference{"web", "", "sha256:abc"});
    CHECK(split_image_reference("127.0.0.1:5000/web:2@sha256:abc") ==
          image_reference{"127.0.0.1:5000/web", "2", "sha256:abc"});
}
