#include "drivers/swarm_service_settings.hpp"

namespace driftless::drivers::swarm {

using nlohmann::json;
namespace ds = desired_state;

status check_service_settings(const ds::spec& s) {
    const ds::service& svc = *s.as_service();
    auto refuse = [&](const std::string& key, const char* what_to_do) -> status {
        return error{"invalid", s.name + ": " + key + ": not supported by swarm services; " + what_to_do};
    };
    const char* remove = "remove it or use the docker driver";
    if (svc.privileged) return refuse("privileged", remove);
    if (!svc.devices.empty()) return refuse("devices", remove);
    if (!svc.network_mode.empty()) return refuse("network_mode", "use networks, or the docker driver");
    if (!svc.pid.empty()) return refuse("pid", remove);
    if (!svc.ipc.empty()) return refuse("ipc", remove);
    if (!svc.links.empty()) return refuse("links", "services on a shared network reach each other by name");
    if (svc.shm_size != 0) return refuse("shm_size", "mount a tmpfs at /dev/shm instead");
    if (!svc.runtime.empty()) return refuse("runtime", remove);
    if (!svc.domainname.empty()) return refuse("domainname", remove);
    if (!svc.expose_ports.empty()) return refuse("expose", "services on a shared network reach every port; remove it");
    if (!svc.security_opt.empty()) return refuse("security_opt", remove);
    if (svc.cpu_shares != 0) return refuse("cpu_shares", "use deploy.resources.limits.cpus, or the docker driver");
    if (!svc.cpuset.empty()) return refuse("cpuset", remove);
    if (svc.mem_swappiness >= 0) return refuse("mem_swappiness", remove);
    if (svc.memswap_limit != 0) return refuse("memswap_limit", remove);
    for (const auto& [network, ep] : svc.endpoints)
        if (!ep.ipv4_address.empty() || !ep.ipv6_address.empty())
            return refuse("networks." + network + ".ipv4_address/ipv6_address", "swarm assigns task addresses; remove it");
    for (const auto& m : svc.mounts) {
        if (!m.bind_selinux.empty()) return refuse("volumes", "an SELinux relabel (:z, :Z) of a bind mount; remove it");
        if (!m.volume_subpath.empty()) return refuse("volumes", "a volume subpath (Engine API 1.45); mount the whole volume");
    }
    return {};
}

namespace {

// `rollback`: a RollbackConfig, whose FailureAction cannot be rollback.
// An UpdateConfig's FailureAction defaults to rollback (swarm's own default
// is pause: a failed update left half way), as on docker and podman.
json update_body(const ds::update_policy& p, bool rollback) {
    json j = {{"Parallelism", p.parallelism}};
    if (p.delay_ns != 0) j["Delay"] = p.delay_ns;
    if (!p.failure_action.empty()) j["FailureAction"] = p.failure_action;
    else if (!rollback) j["FailureAction"] = "rollback";
    if (p.monitor_ns != 0) j["Monitor"] = p.monitor_ns;
    if (p.max_failure_ratio != 0) j["MaxFailureRatio"] = p.max_failure_ratio;
    if (!p.order.empty()) j["Order"] = p.order;
    return j;
}

}  // namespace

void add_service_settings(json& body, const ds::spec& s) {
    const ds::service& svc = *s.as_service();
    json& task = body["TaskTemplate"];
    json& c = task["ContainerSpec"];
    auto put = [](json& into, const char* key, const auto& value, bool set) {
        if (set) into[key] = value;
    };
    put(c, "Hostname", svc.hostname, !svc.hostname.empty());
    put(c, "Groups", svc.group_add, !svc.group_add.empty());
    put(c, "Dir", svc.working_dir, !svc.working_dir.empty());
    for (const auto& h : svc.extra_hosts) {
        // Swarm takes /etc/hosts order: "IP NAME".
        const auto colon = h.find(':');
        if (!c.contains("Hosts")) c["Hosts"] = json::array();
        c["Hosts"].push_back(h.substr(colon + 1) + " " + h.substr(0, colon));
    }
    if (!svc.dns.empty() || !svc.dns_search.empty() || !svc.dns_options.empty()) {
        json d = json::object();
        put(d, "Nameservers", svc.dns, !svc.dns.empty());
        put(d, "Search", svc.dns_search, !svc.dns_search.empty());
        put(d, "Options", svc.dns_options, !svc.dns_options.empty());
        c["DNSConfig"] = std::move(d);
    }
    put(c, "ReadOnly", true, svc.read_only);
    put(c, "TTY", true, svc.tty);
    put(c, "OpenStdin", true, svc.stdin_open);
    if (svc.init) c["Init"] = *svc.init;
    put(c, "StopSignal", svc.stop_signal, !svc.stop_signal.empty());
    put(c, "CapabilityAdd", svc.cap_add, !svc.cap_add.empty());
    put(c, "CapabilityDrop", svc.cap_drop, !svc.cap_drop.empty());
    put(c, "Sysctls", svc.sysctls, !svc.sysctls.empty());
    for (const auto& u : svc.ulimits) {
        if (!c.contains("Ulimits")) c["Ulimits"] = json::array();
        c["Ulimits"].push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
    }

    if (svc.pids_limit > 0) task["Resources"]["Limits"]["Pids"] = svc.pids_limit;
    if (svc.logging) {
        json d = {{"Name", svc.logging->driver}};
        if (!svc.logging->options.empty()) d["Options"] = svc.logging->options;
        task["LogDriver"] = std::move(d);
    }
    if (!svc.platform.empty()) {
        const auto slash = svc.platform.find('/');
        json p = {{"OS", svc.platform.substr(0, slash)}};
        if (slash != std::string::npos) p["Architecture"] = svc.platform.substr(slash + 1, svc.platform.find('/', slash + 1) - slash - 1);
        task["Placement"]["Platforms"] = json::array({std::move(p)});
    }
    for (const auto& pref : svc.placement_preferences) {
        if (!task["Placement"].contains("Preferences")) task["Placement"]["Preferences"] = json::array();
        task["Placement"]["Preferences"].push_back({{"Spread", {{"SpreadDescriptor", pref.substr(pref.find('=') + 1)}}}});
    }
    if (svc.max_replicas_per_node != 0) task["Placement"]["MaxReplicas"] = svc.max_replicas_per_node;
    if (svc.restart_max_attempts != 0 && svc.restart == ds::restart_policy::on_failure)
        task["RestartPolicy"]["MaxAttempts"] = svc.restart_max_attempts;
    if (svc.swarm_restart) {
        json r = {{"Condition", svc.swarm_restart->condition}};
        if (svc.swarm_restart->delay_ns != 0) r["Delay"] = svc.swarm_restart->delay_ns;
        if (svc.swarm_restart->max_attempts != 0) r["MaxAttempts"] = svc.swarm_restart->max_attempts;
        if (svc.swarm_restart->window_ns != 0) r["Window"] = svc.swarm_restart->window_ns;
        task["RestartPolicy"] = std::move(r);
    }
    if (task.contains("Networks"))
        for (auto& n : task["Networks"]) {
            const auto it = svc.endpoints.find(n["Target"].get<std::string>());
            if (it == svc.endpoints.end()) continue;
            for (const auto& a : it->second.aliases) n["Aliases"].push_back(a);
        }

    for (const auto& [k, v] : svc.service_labels)
        if (!body["Labels"].contains(k)) body["Labels"][k] = v;
    body["UpdateConfig"] = update_body(svc.update_config.value_or(ds::update_policy{}), false);
    if (svc.rollback_config) body["RollbackConfig"] = update_body(*svc.rollback_config, true);
    if (!svc.endpoint_mode.empty()) body["EndpointSpec"]["Mode"] = svc.endpoint_mode;
}

}  // namespace driftless::drivers::swarm
