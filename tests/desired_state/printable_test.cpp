#include <doctest/doctest.h>

#include "desired_state/printable.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("printable escapes what a terminal would act on") {
    CHECK(printable("plain text, \"quotes\" and \\ stay") == "plain text, \"quotes\" and \\ stay");
    CHECK(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(printable("\x1b[2J\x07\x7f") == "\\x1b[2J\\x07\\x7f");
    CHECK(printable(std::string_view("a\0b", 3)) == "a\\x00b");
    CHECK(printable("\xc2\x9b" "31m") == "\\u009b31m");                    // C1 CSI
    CHECK(printable("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xb3") == "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xb3");
    CHECK(printable("\xff\xfe a \xc3") == "\\xff\\xfe a \\xc3");           // invalid and cut-off UTF-8
    CHECK(printable("\xc0\xaf \xed\xa0\x80") == "\\xc0\\xaf \\xed\\xa0\\x80");  // overlong, surrogate
    CHECK(printable(printable("\x1b")) == "\\x1b");
}

TEST_CASE("shorten keeps 80 characters and marks the cut") {
    CHECK(shorten(std::string(80, 'a')) == std::string(80, 'a'));
    CHECK(shorten(std::string(81, 'a')) == std::string(80, 'a') + "…");
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
    std::string cut;
    for (int i = 0; i < 80; ++i) cut += "\xc3\xa9";
    CHECK(shorten(accents) == cut + "…");
    CHECK(shorten("abcdef", 3) == "abc…");
}

TEST_CASE("diagnostics escape control characters in paths, keys and values") {
    CHECK(diagnostic{{"we\x1b[2Jb.yaml", 1, 1}, "a\nb", "line\n2"}.to_string() == "we\\x1b[2Jb.yaml:1:1: a\\nb: line\\n2");
    // A key written with YAML escapes cannot forge a second line or clear the screen.
    CHECK(errors(svc("\"x\\nweb.yaml:1:1: converged\\e[2J\": 1\n")) ==
          strings{"web.yaml:3:1: x\\nweb.yaml:1:1: converged\\x1b[2J: unknown key"});
    CHECK(errors(svc("pull: \"\\e]0;title\\a\\u009b\"\n")) ==
          strings{"web.yaml:3:7: pull: \"\\x1b]0;title\\x07\\u009b\": must be one of missing, always, never"});
}

TEST_CASE("echoed keys and values are shortened to 80 characters") {
    const std::string key(200, 'k');
    CHECK(errors(svc(key + ": 1\n")) == strings{"web.yaml:3:1: " + std::string(80, 'k') + "…: unknown key"});
    const std::string value(200, 'v');
    CHECK(errors(svc("pull: " + value + "\n")) ==
          strings{"web.yaml:3:7: pull: \"" + std::string(80, 'v') + "…\": must be one of missing, always, never"});
}

TEST_CASE("a duplicate env or label key names the key and both places, never a value") {
    CHECK(errors(svc("env:\n  - PASSWORD=hunter2\n  - PASSWORD=s3cret\n")) ==
          strings{"web.yaml:5:5: env[1]: \"PASSWORD\": duplicate key; already set at line 4:5 (env[0])"});
    CHECK(errors(svc("labels:\n  - token=abc\n  - token=def\n")) ==
          strings{"web.yaml:5:5: labels[1]: \"token\": duplicate key; already set at line 4:5 (labels[0])"});
    CHECK(errors(svc("env:\n  PASSWORD: hunter2\n  PASSWORD: s3cret\n")) ==
          strings{"web.yaml:5:3: env.PASSWORD: duplicate key; already defined at line 4:3"});
}
