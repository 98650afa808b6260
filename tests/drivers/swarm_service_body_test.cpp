#include <doctest/doctest.h>

#include "drivers/swarm_service_body.hpp"

using namespace driftless::drivers::swarm;
using nlohmann::json;
namespace ds = driftless::desired_state;

namespace {

ds::spec service_spec(ds::service svc, std::string name = "web") {
    ds::spec s;
    s.name = std::move(name);
    s.body = std::move(svc);
    return s;
}

ds::service minimal() {
    ds::service svc;
    svc.image = "driftless-test/busybox:1";
    return svc;
}

}  // namespace

TEST_CASE("swarm service body: a minimal service") {
    const json b = service_spec_body(service_spec(minimal()), "h1", driftless::drivers::ownership{"own", ""}, "{\"name\":\"web\"}");
    CHECK(b == json::parse(R"({
        "Name": "web",
        "Labels": {"io.driftless.owner": "own", "io.driftless.name": "web", "io.driftless.spec-hash": "h1",
                   "io.driftless.kind": "Service", "io.driftless.spec": "{\"name\":\"web\"}",
                   "io.driftless.mac": "0d0861c047995e4e3932694adb392613affbbf5f054f51bd06926146c6c8ccd0"},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": "driftless-test/busybox:1",
                "Labels": {}
            },
            "RestartPolicy": {"Condition": "any"}
        },
        "Mode": {"Replicated": {"Replicas": 1}},
        "UpdateConfig": {"Parallelism": 1, "FailureAction": "rollback"},
        "EndpointSpec": {"Mode": "vip", "Ports": []}
    })"));
}

TEST_CASE("swarm service body: every field") {
    ds::service svc = minimal();
    svc.command = std::vector<std::string>{"web", "--port", "8080"};
    svc.entrypoint = std::vector<std::string>{"/bin/web"};
    svc.env = {{"LOG_LEVEL", "info"}, {"A", "x=y"}};
    svc.ports = {
        {80, 8080, "", "tcp", "ingress"},
        {9000, 9000, "", "udp", "host"},
        {7000, 0, "", "tcp", "ingress"},
    };
    svc.networks = {"front", "back"};
    ds::mount bind;
    bind.type = ds::mount_type::bind;
    bind.source = "/opt/data";
    bind.target = "/data";
    bind.read_only = true;
    bind.bind_propagation = "rslave";
    ds::mount nfs;
    nfs.type = ds::mount_type::volume;
    nfs.source = "reports";
    nfs.target = "/mnt/reports";
    nfs.volume_nocopy = true;
    ds::mount plain;
    plain.type = ds::mount_type::volume;
    plain.source = "cache";
    plain.target = "/cache";
    ds::mount tmp;
    tmp.type = ds::mount_type::tmpfs;
    tmp.target = "/tmp";
    tmp.tmpfs_size = 1 << 20;
    tmp.tmpfs_mode = 01777;
    svc.mounts = {plain, bind, nfs, tmp};
    svc.user = "1234:5678";
    svc.limits = {500'000'000, 256 << 20};
    svc.reservations = {250'000'000, 128 << 20};
    svc.open_files = 65535;
    svc.restart = ds::restart_policy::on_failure;
    svc.health = ds::healthcheck{{"CMD", "wget", "-q", "localhost:8080"}, 10'000'000'000, 3'000'000'000, 1'000'000'000, 3, false};
    svc.stop_grace_period_ns = 10'000'000'000;
    svc.replicas = 3;
    svc.constraints = {"node.labels.zone==a", "node.role==worker"};
    svc.depends_on = {"db"};
    svc.pull = ds::pull_policy::always;
    ds::spec s = service_spec(svc);
    s.labels = {{"team", "line-3"}};

    const volume_configs volumes = {
        {"reports", {"local", {{"type", "nfs"}, {"o", "addr=10.0.0.5,nfsvers=4"}, {"device", ":/exports/reports"}}}},
        {"cache", {"local", {}}},
    };
    const json b = service_spec_body(s, "h2", driftless::drivers::ownership{"own", ""}, "", volumes);
    CHECK(b == json::parse(R"({
        "Name": "web",
        "Labels": {"io.driftless.owner": "own", "io.driftless.name": "web", "io.driftless.spec-hash": "h2",
                   "io.driftless.kind": "Service", "team": "line-3",
                   "io.driftless.mac": "577353a4b8499e58c98f42db54844fc99ddfef746151261272f72eac7861005d"},
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": "driftless-test/busybox:1",
                "Command": ["/bin/web"],
                "Args": ["web", "--port", "8080"],
                "Env": ["A=x=y", "LOG_LEVEL=info"],
                "Labels": {"team": "line-3"},
                "User": "1234:5678",
                "Mounts": [
                    {"Type": "volume", "Source": "cache", "Target": "/cache", "ReadOnly": false,
                     "VolumeOptions": {"DriverConfig": {"Name": "local"}}},
                    {"Type": "bind", "Source": "/opt/data", "Target": "/data", "ReadOnly": true,
                     "BindOptions": {"Propagation": "rslave"}},
                    {"Type": "volume", "Source": "reports", "Target": "/mnt/reports", "ReadOnly": false,
                     "VolumeOptions": {"NoCopy": true, "DriverConfig": {"Name": "local", "Options":
                         {"type": "nfs", "o": "addr=10.0.0.5,nfsvers=4", "device": ":/exports/reports"}}}},
                    {"Type": "tmpfs", "Target": "/tmp", "ReadOnly": false,
                     "TmpfsOptions": {"SizeBytes": 1048576, "Mode": 1023}}
                ],
                "Ulimits": [{"Name": "nofile", "Soft": 65535, "Hard": 65535}],
                "Healthcheck": {"Test": ["CMD", "wget", "-q", "localhost:8080"], "Interval": 10000000000,
                                "Timeout": 3000000000, "StartPeriod": 1000000000, "Retries": 3},
                "StopGracePeriod": 10000000000
            },
            "Resources": {
                "Limits": {"NanoCPUs": 500000000, "MemoryBytes": 268435456},
                "Reservations": {"NanoCPUs": 250000000, "MemoryBytes": 134217728}
            },
            "RestartPolicy": {"Condition": "on-failure"},
            "Placement": {"Constraints": ["node.labels.zone==a", "node.role==worker"]},
            "Networks": [{"Target": "front", "Aliases": ["web"]}, {"Target": "back", "Aliases": ["web"]}]
        },
        "UpdateConfig": {"Parallelism": 1, "FailureAction": "rollback"},
        "Mode": {"Replicated": {"Replicas": 3}},
        "EndpointSpec": {"Mode": "vip", "Ports": [
            {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
            {"Protocol": "udp", "TargetPort": 9000, "PublishedPort": 9000, "PublishMode": "host"},
            {"Protocol": "tcp", "TargetPort": 7000, "PublishMode": "ingress"}
        ]}
    })"));
}

