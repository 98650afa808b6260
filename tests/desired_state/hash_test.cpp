#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

namespace {
std::string h(std::string_view text) { return spec_hash(only_spec(text)); }
}  // namespace

TEST_CASE("canonical_json: every default filled, origin left out") {
    auto j = canonical_json(only_spec("name: web\nimage: nginx\n"));
    CHECK(j.dump() ==
          R"({"kind":"Service","labels":{},"name":"web","spec":{"command":null,"constraints":[],"depends_on":[],)"
          R"("entrypoint":null,"env":{},"expose":null,"healthcheck":null,"image":"nginx",)"
          R"("limits":{"memory_bytes":0,"nano_cpus":0},"mode":"replicated","mounts":[],"networks":[],"open_files":0,)"
          R"("ports":[],"pull":"missing","replicas":1,"reservations":{"memory_bytes":0,"nano_cpus":0},)"
          R"("restart":"unless-stopped","stop_grace_period_ns":null,"user":""}})");
    CHECK(canonical_json(only_spec("kind: Network\nname: front\n")).dump() ==
          R"({"kind":"Network","labels":{},"name":"front","spec":{"attachable":false,"driver":"bridge","driver_opts":{},"internal":false}})");
    CHECK(canonical_json(only_spec("kind: Volume\nname: data\n")).dump() ==
          R"({"kind":"Volume","labels":{},"name":"data","spec":{"driver":"local","driver_opts":{}}})");
}

TEST_CASE("without_defaults: only what differs from the defaults") {
    const auto web = canonical_json(only_spec("name: web\nimage: nginx\nenv: {A: b}\nlabels: {team: x}\n"));
    const auto sparse = without_defaults(web);
    CHECK(sparse.dump() == R"({"kind":"Service","labels":{"team":"x"},"name":"web","spec":{"env":{"A":"b"},"image":"nginx"}})");
    CHECK(without_defaults(sparse) == sparse);
    CHECK(without_defaults(canonical_json(only_spec("kind: Network\nname: front\ninternal: true\n"))).dump() ==
          R"({"kind":"Network","name":"front","spec":{"internal":true}})");
    CHECK(without_defaults(canonical_json(only_spec("kind: Volume\nname: data\n"))).dump() ==
          R"({"kind":"Volume","name":"data","spec":{}})");
    // Anything else is returned as it came.
    const auto odd = nlohmann::json::parse(R"({"kind":"Pod","spec":{"replicas":1}})");
    CHECK(without_defaults(odd) == odd);
    CHECK(without_defaults(nlohmann::json("text")) == nlohmann::json("text"));
}

