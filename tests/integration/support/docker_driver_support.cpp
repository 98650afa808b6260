#include "support/docker_driver_support.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "support/process.hpp"

namespace driftless::testing {

namespace ds = desired_state;

ds::spec service_spec(const std::string& name) {
    ds::service svc;
    svc.image = test_image;
    svc.pull = ds::pull_policy::never;
    svc.command = std::vector<std::string>{"sleep", "3600"};
    svc.stop_grace_period_ns = 1'000'000'000;
    ds::spec s;
    s.name = name;
    s.body = std::move(svc);
    return s;
}

ds::service& service_of(ds::spec& s) { return std::get<ds::service>(s.body); }

ds::spec network_spec(const std::string& name, ds::network n) {
    ds::spec s;
    s.name = name;
    s.body = std::move(n);
    return s;
}

ds::spec volume_spec(const std::string& name, ds::volume v) {
    ds::spec s;
    s.name = name;
    s.body = std::move(v);
    return s;
}

drivers::desired_entry entry(ds::spec s, std::string hash) {
    drivers::desired_entry e;
    e.spec = std::move(s);
    e.hash = std::move(hash);
    e.doc_id = "test";
    return e;
}

std::unique_ptr<drivers::driver> make_docker_driver(boost::asio::io_context& io, const std::string& owner,
                                                    const std::string& host) {
    drivers::driver_options o;
    o.kind = "docker";
    o.owner = owner;
    o.host = host;
    o.timeout = std::chrono::seconds(30);
    auto d = drivers::make_driver(io.get_executor(), o);
    REQUIRE_MESSAGE(d.ok(), why(d));
    return std::move(d).value();
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string inspect(const std::string& format, const std::string& name, const std::string& what) {
    auto r = sh("docker " + what + (what.empty() ? "" : " ") + "inspect -f '" + format + "' " + name + " 2>/dev/null");
    return r.exit_code == 0 ? trimmed(r.out) : "";
}

nlohmann::json inspect_json(const std::string& name, const std::string& what) {
    auto r = sh("docker " + what + (what.empty() ? "" : " ") + "inspect " + name);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out).at(0);
}

const drivers::actual_object* find_object(const drivers::actual_state& st, ds::kind k, const std::string& name) {
    for (const auto& o : st.objects)
        if (o.kind == k && o.name == name) return &o;
    return nullptr;
}

by_hand::~by_hand() {
    for (const auto& c : cleanup) sh(c + " >/dev/null 2>&1");
}

local_registry::local_registry(const std::string& id) {
    const int port = 15000 + static_cast<int>(::getpid() % 2000);
    address_ = "127.0.0.1:" + std::to_string(port);
    root_ = std::filesystem::temp_directory_path() / ("driftless-registry-" + id);
    std::filesystem::create_directories(root_);
    const auto config = root_ / "config.yaml";
    {
        std::ofstream out(config);
        out << "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " << (root_ / "data").string()
            << "\nhttp:\n  addr: " << address_ << "\n";
    }
    server_ = std::make_unique<child>(std::vector<std::string>{"docker-registry", "serve", config.string()},
                                      std::vector<std::string>{}, (root_ / "registry.log").string());
    REQUIRE_MESSAGE(wait_until([&] { return sh("curl -sf http://" + address_ + "/v2/").exit_code == 0; },
                               std::chrono::seconds(30)),
                    server_->log());
}

local_registry::~local_registry() {
    stop();
    // Every reference to an image of this registry: tags, and digests a tag moved away from.
    sh("docker images --digests --format '{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}' | tr ' ' '\\n' | "
       "grep '^" + address_ + "/' | grep -v -e ':<none>$' -e '@<none>$' | xargs -r docker rmi >/dev/null 2>&1");
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
}

void local_registry::stop() {
    if (!server_) return;
    server_->signal(SIGTERM);
    if (server_->wait(std::chrono::seconds(10)) == -1) server_->signal(SIGKILL);
    server_.reset();
}

std::string local_registry::digest(const std::string& repository, const std::string& tag) const {
    const auto r = sh("curl -sfI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' http://" + address_ +
                      "/v2/" + repository + "/manifests/" + tag + " | tr -d '\\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'");
    return trimmed(r.out);
}

}  // namespace driftless::testing
