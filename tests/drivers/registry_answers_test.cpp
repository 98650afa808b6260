// A registry's answers: the next page of tags, Retry-After, the challenge
// of a 401, a tag list, and the error an unsuccessful answer becomes.
#include <doctest/doctest.h>

#include "drivers/http_time.hpp"
#include "drivers/registry_answers.hpp"

using namespace driftless::drivers;
using namespace std::chrono;

TEST_CASE("registry answers: the Link header's next page") {
    CHECK(next_link(R"(</v2/app/tags/list?last=b&n=2>; rel="next")") == "/v2/app/tags/list?last=b&n=2");
    CHECK(next_link(R"(<https://r.example.com/v2/app/tags/list?n=2&last=b>;rel=next)") ==
          "https://r.example.com/v2/app/tags/list?n=2&last=b");
    // Several links, a comma in a quoted parameter, relations in any case.
    CHECK(next_link(R"(</first>; rel="prev"; title="a, b", </second>; REL="Next")") == "/second");
    CHECK(next_link(R"(</x>; rel="prev next")") == "/x");
    CHECK_FALSE(next_link(R"(</x>; rel="prev")").has_value());
    CHECK_FALSE(next_link(R"(</x>; rel="nextpage")").has_value());
    CHECK_FALSE(next_link("").has_value());
    CHECK_FALSE(next_link("</unclosed; rel=next").has_value());
}

TEST_CASE("registry answers: Retry-After in seconds or as a date, at most a day") {
    const auto now = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").value();
    CHECK(parse_retry_after("120", now) == seconds(120));
    CHECK(parse_retry_after(" 0 ", now) == seconds(0));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == seconds(30));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == seconds(0));   // already past
    CHECK(parse_retry_after("999999999999", now) == hours(24));
    CHECK(parse_retry_after("90000", now) == hours(24));
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
    CHECK_FALSE(parse_retry_after("-5", now).has_value());
    CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("registry answers: a 401's challenge, Bearer before Basic") {
    auto bearer = read_challenge({R"(Bearer realm="https://auth.example.com/token",service="registry.example.com")"});
    CHECK(bearer.kind == registry_challenge::scheme::bearer);
    CHECK(bearer.bearer.realm == "https://auth.example.com/token");
    CHECK(bearer.bearer.service == "registry.example.com");
    CHECK(read_challenge({R"(Basic realm="test")"}).kind == registry_challenge::scheme::basic);
    CHECK(read_challenge({"basic"}).kind == registry_challenge::scheme::basic);
    CHECK(read_challenge({R"(Basic realm="x")", R"(Bearer realm="http://127.0.0.1:1/t")"}).kind == registry_challenge::scheme::bearer);
    CHECK(read_challenge({"Negotiate"}).kind == registry_challenge::scheme::none);
    CHECK(read_challenge({}).kind == registry_challenge::scheme::none);
}

TEST_CASE("registry answers: a tag list") {
    CHECK(parse_tag_list(R"({"name":"app","tags":["1.4.1","1.4.2"]})").value() == std::vector<std::string>{"1.4.1", "1.4.2"});
    CHECK(parse_tag_list(R"({"name":"app","tags":null})").value().empty());
    CHECK(parse_tag_list(R"({"name":"app"})").value().empty());
    CHECK(parse_tag_list("<html>").err().message == "the tag list is not a JSON object");
    CHECK(parse_tag_list(R"({"tags":"1.0"})").err().message == "the tag list's \"tags\" is not an array");
    CHECK(parse_tag_list(R"({"tags":[1]})").err().message == "the tag list holds a tag that is not a string");
}

TEST_CASE("registry answers: the error for each unsuccessful status") {
    const auto now = system_clock::now();
    const std::string denied = R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]})";
    auto e = registry_status_error("127.0.0.1:5000", "app", "tags", 401, denied, "", now);
    CHECK(e.code == "unauthorized");
    CHECK(e.http_status == 401);
    CHECK(e.message == "registry 127.0.0.1:5000 refused access to app: HTTP 401 (authentication required)");
    CHECK(registry_status_error("r", "app", "tags", 403, "", "", now).code == "unauthorized");
    auto missing = registry_status_error("r:5000", "app", "manifest 9.9", 404,
                                         R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})", "", now);
    CHECK(missing.code == "not_found");
    CHECK(missing.message == "registry r:5000: app: manifest 9.9 not found: HTTP 404 (manifest unknown)");
    auto busy = registry_status_error("r", "app", "tags", 429, "", "30", now);
    CHECK(busy.code == "rate_limited");
    CHECK(busy.retry_after == seconds(30));
    CHECK(busy.message == "registry r: app: tags: HTTP 429; it asks to be asked again in 30 s");
    auto down = registry_status_error("r", "app", "tags", 503, "", "0", now);
    CHECK(down.code == "unavailable");
    CHECK(down.retry_after == seconds(1));   // said, and at least a second
    CHECK(registry_status_error("r", "app", "tags", 500, "", "30", now).retry_after == seconds(0));
    CHECK(registry_status_error("r", "app", "tags", 503, "", "", now).retry_after == seconds(0));
    CHECK(registry_status_error("r", "app", "tags", 400, "not json", "", now).code == "registry");
    CHECK(registry_status_error("r", "app", "tags", 400, R"({"errors":[{"code":"NAME_INVALID"}]})", "", now).message ==
          "registry r: app: tags: HTTP 400 (NAME_INVALID)");
    // The registry's words are shown, not obeyed by a terminal.
    CHECK(registry_status_error("r", "app", "tags", 400, R"({"errors":[{"message":"a\u001b[31mb"}]})", "", now).message.find('\x1b') ==
          std::string::npos);
}
