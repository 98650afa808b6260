#include "support/docker_driver_support.hpp"

#include <doctest/doctest.h>

#include <chrono>

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

}  // namespace driftless::testing
