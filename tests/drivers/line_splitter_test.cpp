// The splitter under streamed bodies, fed step by step.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "drivers/line_splitter.hpp"

using namespace driftless;
using driftless::drivers::docker::line_splitter;

namespace {

struct collected {
    std::vector<std::string> lines;
    line_splitter::line_handler handler() {
        return [this](std::string_view l) -> status {
            lines.emplace_back(l);
            return {};
        };
    }
};

}  // namespace

TEST_CASE("line splitter: lines are handed over as their line break arrives") {
    line_splitter s;
    collected got;
    REQUIRE(s.feed("{\"a\":", got.handler()).ok());
    CHECK(got.lines.empty());
    CHECK(s.pending() == 5);
    REQUIRE(s.feed("1}\n{\"b\"", got.handler()).ok());
    CHECK(got.lines == std::vector<std::string>{"{\"a\":1}"});
    CHECK(s.pending() == 4);
    REQUIRE(s.feed(":2}\r\n\n\r\n{\"c", got.handler()).ok());
    CHECK(got.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    REQUIRE(s.feed("\":3}", got.handler()).ok());
    REQUIRE(s.finish(got.handler()).ok());
    CHECK(got.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
    CHECK(s.pending() == 0);
}

TEST_CASE("line splitter: each fed byte is searched once, however the line is cut") {
    line_splitter s;
    collected got;
    const std::string line(10'000, 'x');
    for (char c : line) REQUIRE(s.feed(std::string_view(&c, 1), got.handler()).ok());
    // Rescanning the pending part on every read would have searched about
    // 50 million bytes by now.
    CHECK(s.scanned() == 10'000);
    CHECK(s.pending() == 10'000);
    REQUIRE(s.feed("\n", got.handler()).ok());
    CHECK(s.scanned() == 10'001);
    REQUIRE(got.lines.size() == 1);
    CHECK(got.lines[0] == line);
}

TEST_CASE("line splitter: a line longer than the cap is an error, with or without its line break") {
    collected got;
    SUBCASE("no line break ever comes") {
        line_splitter s(8);
        REQUIRE(s.feed("12345", got.handler()).ok());
        REQUIRE(s.feed("678", got.handler()).ok());
        CHECK(s.pending() == 8);
        auto st = s.feed("9", got.handler());
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().code == "too_large");
        CHECK(st.err().message == "a line of more than 8 bytes without a line break");
        CHECK(got.lines.empty());
    }
    SUBCASE("the line break comes too late") {
        line_splitter s(8);
        REQUIRE(s.feed("ok\n1234", got.handler()).ok());
        auto st = s.feed("56789\nnext\n", got.handler());
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().code == "too_large");
        CHECK(got.lines == std::vector<std::string>{"ok"});
    }
    SUBCASE("a line of exactly the cap, with CRLF, passes") {
        line_splitter s(8);
        REQUIRE(s.feed("12345678\r\n", got.handler()).ok());
        CHECK(got.lines == std::vector<std::string>{"12345678"});
    }
}

TEST_CASE("line splitter: the handler's error stops the splitting") {
    line_splitter s;
    int seen = 0;
    auto st = s.feed("a\nstop\nc\n", [&](std::string_view l) -> status {
        ++seen;
        if (l == "stop") return error{"engine", "stopped"};
        return {};
    });
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().message == "stopped");
    CHECK(seen == 2);
}
