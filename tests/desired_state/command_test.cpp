#include <doctest/doctest.h>

#include "desired_state/detail/shell_split.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::detail;
using namespace driftless::desired_state::testing;
using words = std::vector<std::string>;

TEST_CASE("shell_split") {
    CHECK(shell_split("web --port 8080").words == words{"web", "--port", "8080"});
    CHECK(shell_split("  a \t b\n c  ").words == words{"a", "b", "c"});
    CHECK(shell_split("sh -c 'echo $HOME; exit 1'").words == words{"sh", "-c", "echo $HOME; exit 1"});
    CHECK(shell_split(R"(echo "a \"b\" \$c \n")").words == words{"echo", R"(a "b" $c \n)"});
    CHECK(shell_split(R"(a\ b c\\d)").words == words{"a b", "c\\d"});
    CHECK(shell_split("a \"\" ''").words == words{"a", "", ""});
    CHECK(shell_split("x'y'\"z\"").words == words{"xyz"});
    CHECK(shell_split("a \\\nb").words == words{"a", "b"});
    CHECK(shell_split("").words.empty());
    CHECK(shell_split("'abc").error == "unterminated single quote");
    CHECK(shell_split("\"abc").error == "unterminated double quote");
    CHECK(shell_split("abc\\").error == "trailing backslash");
}

TEST_CASE("command and entrypoint") {
    SUBCASE("list") {
        auto s = parse_service(svc("command: [\"web\", \"--port\", 8080]\nentrypoint: [/bin/web]\n"));
        CHECK(s.command == words{"web", "--port", "8080"});
        CHECK(s.entrypoint == words{"/bin/web"});
    }
    SUBCASE("string split like a shell") {
        auto s = parse_service(svc("command: web --name 'a b'\n"));
        CHECK(s.command == words{"web", "--name", "a b"});
        CHECK(s.command == parse_service(svc("command: [web, --name, a b]\n")).command);
    }
    SUBCASE("unset means the image default, empty clears it") {
        auto s = parse_service(svc(""));
        CHECK_FALSE(s.command.has_value());
        CHECK_FALSE(s.entrypoint.has_value());
        CHECK(parse_service(svc("entrypoint: []\n")).entrypoint == words{});
        CHECK(parse_service(svc("entrypoint: \"\"\n")).entrypoint == words{});
    }
    SUBCASE("errors") {
        CHECK(errors(svc("command: web 'oops\n")) ==
              words{"web.yaml:3:10: command: \"web 'oops\": unterminated single quote"});
        CHECK(errors(svc("command: [web, [a]]\nentrypoint: {a: b}\n")) ==
              words{"web.yaml:3:16: command[1]: expected a string, got a list",
                    "web.yaml:4:13: entrypoint: expected a list of strings or a string, got a mapping"});
    }
}
