#include <doctest/doctest.h>

#include "drivers/docker_container_body.hpp"

using namespace driftless::drivers::docker;
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

TEST_CASE("container body: a minimal service") {
    const json b = container_create_body(service_spec(minimal()), "h1", driftless::drivers::ownership{"own", ""}, "");
    CHECK(b == json::parse(R"({
        "Image": "driftless-test/busybox:1",
        "Labels": {"io.driftless.owner": "own", "io.driftless.name": "web",
                   "io.driftless.spec-hash": "h1", "io.driftless.kind": "Service",
                   "io.driftless.mac": "0d0861c047995e4e3932694adb392613affbbf5f054f51bd06926146c6c8ccd0"},
        "HostConfig": {"RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0}}
    })"));
}

TEST_CASE("container body: every field") {
    ds::service svc = minimal();
    svc.command = std::vector<std::string>{"web", "--port", "8080"};
    svc.entrypoint = std::vector<std::string>{"/bin/web"};
    svc.env = {{"LOG_LEVEL", "info"}, {"A", "x=y"}};
    svc.ports = {
        {80, 8080, "", "tcp", "ingress"},
        {80, 8081, "127.0.0.1", "tcp", "ingress"},
        {9000, 9000, "", "udp", "ingress"},
        {7000, 0, "", "tcp", "ingress"},
    };
    svc.networks = {"front", "back"};
    ds::mount bind;
    bind.type = ds::mount_type::bind;
    bind.source = "/opt/data";
    bind.target = "/data";
    bind.read_only = true;
    bind.bind_propagation = "rslave";
    bind.bind_create_host_path = false;   // else it is a Binds entry (container settings test)
    ds::mount vol;
    vol.type = ds::mount_type::volume;
    vol.source = "reports";
    vol.target = "/mnt/reports";
    vol.volume_nocopy = true;
    ds::mount tmp;
    tmp.type = ds::mount_type::tmpfs;
    tmp.target = "/tmp";
    tmp.tmpfs_size = 64 * 1024 * 1024;
    tmp.tmpfs_mode = 01777;
    svc.mounts = {bind, vol, tmp};
    svc.user = "1234:5678";
    svc.limits = {500'000'000, 256 * 1024 * 1024};
    svc.reservations = {250'000'000, 128 * 1024 * 1024};
    svc.open_files = 65535;
    svc.restart = ds::restart_policy::on_failure;
    svc.health = ds::healthcheck{{"CMD", "wget", "-q", "-O-", "localhost:8080/health"},
                                 10'000'000'000, 3'000'000'000, 5'000'000'000, 3, false};
    svc.stop_grace_period_ns = 2'500'000'000;
    svc.expose = ds::expose_spec{"web.factory.local", "web.local", 8080};
    ds::spec s = service_spec(svc);
    s.labels = {{"team", "line-3"}};

    const json b = container_create_body(s, "abc123", driftless::drivers::ownership{"plant-1", ""}, R"({"name":"web"})");
    CHECK(b["Image"] == "driftless-test/busybox:1");
    CHECK(b["Cmd"] == json::array({"web", "--port", "8080"}));
    CHECK(b["Entrypoint"] == json::array({"/bin/web"}));
    CHECK(b["Env"] == json::array({"A=x=y", "LOG_LEVEL=info"}));
    CHECK(b["User"] == "1234:5678");
    CHECK(b["StopTimeout"] == 3);

    CHECK(b["Labels"] == json::parse(R"j({
        "team": "line-3",
        "io.driftless.owner": "plant-1",
        "io.driftless.name": "web",
        "io.driftless.spec-hash": "abc123",
        "io.driftless.kind": "Service",
        "io.driftless.mac": "131d93af0a5c8abae28e0ecc507b21af21ef6eafb7d815a6d30116bc7e5061a9",
        "io.driftless.spec": "{\"name\":\"web\"}",
        "traefik.enable": "true",
        "traefik.http.routers.web.rule": "Host(`web.factory.local`) || Host(`web.local`)",
        "traefik.http.routers.web.entrypoints": "web",
        "traefik.http.services.web.loadbalancer.server.port": "8080"
    })j"));

    CHECK(b["ExposedPorts"] == json::parse(R"({"80/tcp": {}, "9000/udp": {}, "7000/tcp": {}})"));
    const json& h = b["HostConfig"];
    CHECK(h["PortBindings"] == json::parse(R"({
        "80/tcp": [{"HostIp": "", "HostPort": "8080"}, {"HostIp": "127.0.0.1", "HostPort": "8081"}],
        "9000/udp": [{"HostIp": "", "HostPort": "9000"}],
        "7000/tcp": [{"HostIp": "", "HostPort": ""}]
    })"));
    CHECK(h["NetworkMode"] == "front");
    CHECK(b["NetworkingConfig"] == json::parse(R"({"EndpointsConfig": {"front": {"Aliases": ["web"]}}})"));
    CHECK(h["Mounts"] == json::parse(R"([
        {"Type": "bind", "Source": "/opt/data", "Target": "/data", "ReadOnly": true,
         "BindOptions": {"Propagation": "rslave"}},
        {"Type": "volume", "Source": "reports", "Target": "/mnt/reports", "ReadOnly": false,
         "VolumeOptions": {"NoCopy": true}},
        {"Type": "tmpfs", "Target": "/tmp", "ReadOnly": false,
         "TmpfsOptions": {"SizeBytes": 67108864, "Mode": 1023}}
    ])"));
    CHECK(h["NanoCpus"] == 500'000'000);
    CHECK(h["Memory"] == 268435456);
    CHECK(h["MemoryReservation"] == 134217728);
    CHECK(h["CpuShares"] == 256);
    CHECK(h["Ulimits"] == json::parse(R"([{"Name": "nofile", "Soft": 65535, "Hard": 65535}])"));
    CHECK(h["RestartPolicy"] == json::parse(R"({"Name": "on-failure", "MaximumRetryCount": 0})"));
    CHECK(b["Healthcheck"] == json::parse(R"({
        "Test": ["CMD", "wget", "-q", "-O-", "localhost:8080/health"],
        "Interval": 10000000000, "Timeout": 3000000000, "StartPeriod": 5000000000, "Retries": 3
    })"));
}

TEST_CASE("container body: a disabled healthcheck is NONE") {
    ds::service svc = minimal();
    svc.health = ds::healthcheck{};
    svc.health->disable = true;
    CHECK(container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["Healthcheck"] ==
          json::parse(R"({"Test": ["NONE"]})"));
}

TEST_CASE("container body: restart policies") {
    ds::service svc = minimal();
    const std::pair<ds::restart_policy, const char*> cases[] = {
        {ds::restart_policy::no, "no"},
        {ds::restart_policy::always, "always"},
        {ds::restart_policy::on_failure, "on-failure"},
        {ds::restart_policy::unless_stopped, "unless-stopped"},
    };
    for (const auto& [policy, name] : cases) {
        svc.restart = policy;
        CHECK(container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["HostConfig"]["RestartPolicy"]["Name"] == name);
    }
}

TEST_CASE("container body: command and entrypoint only when set; an empty command is kept") {
    ds::service svc = minimal();
    CHECK_FALSE(container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "").contains("Cmd"));
    svc.command = std::vector<std::string>{};
    CHECK(container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "")["Cmd"] == json::array());
}