TEST_CASE("swarm service body: global mode, replicas 0, limits without reservations, disabled healthcheck") {
    SUBCASE("global") {
        ds::service svc = minimal();
        svc.mode = ds::service_mode::global;
        CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["Mode"] == json::parse(R"({"Global": {}})"));
    }
    SUBCASE("replicas 0") {
        ds::service svc = minimal();
        svc.replicas = 0;
        CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["Mode"] == json::parse(R"({"Replicated": {"Replicas": 0}})"));
    }
    SUBCASE("only a memory limit") {
        ds::service svc = minimal();
        svc.limits.memory_bytes = 64 << 20;
        CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"]["Resources"] ==
              json::parse(R"({"Limits": {"MemoryBytes": 67108864}})"));
    }
    SUBCASE("healthcheck disabled") {
        ds::service svc = minimal();
        svc.health = ds::healthcheck{};
        svc.health->disable = true;
        CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"]["ContainerSpec"]["Healthcheck"] ==
              json::parse(R"({"Test": ["NONE"]})"));
    }
    SUBCASE("a volume mount whose volume is not known gets no driver config") {
        ds::service svc = minimal();
        ds::mount m;
        m.source = "elsewhere";
        m.target = "/x";
        svc.mounts = {m};
        CHECK(service_spec_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"]["ContainerSpec"]["Mounts"] ==
              json::parse(R"([{"Type": "volume", "Source": "elsewhere", "Target": "/x", "ReadOnly": false}])"));
    }
}

TEST_CASE("swarm service body: expose becomes Traefik labels on the service and its containers") {
    ds::service svc = minimal();
    svc.expose = ds::expose_spec{"web.factory.local", "", 8080};
    const json b = service_spec_body(service_spec(svc, "web.api"), "h", driftless::drivers::ownership{"o", ""}, "");
    CHECK(b["Labels"]["traefik.http.routers.web-api.rule"] == "Host(`web.factory.local`)");
    CHECK(b["TaskTemplate"]["ContainerSpec"]["Labels"]["traefik.enable"] == "true");
}

