#include <doctest/doctest.h>

#include "drivers/api_version.hpp"
#include "drivers/engine_error.hpp"

using namespace driftless::drivers;

TEST_CASE("engine errors: HTTP status to code") {
    CHECK(http_success(200));
    CHECK(http_success(201));
    CHECK(http_success(204));
    CHECK(http_success(304));
    CHECK_FALSE(http_success(301));
    CHECK_FALSE(http_success(404));
    CHECK(error_code_for_http(400) == "invalid");
    CHECK(error_code_for_http(404) == "not_found");
    CHECK(error_code_for_http(409) == "conflict");
    CHECK(error_code_for_http(500) == "engine");
    CHECK(error_code_for_http(403) == "engine");
    CHECK(error_code_for_http(503) == "engine");
}

TEST_CASE("engine errors: the engine's message and the status are kept") {
    auto e = http_error(409, R"({"message":"Conflict. The container name \"/web\" is already in use"})");
    CHECK(e.code == "conflict");
    CHECK(e.http_status == 409);
    CHECK(e.message == "Conflict. The container name \"/web\" is already in use (HTTP 409)");

    auto plain = http_error(502, "bad gateway\n");
    CHECK(plain.code == "engine");
    CHECK(plain.message == "bad gateway (HTTP 502)");

    auto empty = http_error(404, "");
    CHECK(empty.code == "not_found");
    CHECK(empty.message == "the engine answered without a message (HTTP 404)");

    auto ctx = with_context(http_error(400, R"({"message":"bad"})"), "create container \"web\"");
    CHECK(ctx.message == "create container \"web\": bad (HTTP 400)");
    CHECK(ctx.code == "invalid");
    CHECK(ctx.http_status == 400);
}

TEST_CASE("engine errors: API version negotiation") {
    CHECK(compare_api_versions("1.41", "1.41") == 0);
    CHECK(compare_api_versions("1.9", "1.41") == -1);
    CHECK(compare_api_versions("1.43", "1.41") == 1);
    CHECK(compare_api_versions("2.0", "1.41") == 1);
    CHECK(negotiate_api_version("1.41").value() == "1.41");
    CHECK(negotiate_api_version("1.43").value() == "1.41");
    CHECK(negotiate_api_version("1.40").value() == "1.40");
    auto old = negotiate_api_version("1.24");
    REQUIRE_FALSE(old.ok());
    CHECK(old.err().code == "engine");
    CHECK(old.err().message ==
          "the engine speaks API 1.24, older than 1.30, the oldest driftless supports; upgrade the engine");
    CHECK_FALSE(negotiate_api_version("v1").ok());
    CHECK_FALSE(negotiate_api_version("1.").ok());
}

TEST_CASE("engine errors: errors inside a streamed answer") {
    CHECK(stream_error_message(R"({"status":"Pulling fs layer","progressDetail":{},"id":"a1"})") == std::nullopt);
    CHECK(stream_error_message(R"({"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"})") ==
          std::optional<std::string>("manifest unknown"));
    CHECK(stream_error_message(R"({"error":{"code":1}})") == std::optional<std::string>(R"({"code":1})"));
    CHECK(stream_error_message(R"({"error":null})") == std::nullopt);
    CHECK(stream_error_message("not json") == std::nullopt);
    CHECK(stream_error_message("") == std::nullopt);
}

TEST_CASE("engine errors: the digest a pull reports") {
    CHECK(stream_pulled_digest(
              R"({"status":"Digest: sha256:4b8d3d3c0e9bd1bd37c4a9ab0a88bd4d4e2e1bbf9b61bd4fb2f8a28f8b8e1e2c"})") ==
          std::optional<std::string>("sha256:4b8d3d3c0e9bd1bd37c4a9ab0a88bd4d4e2e1bbf9b61bd4fb2f8a28f8b8e1e2c"));
    CHECK(stream_pulled_digest(R"({"status":"Status: Image is up to date for x:1"})") == std::nullopt);
    CHECK(stream_pulled_digest(R"({"status":"Digest: "})") == std::nullopt);
    CHECK(stream_pulled_digest(R"({"id":"Digest: sha256:1"})") == std::nullopt);
    CHECK(stream_pulled_digest("Digest: sha256:1") == std::nullopt);
}