TEST_CASE("container body: the ownership labels win over user labels, user labels over Traefik's") {
    ds::service svc = minimal();
    svc.expose = ds::expose_spec{"a.local", "", 80};
    ds::spec s = service_spec(svc, "api.v1");
    s.labels = {{"io.driftless.owner", "someone-else"}, {"traefik.http.routers.api-v1.entrypoints", "websecure"}};
    const json l = container_create_body(s, "h", driftless::drivers::ownership{"me", ""}, "")["Labels"];
    CHECK(l["io.driftless.owner"] == "me");
    CHECK(l["traefik.http.routers.api-v1.entrypoints"] == "websecure");
    CHECK(l["traefik.http.routers.api-v1.rule"] == "Host(`a.local`)");
    CHECK(l["traefik.http.services.api-v1.loadbalancer.server.port"] == "80");
}

TEST_CASE("container body: replicas 0 is labelled, no network means the default bridge") {
    ds::service svc = minimal();
    svc.replicas = 0;
    const json b = container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "");
    CHECK(b["Labels"][replicas_label] == "0");
    CHECK_FALSE(b["HostConfig"].contains("NetworkMode"));
    CHECK_FALSE(b.contains("NetworkingConfig"));
}

TEST_CASE("container body: checks before create") {
    CHECK(check_container_spec(service_spec(minimal())).ok());

    ds::service two = minimal();
    two.replicas = 2;
    auto e = check_container_spec(service_spec(two));
    REQUIRE_FALSE(e.ok());
    CHECK(e.err().code == "invalid");
    CHECK(e.err().message ==
          "web: replicas: 2: the docker driver runs one container per service; replicas > 1 needs the swarm or "
          "kubernetes driver");

    ds::service zero = minimal();
    zero.replicas = 0;
    CHECK(check_container_spec(service_spec(zero)).ok());

    CHECK(check_container_spec(service_spec(minimal(), "Web/x")).err().message ==
          "\"Web/x\": a name must match [a-z0-9][a-z0-9_.-]{1,62}");

    ds::service img = minimal();
    img.image = "../../containers/json";
    CHECK(check_container_spec(service_spec(img)).err().message ==
          "web: image \"../../containers/json\" is not a valid image reference");

    ds::service net = minimal();
    net.networks = {"front", "b/ad"};
    CHECK(check_container_spec(service_spec(net)).err().message ==
          "web: network \"b/ad\" is not a valid network name");

    ds::spec vol;
    vol.name = "data";
    vol.body = ds::volume{};
    CHECK(check_container_spec(vol).err().message == "data: not a Service");
}