TEST_CASE("swarm restart conditions") {
    CHECK(std::string(restart_condition(ds::restart_policy::no)) == "none");
    CHECK(std::string(restart_condition(ds::restart_policy::on_failure)) == "on-failure");
    CHECK(std::string(restart_condition(ds::restart_policy::always)) == "any");
    CHECK(std::string(restart_condition(ds::restart_policy::unless_stopped)) == "any");
}

TEST_CASE("swarm container labels are the user's only: no ownership label, and scaling does not replace tasks") {
    ds::service svc = minimal();
    ds::spec s = service_spec(svc);
    s.labels = {{"team", "a"}};
    CHECK(container_labels(s) == ds::string_map{{"team", "a"}});
    ds::spec one = s, three = s;
    std::get<ds::service>(three.body).replicas = 3;
    CHECK(service_spec_body(one, "h1", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"] == service_spec_body(three, "h3", driftless::drivers::ownership{"o", ""}, "")["TaskTemplate"]);
}

TEST_CASE("swarm service spec checks") {
    CHECK(check_service_spec(service_spec(minimal())).ok());
    SUBCASE("a host IP cannot be honoured") {
        ds::service svc = minimal();
        svc.ports = {{8080, 0, "127.0.0.1", "tcp", "ingress"}};
        auto st = check_service_spec(service_spec(svc));
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().code == "invalid");
        CHECK(st.err().message ==
              "web: ports: 127.0.0.1:0:8080: Swarm publishes a port on every address of every node; remove the host IP");
    }
    SUBCASE("replicas above 1 are fine") {
        ds::service svc = minimal();
        svc.replicas = 5;
        CHECK(check_service_spec(service_spec(svc)).ok());
    }
    SUBCASE("a bad image reference") {
        ds::service svc = minimal();
        svc.image = "../etc";
        auto st = check_service_spec(service_spec(svc));
        REQUIRE_FALSE(st.ok());
        CHECK(st.err().message == "web: image \"../etc\" is not a valid image reference");
    }
}

TEST_CASE("swarm service body: secrets and configs by id, a /run/secrets target relative, no content") {
    ds::service svc = minimal();
    ds::secret_mount pw;
    pw.name = "shop_pw-0123456789ab";
    pw.target = "/run/secrets/pw";
    pw.file = "/srv/shop/pw.txt";
    pw.data = "s3cret";
    pw.mode = 0400;
    pw.uid = "70";
    ds::secret_mount conf;
    conf.config = true;
    conf.name = "shop_conf-ba9876543210";
    conf.target = "/etc/app.conf";
    conf.data = "a=1";
    svc.secrets = {conf, pw};
    const json b = service_spec_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "{}", {},
                                     {{pw.name, "sid"}, {conf.name, "cid"}});
    const json& c = b["TaskTemplate"]["ContainerSpec"];
    CHECK(c["Secrets"] == json::parse(R"([{"File": {"Name": "pw", "UID": "70", "GID": "0", "Mode": 256},
                                           "SecretID": "sid", "SecretName": "shop_pw-0123456789ab"}])"));
    CHECK(c["Configs"] == json::parse(R"([{"File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 292},
                                           "ConfigID": "cid", "ConfigName": "shop_conf-ba9876543210"}])"));
    CHECK(b.dump().find("s3cret") == std::string::npos);
}

TEST_CASE("swarm service body: a compose service's labels are its containers', deploy.labels the service's") {
    ds::service svc = minimal();
    svc.service_labels = {{"org.example.service", "web"}};
    ds::spec s = service_spec(svc, "shop_web");
    s.labels = {{"com.docker.compose.project", "shop"}, {"com.docker.compose.service", "web"},
                {"org.example.container", "web"}};
    const json b = service_spec_body(s, "h1", driftless::drivers::ownership{"own", ""}, "{}");
    CHECK_FALSE(b["Labels"].contains("org.example.container"));
    CHECK(b["Labels"]["org.example.service"] == "web");
    CHECK(b["Labels"]["com.docker.compose.project"] == "shop");
    CHECK(b["Labels"]["io.driftless.owner"] == "own");
    CHECK(b["TaskTemplate"]["ContainerSpec"]["Labels"]["org.example.container"] == "web");
    CHECK_FALSE(b["TaskTemplate"]["ContainerSpec"]["Labels"].contains("org.example.service"));

    s.labels = {{"org.example.container", "web"}};   // a native spec: one label set, on both
    const json native = service_spec_body(s, "h1", driftless::drivers::ownership{"own", ""}, "{}");
    CHECK(native["Labels"]["org.example.container"] == "web");
}
