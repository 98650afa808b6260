#include "drivers/swarm_service_body.hpp"

#include "desired_state/compose_labels.hpp"
#include "drivers/docker_container_body.hpp"
#include "drivers/docker_labels.hpp"
#include "drivers/labels.hpp"
#include "drivers/names.hpp"
#include "drivers/swarm_service_settings.hpp"

namespace driftless::drivers::swarm {

using nlohmann::json;
namespace ds = desired_state;

const char* restart_condition(ds::restart_policy r) noexcept {
    switch (r) {
    case ds::restart_policy::no: return "none";
    case ds::restart_policy::on_failure: return "on-failure";
    // Swarm has no "unless stopped": a service is never stopped by hand,
    // it is scaled or removed.
    case ds::restart_policy::always:
    case ds::restart_policy::unless_stopped: return "any";
    }
    return "any";
}

status check_service_spec(const ds::spec& s) {
    if (auto names = check_service_names(s); !names) return names;
    const auto* svc = s.as_service();
    if (svc->replicas < 0) return error{"invalid", s.name + ": replicas must not be negative"};
    for (const auto& p : svc->ports)
        if (!p.host_ip.empty())
            return error{"invalid", s.name + ": ports: " + p.host_ip + ":" + std::to_string(p.published) + ":" +
                                        std::to_string(p.target) +
                                        ": Swarm publishes a port on every address of every node; remove the host IP"};
    return check_service_settings(s);
}

ds::string_map container_labels(const ds::spec& s) { return docker::user_labels(s); }

namespace {

json labels_object(const ds::string_map& m) {
    json j = json::object();
    for (const auto& [k, v] : m) j[k] = v;
    return j;
}

json mount_spec(const ds::mount& m, const volume_configs& volumes) {
    json j = docker::mount_body(m);
    if (m.type != ds::mount_type::volume) return j;
    const auto it = volumes.find(m.source);
    if (it == volumes.end()) return j;
    json config = {{"Name", it->second.driver}};
    if (!it->second.options.empty()) config["Options"] = labels_object(it->second.options);
    if (!j.contains("VolumeOptions")) j["VolumeOptions"] = json::object();
    j["VolumeOptions"]["DriverConfig"] = std::move(config);
    return j;
}

}  // namespace

json service_spec_body(const ds::spec& s, std::string_view hash, const ownership& who, std::string_view spec_json,
                       const volume_configs& volumes, const secret_ids& secrets) {
    const ds::service& svc = *s.as_service();

    json container = json::object();
    container["Image"] = svc.image;
    if (svc.entrypoint) container["Command"] = *svc.entrypoint;
    if (svc.command) container["Args"] = *svc.command;
    if (!svc.env.empty()) {
        json env = json::array();
        for (const auto& [k, v] : svc.env) env.push_back(k + "=" + v);
        container["Env"] = std::move(env);
    }
    container["Labels"] = labels_object(container_labels(s));
    if (!svc.user.empty()) container["User"] = svc.user;
    if (!svc.mounts.empty()) {
        json mounts = json::array();
        for (const auto& m : svc.mounts) mounts.push_back(mount_spec(m, volumes));
        container["Mounts"] = std::move(mounts);
    }
    if (svc.open_files != 0)
        container["Ulimits"] = json::array({{{"Name", "nofile"}, {"Soft", svc.open_files}, {"Hard", svc.open_files}}});
    if (svc.health) container["Healthcheck"] = docker::healthcheck_body(*svc.health);
    if (svc.stop_grace_period_ns) container["StopGracePeriod"] = *svc.stop_grace_period_ns;
    for (const auto& m : svc.secrets) {
        constexpr std::string_view secrets_dir = "/run/secrets/";
        std::string file = m.target;
        if (!m.config && file.rfind(secrets_dir, 0) == 0) file = file.substr(secrets_dir.size());
        const auto id = secrets.find(m.name);
        json ref = {{"File", {{"Name", file}, {"UID", m.uid}, {"GID", m.gid}, {"Mode", m.mode}}},
                    {m.config ? "ConfigID" : "SecretID", id == secrets.end() ? std::string() : id->second},
                    {m.config ? "ConfigName" : "SecretName", m.name}};
        container[m.config ? "Configs" : "Secrets"].push_back(std::move(ref));
    }

    json task = json::object();
    task["ContainerSpec"] = std::move(container);
    json resources = json::object();
    auto put = [](json& into, const char* key, const ds::resource_limits& r) {
        json j = json::object();
        if (r.nano_cpus != 0) j["NanoCPUs"] = r.nano_cpus;
        if (r.memory_bytes != 0) j["MemoryBytes"] = r.memory_bytes;
        if (!j.empty()) into[key] = std::move(j);
    };
    put(resources, "Limits", svc.limits);
    put(resources, "Reservations", svc.reservations);
    if (!resources.empty()) task["Resources"] = std::move(resources);
    task["RestartPolicy"] = {{"Condition", restart_condition(svc.restart)}};
    if (!svc.constraints.empty()) task["Placement"] = {{"Constraints", svc.constraints}};
    if (!svc.networks.empty()) {
        json nets = json::array();
        for (const auto& n : svc.networks) nets.push_back({{"Target", n}, {"Aliases", json::array({s.name})}});
        task["Networks"] = std::move(nets);
    }

    json body = json::object();
    body["Name"] = s.name;
    // A compose service's labels: are its containers' (deploy.labels are
    // the service's, swarm_service_settings.cpp), as docker stack deploy
    // has it; the service keeps compose's project and service labels. A
    // native spec has one label set, on both.
    ds::string_map service_labels;
    if (s.labels.count(ds::compose_labels::project)) {
        service_labels = docker::ownership_labels(s, hash, who, spec_json);
        for (const char* key : {ds::compose_labels::project, ds::compose_labels::service})
            if (auto it = s.labels.find(key); it != s.labels.end()) service_labels[key] = it->second;
    } else {
        service_labels = docker::object_labels(s, hash, who, spec_json);
    }
    body["Labels"] = labels_object(service_labels);
    body["TaskTemplate"] = std::move(task);
    if (svc.mode == ds::service_mode::global) body["Mode"] = {{"Global", json::object()}};
    else body["Mode"] = {{"Replicated", {{"Replicas", svc.replicas}}}};
    // Always present: an update replaces the whole spec, and an empty list
    // is what withdraws ports published before.
    json ports = json::array();
    for (const auto& p : svc.ports) {
        json port = {{"Protocol", p.protocol}, {"TargetPort", p.target}, {"PublishMode", p.mode}};
        if (p.published != 0) port["PublishedPort"] = p.published;
        ports.push_back(std::move(port));
    }
    body["EndpointSpec"] = {{"Mode", "vip"}, {"Ports", std::move(ports)}};
    add_service_settings(body, s);
    return body;
}

}  // namespace driftless::drivers::swarm