TEST_CASE("container body: CPU reservations as shares, 1024 per CPU") {
    CHECK(cpu_shares_for(0) == 0);
    CHECK(cpu_shares_for(1'000'000'000) == 1024);
    CHECK(cpu_shares_for(250'000'000) == 256);
    CHECK(cpu_shares_for(2'500'000'000) == 2560);
    CHECK(cpu_shares_for(1'000'000) == 2);
}

TEST_CASE("container body: stop grace rounds up to whole seconds") {
    CHECK(seconds_rounded_up(0) == 0);
    CHECK(seconds_rounded_up(1) == 1);
    CHECK(seconds_rounded_up(1'000'000'000) == 1);
    CHECK(seconds_rounded_up(1'000'000'001) == 2);
    CHECK(seconds_rounded_up(10'000'000'000) == 10);
}

TEST_CASE("container body: no alias on the engine's predefined networks") {
    ds::service svc = minimal();
    svc.networks = {"bridge"};
    const json b = container_create_body(service_spec(svc), "h", driftless::drivers::ownership{"o", ""}, "");
    CHECK(b["HostConfig"]["NetworkMode"] == "bridge");
    CHECK(b["NetworkingConfig"] == json::parse(R"({"EndpointsConfig": {"bridge": {}}})"));
    CHECK(endpoint_config("front", "web") == json::parse(R"({"Aliases": ["web"]})"));
    CHECK(endpoint_config("host", "web") == json::object());
    CHECK(endpoint_config("none", "web") == json::object());
}

TEST_CASE("container body: a file-backed secret is a read-only bind; the others are copied in, not in the body") {
    ds::service svc = minimal();
    ds::secret_mount pw;
    pw.name = "shop_pw";
    pw.target = "/run/secrets/pw";
    pw.file = "/srv/shop/pw.txt";
    pw.data = "s3cret";
    ds::secret_mount key;
    key.name = "shop_key";
    key.target = "/run/secrets/key";
    key.data = "k-123";
    svc.secrets = {key, pw};
    const json b = container_create_body(service_spec(svc), "h1", driftless::drivers::ownership{"own", ""}, "");
    CHECK(b["HostConfig"]["Mounts"] ==
          json::parse(R"([{"Type": "bind", "Source": "/srv/shop/pw.txt", "Target": "/run/secrets/pw", "ReadOnly": true}])"));
    CHECK(b.dump().find("s3cret") == std::string::npos);
    CHECK(b.dump().find("k-123") == std::string::npos);
}
