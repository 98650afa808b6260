#include <doctest/doctest.h>

#include "drivers/url.hpp"

using namespace driftless::drivers;

TEST_CASE("url: percent-encoding keeps only unreserved characters") {
    CHECK(url_encode("abcXYZ019-._~") == "abcXYZ019-._~");
    CHECK(url_encode("a b&c=d/e?f#g") == "a%20b%26c%3Dd%2Fe%3Ff%23g");
    CHECK(url_encode("{\"label\":[\"x=y\"]}") == "%7B%22label%22%3A%5B%22x%3Dy%22%5D%7D");
    CHECK(url_encode("\xc3\xa9") == "%C3%A9");
    CHECK(url_encode(std::string("a\0b", 3)) == "a%00b");
    CHECK(url_encode("") == "");
}

TEST_CASE("url: query strings keep order and encode keys and values") {
    CHECK(query_string({}) == "");
    CHECK(query_string({{"all", "1"}}) == "?all=1");
    CHECK(query_string({{"force", "1"}, {"v", "0"}}) == "?force=1&v=0");
    CHECK(query_string({{"name", "web"}, {"x y", "a+b"}}) == "?name=web&x%20y=a%2Bb");
}

TEST_CASE("url: filters are the engine's JSON map of lists") {
    CHECK(filters_json({}) == "{}");
    CHECK(filters_json({{"label", {"io.driftless.owner=t1"}}}) == R"({"label":["io.driftless.owner=t1"]})");
    CHECK(filters_json({{"name", {"^/a$", "^/b\\.c$"}}, {"label", {"k"}}}) ==
          R"({"label":["k"],"name":["^/a$","^/b\\.c$"]})");
    CHECK(query_string({{"filters", filters_json({{"label", {"io.driftless.owner=t1"}}})}}) ==
          "?filters=%7B%22label%22%3A%5B%22io.driftless.owner%3Dt1%22%5D%7D");
}
