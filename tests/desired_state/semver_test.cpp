// Versions in image tags and the ranges a release rule takes them by.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "desired_state/semver.hpp"

using namespace driftless::desired_state;

namespace {

version v(const std::string& tag) {
    auto p = parse_version(tag);
    REQUIRE_MESSAGE(p.has_value(), tag);
    return *p;
}

bool in(const std::string& range, const std::string& tag) {
    auto r = version_range::parse(range);
    REQUIRE_MESSAGE(r.ok(), r.err().message);
    return r->contains(v(tag));
}

}  // namespace

TEST_CASE("semver: tags read as versions, or not at all") {
    CHECK(v("1.4.2").to_string() == "1.4.2");
    CHECK(v("v1.4.2").to_string() == "1.4.2");
    CHECK(v("1.4").to_string() == "1.4.0");
    CHECK(v("2").to_string() == "2.0.0");
    CHECK(v("1.4.2-rc.1").to_string() == "1.4.2-rc.1");
    CHECK(v("1.4.2+build.5").to_string() == "1.4.2");
    for (const std::string tag : {"latest", "", "v", "1.x", "1.4.2.1", "01.2.3", "1.4-alpine", "1.4.2-", "1..2",
                                  "1.4.2-rc..1", "99999999999999999999999.1"})
        CHECK_MESSAGE(!parse_version(tag).has_value(), tag);
}

TEST_CASE("semver: precedence, pre-releases below their release") {
    const std::vector<std::string> ordered{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"};
    for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
        CHECK_MESSAGE(compare(v(ordered[i]), v(ordered[i + 1])) < 0, std::string(ordered[i] + " < " + ordered[i + 1]));
        CHECK(compare(v(ordered[i + 1]), v(ordered[i])) > 0);
    }
    CHECK(compare(v("v1.4.1"), v("1.4.1")) == 0);
}

TEST_CASE("semver: ranges as npm and Cargo write them") {
    CHECK(in("~1.4", "1.4.0"));
    CHECK(in("~1.4", "1.4.9"));
    CHECK_FALSE(in("~1.4", "1.5.0"));
    CHECK_FALSE(in("~1.4", "1.3.9"));
    CHECK(in("~1.4.2", "1.4.3"));
    CHECK_FALSE(in("~1.4.2", "1.4.1"));
    CHECK(in("~1", "1.9.0"));
    CHECK_FALSE(in("~1", "2.0.0"));

    CHECK(in("^1.4", "1.9.9"));
    CHECK_FALSE(in("^1.4", "2.0.0"));
    CHECK_FALSE(in("^1.4", "1.3.0"));
    CHECK(in("^0.4", "0.4.7"));
    CHECK_FALSE(in("^0.4", "0.5.0"));
    CHECK(in("^0.0.3", "0.0.3"));
    CHECK_FALSE(in("^0.0.3", "0.0.4"));

    CHECK(in("1.4.x", "1.4.8"));
    CHECK(in("1.4.*", "1.4.8"));
    CHECK(in("1.4", "1.4.8"));
    CHECK_FALSE(in("1.4", "1.5.0"));
    CHECK(in("1.4.2", "1.4.2"));
    CHECK_FALSE(in("1.4.2", "1.4.3"));
    CHECK(in("*", "7.0.0"));

    CHECK(in(">=1.4.0 <2", "1.9.0"));
    CHECK_FALSE(in(">=1.4.0 <2", "2.0.0"));
    CHECK(in(">= 1.4 < 2", "1.4.0"));
    CHECK(in(">1.4", "1.5.0"));
    CHECK_FALSE(in(">1.4", "1.4.9"));            // above every 1.4
    CHECK(in("<=1.4", "1.4.9"));
    CHECK_FALSE(in("<=1.4", "1.5.0"));
    CHECK(in(">1.4.2", "1.4.3"));
    CHECK(in("~1.4 || ^3", "3.2.0"));
    CHECK_FALSE(in("~1.4 || ^3", "2.0.0"));
}

TEST_CASE("semver: a pre-release is taken only when the range names one of its release") {
    CHECK_FALSE(in("~1.4", "1.4.3-beta"));
    CHECK_FALSE(in("^1.4", "1.5.0-rc.1"));
    CHECK_FALSE(in("*", "2.0.0-rc.1"));
    CHECK(in(">=2.0.0-rc.1", "2.0.0-rc.2"));
    CHECK(in(">=2.0.0-rc.1", "2.0.0"));
    CHECK_FALSE(in(">=2.0.0-rc.1", "2.0.1-rc.1"));   // another release's pre-release
}

TEST_CASE("semver: the highest tag a range takes; tags that are not versions are passed over") {
    const std::vector<std::string> tags{"latest", "1.4.0", "1.4.1", "1.5.0", "1.4.2-rc.1", "v1.4.3", "1.4", "2.0.0", "main"};
    auto tilde = version_range::parse("~1.4");
    REQUIRE(tilde.ok());
    CHECK(highest_in(*tilde, tags) == 5u);        // v1.4.3
    auto caret = version_range::parse("^1");
    REQUIRE(caret.ok());
    CHECK(highest_in(*caret, tags) == 3u);        // 1.5.0
    auto none = version_range::parse("^3");
    REQUIRE(none.ok());
    CHECK_FALSE(highest_in(*none, tags).has_value());
}

TEST_CASE("semver: a range that cannot be read says which part") {
    CHECK(version_range::parse("~1.x.4").err().message ==
          "cannot read \"~1.x.4\" in the version range \"~1.x.4\" (e.g. ~1.4, ^2, 1.4.x, >=1.4.0 <2)");
    CHECK(version_range::parse(">=1.4 latest").err().message.find("cannot read \"latest\"") != std::string::npos);
    CHECK(version_range::parse("~1.4 ||").err().message == "the version range \"~1.4 ||\" has an empty alternative");
    CHECK_FALSE(version_range::parse("").ok());
}
