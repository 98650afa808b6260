#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("env") {
    SUBCASE("map with every scalar type") {
        auto s = parse_service(svc("env: {LOG_LEVEL: info, PORT: 8080, DEBUG: true, RATIO: 0.5, EMPTY: null, TILDE: ~, Q: \"null\"}\n"));
        CHECK(s.env == string_map{{"LOG_LEVEL", "info"}, {"PORT", "8080"}, {"DEBUG", "true"}, {"RATIO", "0.5"},
                                  {"EMPTY", ""}, {"TILDE", ""}, {"Q", "null"}});
    }
    SUBCASE("list of K=V means the same as the map") {
        auto l = parse_service(svc("env: [\"LOG_LEVEL=info\", \"A=b=c\", \"E=\"]\n"));
        CHECK(l.env == string_map{{"LOG_LEVEL", "info"}, {"A", "b=c"}, {"E", ""}});
        CHECK(l.env == parse_service(svc("env: {E: \"\", A: \"b=c\", LOG_LEVEL: info}\n")).env);
    }
    SUBCASE("errors") {
        CHECK(errors(svc("env:\n  - A=1\n  - B\n  - A=2\n  - =x\n")) ==
              strings{"web.yaml:5:5: env[1]: \"B\": expected KEY=VALUE",
                      "web.yaml:6:5: env[2]: \"A\": duplicate key; already set at line 4:5 (env[0])",
                      "web.yaml:7:5: env[3]: empty key"});
        CHECK(errors(svc("env:\n  A: 1\n  A: 2\n  B: [x]\n")) ==
              strings{"web.yaml:5:3: env.A: duplicate key; already defined at line 4:3",
                      "web.yaml:6:6: env.B: expected a string, number or boolean, got a list"});
        CHECK(errors(svc("env: hello\n")) ==
              strings{"web.yaml:3:6: env: expected a mapping or a list of KEY=VALUE, got a string"});
    }
}

TEST_CASE("labels") {
    auto r = parse("name: web\nimage: nginx\nlabels: {team: line-3, tier: 1}\n");
    REQUIRE(r.ok());
    CHECK(r.specs[0].labels == string_map{{"team", "line-3"}, {"tier", "1"}});
    CHECK(errors(svc("labels: {io.driftless.owner: me, ok: 1}\n")) ==
          strings{"web.yaml:3:10: labels.io.driftless.owner: label keys starting with \"io.driftless.\" are reserved"});
    // A label without "=" has an empty value, as in compose (env keeps its error).
    CHECK(only_spec(svc("labels: [team]\n")).labels == string_map{{"team", ""}});
}
