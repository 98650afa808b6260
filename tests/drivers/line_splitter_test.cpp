#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "drivers/line_splitter.hpp"

using namespace driftless;
using driftless::drivers::docker::line_splitter;

namespace {

struct collector {
    std::vector<std::string> lines;
    line_splitter::handler handler() {
        return [this](std::string_view l) -> status {
            lines.emplace_back(l);
            return {};
        };
    }
};

}  // namespace

TEST_CASE("line splitter: lines split across reads, CRLF, empty lines and a last line without a break") {
    collector c;
    line_splitter s;
    const auto h = c.handler();
    CHECK(s.feed("{\"a\":", h));
    CHECK(c.lines.empty());
    CHECK(s.feed("1}\r\n\n\r\n{\"b\"", h));
    CHECK(s.feed(":2}\n{\"c\":3}\r", h));
    CHECK(c.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    CHECK(s.finish(h));
    CHECK(c.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
    CHECK(s.finish(h));
    CHECK(c.lines.size() == 3);
}

TEST_CASE("line splitter: the handler's error ends the stream and drops the rest") {
    line_splitter s;
    int calls = 0;
    const line_splitter::handler h = [&calls](std::string_view) -> status {
        ++calls;
        return error{"engine", "pull failed"};
    };
    const status st = s.feed("a\nb\nc", h);
    REQUIRE_FALSE(st);
    CHECK(st.err().message == "pull failed");
    CHECK(calls == 1);
    CHECK(s.finish(h));
    CHECK(calls == 1);
}
