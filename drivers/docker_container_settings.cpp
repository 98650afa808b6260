#include "drivers/docker_container_settings.hpp"

#include "drivers/docker_container_body.hpp"

namespace driftless::drivers::docker {

using nlohmann::json;
namespace ds = desired_state;

status check_container_settings(const ds::spec& s) {
    const ds::service& svc = *s.as_service();
    auto refuse = [&](const std::string& key, const std::string& why) -> status {
        return error{"invalid", s.name + ": " + key + ": not supported by the docker and podman drivers (" + why + ")"};
    };
    const char* swarm_only = "a swarm service setting; use the swarm driver";
    if (!svc.service_labels.empty()) return refuse("deploy.labels", swarm_only);
    if (!svc.endpoint_mode.empty()) return refuse("deploy.endpoint_mode", swarm_only);
    if (!svc.placement_preferences.empty()) return refuse("deploy.placement.preferences", swarm_only);
    if (svc.max_replicas_per_node != 0) return refuse("deploy.placement.max_replicas_per_node", swarm_only);
    if (svc.swarm_restart && (svc.swarm_restart->delay_ns != 0 || svc.swarm_restart->window_ns != 0))
        return refuse("deploy.restart_policy", "a container restarts at once, without delay or window; remove them");
    for (const auto& m : svc.mounts)
        if (!m.volume_subpath.empty())
            return refuse("volumes", m.target + ": a volume subpath needs Engine API 1.45; mount the whole volume");
    return {};
}

json endpoint_settings(std::string_view network, const ds::spec& s) {
    json j = endpoint_config(network, s.name);
    const ds::service& svc = *s.as_service();
    const auto it = svc.endpoints.find(std::string(network));
    if (it == svc.endpoints.end()) return j;
    const ds::network_endpoint& ep = it->second;
    for (const auto& a : ep.aliases) {
        if (!j.contains("Aliases")) j["Aliases"] = json::array();
        j["Aliases"].push_back(a);
    }
    json ipam = json::object();
    if (!ep.ipv4_address.empty()) ipam["IPv4Address"] = ep.ipv4_address;
    if (!ep.ipv6_address.empty()) ipam["IPv6Address"] = ep.ipv6_address;
    if (!ipam.empty()) j["IPAMConfig"] = std::move(ipam);
    return j;
}

namespace {

// Binds text for a bind mount the Mounts API cannot express: a relabel
// (:z, :Z), or a source the engine must create when it is missing (compose's
// default; the Mounts API refuses a missing source, so compose v2 uses Binds
// for these too).
std::string bind_text(const ds::mount& m) {
    std::string opts = m.read_only ? "ro" : "rw";
    if (!m.bind_selinux.empty()) opts += "," + m.bind_selinux;
    if (!m.bind_propagation.empty()) opts += "," + m.bind_propagation;
    return m.source + ":" + m.target + ":" + opts;
}

bool needs_binds(const ds::mount& m) {
    return m.type == ds::mount_type::bind && (!m.bind_selinux.empty() || m.bind_create_host_path);
}

const char* restart_name(const std::string& swarm_condition) {
    if (swarm_condition == "none") return "no";
    if (swarm_condition == "on-failure") return "on-failure";
    return "always";
}

}  // namespace

void add_container_settings(json& body, const ds::spec& s) {
    const ds::service& svc = *s.as_service();
    json& host = body["HostConfig"];
    auto put = [](json& into, const char* key, const auto& value, bool set) {
        if (set) into[key] = value;
    };
    put(body, "Hostname", svc.hostname, !svc.hostname.empty());
    put(body, "Domainname", svc.domainname, !svc.domainname.empty());
    put(body, "WorkingDir", svc.working_dir, !svc.working_dir.empty());
    put(body, "Tty", true, svc.tty);
    put(body, "OpenStdin", true, svc.stdin_open);
    put(body, "StopSignal", svc.stop_signal, !svc.stop_signal.empty());
    for (const auto& p : svc.expose_ports) body["ExposedPorts"][p] = json::object();

    put(host, "ExtraHosts", svc.extra_hosts, !svc.extra_hosts.empty());
    put(host, "Dns", svc.dns, !svc.dns.empty());
    put(host, "DnsSearch", svc.dns_search, !svc.dns_search.empty());
    put(host, "DnsOptions", svc.dns_options, !svc.dns_options.empty());
    put(host, "ReadonlyRootfs", true, svc.read_only);
    if (svc.init) host["Init"] = *svc.init;
    put(host, "Privileged", true, svc.privileged);
    put(host, "ShmSize", svc.shm_size, svc.shm_size != 0);
    put(host, "CapAdd", svc.cap_add, !svc.cap_add.empty());
    put(host, "CapDrop", svc.cap_drop, !svc.cap_drop.empty());
    put(host, "SecurityOpt", svc.security_opt, !svc.security_opt.empty());
    put(host, "Sysctls", svc.sysctls, !svc.sysctls.empty());
    put(host, "PidsLimit", svc.pids_limit, svc.pids_limit != 0);
    put(host, "GroupAdd", svc.group_add, !svc.group_add.empty());
    put(host, "CpuShares", svc.cpu_shares, svc.cpu_shares != 0);
    put(host, "CpusetCpus", svc.cpuset, !svc.cpuset.empty());
    put(host, "MemorySwappiness", svc.mem_swappiness, svc.mem_swappiness >= 0);
    put(host, "MemorySwap", svc.memswap_limit, svc.memswap_limit != 0);
    for (const auto& u : svc.ulimits) {
        if (!host.contains("Ulimits")) host["Ulimits"] = json::array();
        host["Ulimits"].push_back({{"Name", u.name}, {"Soft", u.soft}, {"Hard", u.hard}});
    }
    if (svc.logging) {
        host["LogConfig"] = {{"Type", svc.logging->driver}, {"Config", svc.logging->options}};
        if (svc.logging->driver.empty()) host["LogConfig"].erase("Type");
    }
    if (!svc.network_mode.empty()) {
        // A compose service's container carries the service's name.
        const bool service = svc.network_mode.rfind("service:", 0) == 0;
        host["NetworkMode"] = service ? "container:" + svc.network_mode.substr(8) : svc.network_mode;
    }
    for (const auto& l : svc.links) {
        if (!host.contains("Links")) host["Links"] = json::array();
        host["Links"].push_back(l.find(':') == std::string::npos ? l + ":" + l : l);
    }
    for (const auto& d : svc.devices) {
        if (!host.contains("Devices")) host["Devices"] = json::array();
        host["Devices"].push_back(
            {{"PathOnHost", d.host_path}, {"PathInContainer", d.container_path}, {"CgroupPermissions", d.permissions}});
    }
    put(host, "PidMode", svc.pid, !svc.pid.empty());
    put(host, "IpcMode", svc.ipc, !svc.ipc.empty());
    put(host, "Runtime", svc.runtime, !svc.runtime.empty());
    if (svc.swarm_restart) {
        host["RestartPolicy"] = {{"Name", restart_name(svc.swarm_restart->condition)}, {"MaximumRetryCount", 0}};
        if (svc.swarm_restart->condition == "on-failure")
            host["RestartPolicy"]["MaximumRetryCount"] = svc.swarm_restart->max_attempts;
    }
    if (svc.restart_max_attempts != 0 && svc.restart == ds::restart_policy::on_failure)
        host["RestartPolicy"]["MaximumRetryCount"] = svc.restart_max_attempts;
    if (!svc.endpoints.empty() && !svc.networks.empty())
        body["NetworkingConfig"]["EndpointsConfig"][svc.networks.front()] = endpoint_settings(svc.networks.front(), s);

    json binds = json::array();
    json mounts = json::array();
    for (const auto& m : svc.mounts) {
        if (needs_binds(m)) binds.push_back(bind_text(m));
        else mounts.push_back(mount_body(m));
    }
    if (!binds.empty()) {
        host["Binds"] = std::move(binds);
        if (mounts.empty()) host.erase("Mounts");
        else host["Mounts"] = std::move(mounts);
    }
}

}  // namespace driftless::drivers::docker