TEST_CASE("spec_hash: golden values (a change here recreates every object once)") {
    CHECK(h("name: web\nimage: nginx\n") == "53719a168f76f2ab33232f489471255eddf2655e83798a666d5465ed00ccd4a1");
    CHECK(h(R"(name: web
image: registry.local/web:1.4
command: ["web", "--port", "8080"]
env: {LOG_LEVEL: info}
labels: {team: line-3}
ports: ["8080:80", "9000:9000/udp"]
networks: [front, back]
mounts:
  - {type: bind,   source: /opt/data, target: /data, read_only: true}
  - {type: tmpfs,  target: /tmp}
resources: {cpus: 0.5, memory: 256Mi}
healthcheck: {test: ["CMD", "true"], interval: 10s}
depends_on: [db]
)") == "bb99620401e26814789fc6f26f0269d9317199a76ea50f445a11f274ef6fc52e");
    CHECK(h("kind: Network\nname: front\n") == "a11f850cefac76c03d1d319b14a9afe81feed3c9b50c42e3e2e6db713eb9a9ff");
    // The address plan is written only when set: a network without one keeps the hash above.
    CHECK(canonical_json(only_spec("kind: Network\nname: front\nsubnet: 10.40.0.0/16\ngateway: 10.40.0.1\n"))["spec"].dump() ==
          R"({"attachable":false,"driver":"bridge","driver_opts":{},"gateway":"10.40.0.1","internal":false,"subnet":"10.40.0.0/16"})");
    CHECK(h("kind: Network\nname: front\nsubnet: 10.40.0.0/16\n") != h("kind: Network\nname: front\nsubnet: 10.41.0.0/16\n"));
    CHECK(without_defaults(canonical_json(only_spec("kind: Network\nname: front\nsubnet: 10.40.0.0/16\n"))).dump() ==
          R"({"kind":"Network","name":"front","spec":{"subnet":"10.40.0.0/16"}})");
    CHECK(h("name: web\nimage: nginx\n").size() == 64);
}

TEST_CASE("spec_hash: equal meaning gives equal hash") {
    auto same = [](std::string_view a, std::string_view b) {
        INFO(a, " vs ", b);
        CHECK(h(a) == h(b));
    };
    same("name: web\nimage: nginx\n", "image: nginx\nname: web\n");
    same("name: web\nimage: nginx\n", "kind: Service\nname: web\nimage: nginx\n");
    same("name: web\nimage: nginx\n", "{\"name\": \"web\", \"image\": \"nginx\"}");
    same(svc("env: [A=1, B=2]\n"), svc("env: {B: \"2\", A: 1}\n"));
    same(svc("ports: [\"80\"]\n"), svc("ports: [{target: 80}]\n"));
    same(svc("ports: [80, \"8080:81\"]\n"), svc("ports: [\"8080:81\", \"80/tcp\"]\n"));
    same(svc("ports: [\"8000-8001:80-81\"]\n"), svc("ports: [\"8001:81\", \"8000:80\"]\n"));
    same(svc("resources: {memory: 1Gi}\n"), svc("resources: {memory: 1024Mi}\n"));
    same(svc("resources: {memory: 1G, cpus: 0.5}\n"), svc("resources: {memory: 1073741824, cpus: \"0.50\"}\n"));
    same(svc("mounts: [\"/b:/b\", \"aa:/a\"]\n"), svc("mounts: [{type: volume, source: aa, target: /a}, {type: bind, source: /b, target: /b}]\n"));
    same(svc("depends_on: [a1, b1]\n"), svc("depends_on: [b1, a1]\n"));
    same(svc("constraints: [\"node.role==worker\", \"node.id!=x\"]\n"), svc("constraints: [\"node.id != x\", \"node.role == worker\"]\n"));
    same(svc("command: web --port 80\n"), svc("command: [web, --port, \"80\"]\n"));
    same(svc("stop_grace_period: 90s\n"), svc("stop_grace_period: 1m30s\n"));
    same(svc("healthcheck: {disable: true}\n"), svc("healthcheck: {test: [NONE]}\n"));
    same(svc("restart: unless-stopped\npull: missing\nreplicas: 1\n"), svc(""));
    same("name: web\nimage: nginx\nlabels: {b: 1, a: 2}\n", "name: web\nimage: nginx\nlabels: [a=2, b=1]\n");
    same("name: web\nimage: ${IMG:-nginx}\n", "name: web\nimage: nginx\n");
}

TEST_CASE("spec_hash: any meaningful change gives a different hash") {
    const std::string base = h(svc(""));
    const char* changes[] = {
        "pull: always\n", "command: [web]\n", "command: []\n", "entrypoint: [x]\n", "env: {A: \"\"}\n",
        "ports: [80]\n", "ports: [\"80/udp\"]\n", "networks: [front]\n", "mounts: [/data]\n", "user: root\n",
        "resources: {cpus: 1}\n", "resources: {memory: 1}\n", "resources: {reservations: {memory: 1}}\n",
        "open_files: 1024\n", "restart: always\n", "healthcheck: {test: [CMD, x]}\n", "stop_grace_period: 10s\n",
        "depends_on: [db]\n", "replicas: 2\n", "mode: global\n", "constraints: [\"node.role==x\"]\n",
        "expose: {host: a.b, port: 80}\n", "labels: {a: b}\n",
    };
    for (const char* c : changes) {
        INFO(c);
        CHECK(h(svc(c)) != base);
    }
    CHECK(h("name: web\nimage: nginx:1\n") != h("name: web\nimage: nginx:2\n"));
    CHECK(h("name: web\nimage: nginx\n") != h("name: web2\nimage: nginx\n"));
    CHECK(h(svc("networks: [a1, b1]\n")) != h(svc("networks: [b1, a1]\n")));   // the first network matters
    CHECK(h(svc("command: [a, b]\n")) != h(svc("command: [b, a]\n")));
    CHECK(h("kind: Network\nname: web\n") != h("kind: Volume\nname: web\n"));
    CHECK(h("kind: Network\nname: n1\n") != h("kind: Network\nname: n1\ninternal: true\n"));
    CHECK(h("kind: Volume\nname: v1\n") != h("kind: Volume\nname: v1\ndriver_opts: {a: b}\n"));
}

TEST_CASE("spec_hash: origin does not count") {
    spec a = only_spec("name: web\nimage: nginx\n");
    spec b = a;
    b.origin = {"elsewhere.yaml", 7, 3};
    CHECK(spec_hash(a) == spec_hash(b));
    CHECK(a == b);
}
