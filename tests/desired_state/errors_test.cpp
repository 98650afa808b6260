#include <doctest/doctest.h>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

TEST_CASE("diagnostic::to_string") {
    CHECK(diagnostic{{"services/web.yaml", 12, 7}, "ports[1]", "\"80800:80\": port must be 1-65535"}.to_string() ==
          "services/web.yaml:12:7: ports[1]: \"80800:80\": port must be 1-65535");
    CHECK(diagnostic{{"a.yaml", 1, 1}, "", "invalid YAML"}.to_string() == "a.yaml:1:1: invalid YAML");
    CHECK(diagnostic{{"kafka:t/0/5", 0, 0}, "name", "required"}.to_string() == "kafka:t/0/5: name: required");
}

TEST_CASE("unknown keys, with did-you-mean") {
    CHECK(errors("name: web\nimage: nginx\n\nimagee: nginx\nport: [80]\nfrobnicate: 1\nENV: {}\n") ==
          strings{"web.yaml:4:1: imagee: unknown key; did you mean \"image\"?",
                  "web.yaml:5:1: port: unknown key; did you mean \"ports\"?",
                  "web.yaml:6:1: frobnicate: unknown key",
                  "web.yaml:7:1: ENV: unknown key; did you mean \"env\"?"});
}

TEST_CASE("duplicate keys name both lines") {
    CHECK(errors("name: web\nimage: nginx\nreplicas: 1\nimage: httpd\n") ==
          strings{"web.yaml:4:1: image: duplicate key; already defined at line 2:1"});
    CHECK(errors(svc("resources:\n  memory: 1G\n  memory: 2G\n")) ==
          strings{"web.yaml:5:3: resources.memory: duplicate key; already defined at line 4:3"});
}

TEST_CASE("wrong types") {
    CHECK(errors("name: [web]\nimage: {a: b}\nports: 80\nmounts: /data\nenv: 1\n") ==
          strings{"web.yaml:1:7: name: expected a string, got a list",
                  "web.yaml:2:8: image: expected a string, got a mapping",
                  "web.yaml:3:8: ports: expected a list, got a string",
                  "web.yaml:4:9: mounts: expected a list, got a string",
                  "web.yaml:5:6: env: expected a mapping or a list of KEY=VALUE, got a string"});
    CHECK(errors("name:\nimage: nginx\n") == strings{"web.yaml:1:1: name: expected a string, got null"});
}

TEST_CASE("documents that are not mappings") {
    CHECK(errors("- name: web\n") == strings{"web.yaml:1:1: a document must be a mapping (key: value), got a list"});
    CHECK(errors("just text\n") == strings{"web.yaml:1:1: a document must be a mapping (key: value), got a string"});
    CHECK(errors("{[a]: 1}\n") ==
          strings{"web.yaml:1:2: keys must be strings, got a list", "web.yaml:1:1: name: required (e.g. name: web)",
                  "web.yaml:1:1: image: required (e.g. image: nginx:1.25)"});
}

TEST_CASE("empty documents are skipped") {
    CHECK(parse("").ok());
    CHECK(parse("").specs.empty());
    CHECK(parse("# nothing here\n").ok());
    CHECK(parse("---\n---\n# c\n").ok());
    CHECK(parse("~\n").ok());
}

TEST_CASE("YAML syntax errors carry their place") {
    CHECK(errors("name: web\n\timage: x\n") == strings{"web.yaml:2:1: invalid YAML: illegal tab when looking for indentation"});
    CHECK(errors("name: web\nimage: [a, b\n") == strings{"web.yaml:3:1: invalid YAML: end of sequence flow not found"});
    CHECK(errors("name: web\nimage: {a: 1\n") == strings{"web.yaml:3:1: invalid YAML: end of map flow not found"});
    CHECK(errors("a: *nope\n") == strings{"web.yaml:1:4: invalid YAML: the referenced anchor is not defined"});
    SUBCASE("documents before the syntax error are still checked") {
        CHECK(errors("name: web\nimagee: x\n---\nname: [\n") ==
              strings{"web.yaml:5:1: invalid YAML: end of sequence flow not found",
                      "web.yaml:2:1: imagee: unknown key; did you mean \"image\"?",
                      "web.yaml:1:1: image: required (e.g. image: nginx:1.25)"});
    }
}

TEST_CASE("every error in a file is reported, in every document") {
    auto e = errors("name: web\nimage: Nginx\nports: [\"0\"]\nreplicas: x\n---\nkind: Network\nname: N\ndriver: 1 2\n");
    CHECK(e == strings{"web.yaml:2:8: image: \"Nginx\": repository name must be lowercase",
                       "web.yaml:3:9: ports[0]: \"0\": port must be 1-65535",
                       "web.yaml:4:11: replicas: \"x\": expected an integer",
                       "web.yaml:7:7: name: \"N\": must be 2-63 characters of a-z, 0-9, \"_\", \".\", \"-\"",
                       "web.yaml:8:9: driver: \"1 2\": invalid driver name"});
}

