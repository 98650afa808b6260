// Hostile input: each gives errors quickly, never a crash, a hang or
// runaway memory. The large inputs are generated here, not committed.
#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("hostile: size") {
    std::string big = "name: web\nimage: nginx\nenv:\n";
    while (big.size() < 10 * 1024 * 1024) big += "  K" + std::to_string(big.size()) + ": v\n";
    auto r = parse(big);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].to_string() ==
          "web.yaml:1:1: document is " + std::to_string(big.size()) + " bytes; the limit is 4194304");
}

TEST_CASE("hostile: deep nesting") {
    SUBCASE("flow") {
        std::string deep = "name: web\nimage: nginx\ncommand: " + std::string(20000, '[') + std::string(20000, ']') + "\n";
        CHECK(errors(deep) == strings{"web.yaml:3:73: nested deeper than 64 levels"});
    }
    SUBCASE("flow mappings, unterminated") {
        std::string deep;
        for (int i = 0; i < 20000; ++i) deep += "{a: ";
        CHECK(errors(deep) == strings{"web.yaml:1:253: nested deeper than 64 levels"});
    }
    SUBCASE("block sequences") {
        std::string deep;
        for (int i = 0; i < 20000; ++i) deep += "- ";
        deep += "x\n";
        CHECK(errors(deep) == strings{"web.yaml:1:129: nested deeper than 64 levels"});
    }
    SUBCASE("indented block mappings") {
        std::string deep;
        for (int i = 0; i < 2000; ++i) deep += std::string(i, ' ') + "a:\n";
        CHECK(errors(deep) == strings{"web.yaml:65:65: nested deeper than 64 levels"});
    }
    SUBCASE("the limit is an option") {
        parse_options o = options_with();
        o.max_depth = 3;
        auto r = parse_text("name: web\nimage: nginx\nmounts: [{type: tmpfs, target: /t, tmpfs: {size: 1k}}]\n", "d.yaml", o);
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0].to_string() == "d.yaml:3:43: nested deeper than 3 levels");
    }
}

TEST_CASE("hostile: alias bomb") {
    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    std::string prev = "a";
    for (char c = 'b'; c <= 'j'; ++c) {
        bomb += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 9; ++i) bomb += (i ? ",*" : "*") + prev;
        bomb += "]\n";
        prev = std::string(1, c);
    }
    SUBCASE("in a field that walks lists") {
        auto r = parse(bomb + "name: web\nimage: nginx\nports: *j\ncommand: *j\n");
        CHECK_FALSE(r.ok());
        CHECK(r.errors.size() <= 101);
    }
    SUBCASE("the visit budget stops the walk") {
        // Each of 1000 mounts is an alias of one mapping with 1000 keys: a
        // million nodes to read from a few kilobytes.
        std::string m = "m: &m {";
        for (int i = 0; i < 1000; ++i) m += (i ? ", k" : "k") + std::to_string(i) + ": 1";
        m += "}\nname: web\nimage: nginx\nmounts: [";
        for (int i = 0; i < 1000; ++i) m += i ? ",*m" : "*m";
        m += "]\n";
        parse_options o = options_with();
        o.max_errors = 1'000'000;
        o.max_nodes = 10'000;
        auto r = parse_text(m, "bomb.yaml", o);
        REQUIRE_FALSE(r.errors.empty());
        CHECK(r.errors.back().message == "document too complex: more than 10000 nodes to read (aliases expand to too much)");
        CHECK(r.errors.size() < 10'000);
        SUBCASE("and the error cap stops the report") {
            auto capped = parse_text(m, "bomb.yaml", options_with());
            CHECK(capped.errors.size() == 101);
            CHECK(capped.errors.back().message == "too many errors; stopped after 100");
        }
    }
    SUBCASE("an alias inside its own anchor") {
        CHECK(errors("a: &a [1, *a]\n") == strings{"web.yaml:1:11: alias *a refers to a node that contains it"});
    }
}

TEST_CASE("hostile: bytes") {
    SUBCASE("binary garbage") {
        std::string garbage;
        std::uint32_t x = 12345;
        for (int i = 0; i < 4096; ++i) {
            x = x * 1103515245 + 12345;
            garbage += static_cast<char>(x >> 16);
        }
        auto r = parse(garbage);
        CHECK(r.errors.size() == 1);
    }
    SUBCASE("NUL") {
        CHECK(errors(std::string("name: web\nimage: ng\0inx\n", 23)) ==
              strings{"web.yaml:2:10: NUL byte: the file is binary or not UTF-8 text"});
    }
    SUBCASE("invalid UTF-8") {
        CHECK(errors("name: web\nimage: \"\xC3\x28\"\n") ==
              strings{"web.yaml:2:9: invalid UTF-8: the file is binary or in another encoding"});
        CHECK(errors("a: \xED\xA0\x80\n").size() == 1);      // a surrogate
        CHECK(errors("a: \xC0\xAF\n").size() == 1);          // overlong
        CHECK(errors("a: \xF0\x9F\x98").size() == 1);        // cut short
    }
    SUBCASE("valid UTF-8 is fine, columns count characters") {
        CHECK(errors("name: web\nimage: nginx\nlabels: {été: \"日本\"}\nreplicas: x\n") ==
              strings{"web.yaml:4:11: replicas: \"x\": expected an integer"});
        CHECK(errors("name: web\nimage: nginx\nlabels: {\"日本\": x, a: [1]}\n") ==
              strings{"web.yaml:3:26: labels.a: expected a string, number or boolean, got a list"});
    }
    SUBCASE("control characters") {
        CHECK(errors("name: web\x01\n") == strings{"web.yaml:1:10: control character 0x01 is not allowed in YAML"});
    }
    SUBCASE("a byte-order mark is fine") { CHECK(parse("\xEF\xBB\xBFname: web\nimage: nginx\n").ok()); }
}

TEST_CASE("hostile: numbers") {
    CHECK(errors(svc("replicas: 99999999999999999999999\nopen_files: -99999999999999999999999\n")) ==
          strings{"web.yaml:3:11: replicas: \"99999999999999999999999\": out of range; must be 0-1000000",
                  "web.yaml:4:13: open_files: \"-99999999999999999999999\": out of range; must be 1-1048576"});
    CHECK(errors(svc("resources: {memory: 99999999999999999999999999999Ti, cpus: 1e400}\n")) ==
          strings{"web.yaml:3:21: resources.memory: \"99999999999999999999999999999Ti\": too large",
                  "web.yaml:3:60: resources.cpus: \"1e400\": expected a number of CPUs such as 0.5 or 2"});
    CHECK(errors(svc("stop_grace_period: 99999999999999999999h\n")) ==
          strings{"web.yaml:3:20: stop_grace_period: \"99999999999999999999h\": too large"});
}

TEST_CASE("hostile: many documents and long strings") {
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "---\n# empty\n";
    CHECK(parse(many).ok());
    std::string long_name = "name: " + std::string(100000, 'a') + "\nimage: nginx\n";
    auto e = errors(long_name);
    REQUIRE(e.size() == 1);
    CHECK(e[0].size() < 300);
}

TEST_CASE("hostile: port ranges that multiply") {
    std::string many = "name: web\nimage: nginx\nports:\n";
    for (int i = 0; i < 1000; ++i) many += "  - \"1-65535\"\n";
    CHECK(errors(many) == strings{"web.yaml:5:5: ports[1]: too many ports (more than 65536 once ranges are expanded)"});
}
