#include <doctest/doctest.h>

#include "desired_state/detail/expand.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::detail;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {
std::string ex(std::string_view text, std::map<std::string, std::string> vars = {}) {
    auto e = expand_variables(text, fake_env(std::move(vars)));
    INFO(e.error);
    REQUIRE(e.error.empty());
    return e.value;
}
std::string ex_error(std::string_view text, std::map<std::string, std::string> vars = {}) {
    return expand_variables(text, fake_env(std::move(vars))).error;
}
}  // namespace

TEST_CASE("expand_variables") {
    CHECK(ex("plain") == "plain");
    CHECK(ex("${A}", {{"A", "x"}}) == "x");
    CHECK(ex("a${A}b${B}c", {{"A", "1"}, {"B", "2"}}) == "a1b2c");
    CHECK(ex("${A:-dflt}") == "dflt");
    CHECK(ex("${A:-dflt}", {{"A", ""}}) == "dflt");
    CHECK(ex("${A-dflt}", {{"A", ""}}) == "");
    CHECK(ex("${A-dflt}") == "dflt");
    CHECK(ex("${A:-${B}}", {{"B", "b"}}) == "b");
    CHECK(ex("${A:-}") == "");
    CHECK(ex("${A:+alt}", {{"A", "x"}}) == "alt");
    CHECK(ex("${A:+alt}") == "");
    CHECK(ex("$$") == "$");
    CHECK(ex("$${A}") == "${A}");
    CHECK(ex("cost: 5$") == "cost: 5$");
    CHECK(ex("echo $HOME") == "echo $HOME");
    CHECK(ex("${A:?needed}", {{"A", "v"}}) == "v");
}

TEST_CASE("expand_variables: errors") {
    CHECK(ex_error("${A}") == "variable A is not set (or not allowed by --env-allow); set it or write ${A:-default}");
    CHECK(ex_error("${A:?set the tag}") == "variable A: set the tag");
    CHECK(ex_error("${A?}") == "variable A is not set");
    CHECK(ex_error("${A") == "unterminated \"${\"; write $$ for a literal \"$\"");
    CHECK(ex_error("${}") == "\"${}\": invalid variable name");
    CHECK(ex_error("${1A}") == "\"${1A}\": invalid variable name");
    CHECK(ex_error("${A B}") == "\"${A B}\": invalid variable name");
    CHECK(ex_error("${A:-${B}}") == "variable B is not set (or not allowed by --env-allow); set it or write ${B:-default}");
}

TEST_CASE("expansion in documents") {
    SUBCASE("every scalar value, before typing") {
        auto s = parse_service("name: ${NAME}\nimage: \"registry.local/web:${TAG:-latest}\"\nreplicas: ${N}\n"
                               "env: {A: \"${A}\", B: $$HOME}\nports: [\"${PORT}:80\"]\n",
                               {{"NAME", "web"}, {"N", "3"}, {"A", "x"}, {"PORT", "8080"}});
        CHECK(s.image == "registry.local/web:latest");
        CHECK(s.replicas == 3);
        CHECK(s.env == string_map{{"A", "x"}, {"B", "$HOME"}});
        CHECK(s.ports[0].published == 8080);
    }
    SUBCASE("keys are not expanded") {
        auto s = parse_service(svc("env: {\"${A}\": 1}\n"), {{"A", "x"}});
        CHECK(s.env == string_map{{"${A}", "1"}});
    }
    SUBCASE("an unset variable is an error at the scalar") {
        CHECK(errors("name: web\nimage: nginx:${TAG}\nenv:\n  A: ${X}\n") ==
              strings{"web.yaml:2:8: image: variable TAG is not set (or not allowed by --env-allow); set it or write ${TAG:-default}",
                      "web.yaml:4:6: env.A: variable X is not set (or not allowed by --env-allow); set it or write ${X:-default}"});
    }
    SUBCASE("the expanded value is validated") {
        CHECK(errors(svc("replicas: ${N}\n"), {{"N", "many"}}) ==
              strings{"web.yaml:3:11: replicas: \"${N}\": expected an integer"});
    }
}
