#include "drivers/docker_container_body.hpp"

#include "drivers/docker_container_settings.hpp"
#include "drivers/docker_labels.hpp"
#include "drivers/names.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;
namespace ds = desired_state;

namespace {

const char* restart_name(ds::restart_policy r) {
    switch (r) {
    case ds::restart_policy::no: return "no";
    case ds::restart_policy::always: return "always";
    case ds::restart_policy::on_failure: return "on-failure";
    case ds::restart_policy::unless_stopped: return "unless-stopped";
    }
    return "no";
}

const char* mount_type_name(ds::mount_type t) {
    switch (t) {
    case ds::mount_type::bind: return "bind";
    case ds::mount_type::volume: return "volume";
    case ds::mount_type::tmpfs: return "tmpfs";
    }
    return "volume";
}

}  // namespace

status check_container_spec(const ds::spec& s) {
    if (auto names = check_service_names(s); !names) return names;
    const auto* svc = s.as_service();
    if (svc->replicas > 1)
        return error{"invalid", s.name + ": replicas: " + std::to_string(svc->replicas) +
                                    ": the docker driver runs one container per service; replicas > 1 needs the "
                                    "swarm or kubernetes driver"};
    if (svc->replicas < 0) return error{"invalid", s.name + ": replicas must not be negative"};
    return check_container_settings(s);
}

json mount_body(const ds::mount& m) {
    json j = {{"Type", mount_type_name(m.type)}, {"Target", m.target}, {"ReadOnly", m.read_only}};
    if (m.type != ds::mount_type::tmpfs) j["Source"] = m.source;
    if (m.type == ds::mount_type::bind && !m.bind_propagation.empty())
        j["BindOptions"] = {{"Propagation", m.bind_propagation}};
    if (m.type == ds::mount_type::volume && m.volume_nocopy) j["VolumeOptions"] = {{"NoCopy", true}};
    if (m.type == ds::mount_type::tmpfs && (m.tmpfs_size != 0 || m.tmpfs_mode != 0)) {
        json t = json::object();
        if (m.tmpfs_size != 0) t["SizeBytes"] = m.tmpfs_size;
        if (m.tmpfs_mode != 0) t["Mode"] = m.tmpfs_mode;
        j["TmpfsOptions"] = std::move(t);
    }
    return j;
}

json healthcheck_body(const ds::healthcheck& h) {
    if (h.disable) return {{"Test", json::array({"NONE"})}};
    json j = {{"Test", h.test}};
    if (h.interval_ns != 0) j["Interval"] = h.interval_ns;
    if (h.timeout_ns != 0) j["Timeout"] = h.timeout_ns;
    if (h.start_period_ns != 0) j["StartPeriod"] = h.start_period_ns;
    if (h.retries != 0) j["Retries"] = h.retries;
    return j;
}

std::int64_t cpu_shares_for(std::int64_t reserved_nano_cpus) noexcept {
    if (reserved_nano_cpus <= 0) return 0;
    const std::int64_t shares = (reserved_nano_cpus * 1024 + 500'000'000) / 1'000'000'000;
    return shares < 2 ? 2 : shares;
}

std::int64_t seconds_rounded_up(std::int64_t ns) noexcept {
    if (ns <= 0) return 0;
    return (ns + 999'999'999) / 1'000'000'000;
}

json endpoint_config(std::string_view network, std::string_view spec_name) {
    if (network == "bridge" || network == "host" || network == "none") return json::object();
    return {{"Aliases", json::array({std::string(spec_name)})}};
}

json container_create_body(const ds::spec& s, std::string_view hash, const ownership& who,
                           std::string_view spec_json) {
    const ds::service& svc = *s.as_service();
    json body = json::object();
    body["Image"] = svc.image;
    if (svc.command) body["Cmd"] = *svc.command;
    if (svc.entrypoint) body["Entrypoint"] = *svc.entrypoint;
    if (!svc.env.empty()) {
        json env = json::array();
        for (const auto& [k, v] : svc.env) env.push_back(k + "=" + v);
        body["Env"] = std::move(env);
    }
    json labels = json::object();
    for (const auto& [k, v] : object_labels(s, hash, who, spec_json)) labels[k] = v;
    if (svc.replicas == 0) labels[replicas_label] = "0";
    body["Labels"] = std::move(labels);
    if (!svc.user.empty()) body["User"] = svc.user;
    if (svc.stop_grace_period_ns) body["StopTimeout"] = seconds_rounded_up(*svc.stop_grace_period_ns);
    if (svc.health) body["Healthcheck"] = healthcheck_body(*svc.health);

    json host = json::object();
    if (!svc.ports.empty()) {
        json exposed = json::object();
        json bindings = json::object();
        for (const auto& p : svc.ports) {
            const std::string key = std::to_string(p.target) + "/" + p.protocol;
            exposed[key] = json::object();
            if (!bindings.contains(key)) bindings[key] = json::array();
            bindings[key].push_back(
                {{"HostIp", p.host_ip}, {"HostPort", p.published == 0 ? "" : std::to_string(p.published)}});
        }
        body["ExposedPorts"] = std::move(exposed);
        host["PortBindings"] = std::move(bindings);
    }
    if (!svc.networks.empty()) {
        host["NetworkMode"] = svc.networks.front();
        body["NetworkingConfig"] = {{"EndpointsConfig", {{svc.networks.front(), endpoint_config(svc.networks.front(), s.name)}}}};
    }
    json mounts = json::array();
    for (const auto& m : svc.mounts) mounts.push_back(mount_body(m));
    // A secret or config from a file is that file, read-only, as compose
    // gives it without swarm; the others are copied in before the start.
    for (const auto& m : svc.secrets)
        if (!m.file.empty()) mounts.push_back({{"Type", "bind"}, {"Source", m.file}, {"Target", m.target}, {"ReadOnly", true}});
    if (!mounts.empty()) host["Mounts"] = std::move(mounts);
    if (svc.limits.nano_cpus != 0) host["NanoCpus"] = svc.limits.nano_cpus;
    if (svc.limits.memory_bytes != 0) host["Memory"] = svc.limits.memory_bytes;
    if (svc.reservations.memory_bytes != 0) host["MemoryReservation"] = svc.reservations.memory_bytes;
    if (svc.reservations.nano_cpus != 0) host["CpuShares"] = cpu_shares_for(svc.reservations.nano_cpus);
    if (svc.open_files != 0)
        host["Ulimits"] = json::array({{{"Name", "nofile"}, {"Soft", svc.open_files}, {"Hard", svc.open_files}}});
    host["RestartPolicy"] = {{"Name", restart_name(svc.restart)}, {"MaximumRetryCount", 0}};
    body["HostConfig"] = std::move(host);
    add_container_settings(body, s);
    return body;
}

}  // namespace driftless::drivers::docker
