#include "desired_state/hash.hpp"

#include <algorithm>
#include <cstdint>

#include <nettle/sha2.h>

#include "desired_state/installation_key.hpp"

namespace driftless::desired_state {

namespace {

using nlohmann::json;

const char* to_string(pull_policy p) {
    switch (p) {
    case pull_policy::missing: return "missing";
    case pull_policy::always: return "always";
    case pull_policy::never: return "never";
    }
    return "?";
}

const char* to_string(mount_type t) {
    switch (t) {
    case mount_type::bind: return "bind";
    case mount_type::volume: return "volume";
    case mount_type::tmpfs: return "tmpfs";
    }
    return "?";
}

json optional_list(const std::optional<std::vector<std::string>>& v) { return v ? json(*v) : json(nullptr); }

json limits_json(const resource_limits& l) { return {{"nano_cpus", l.nano_cpus}, {"memory_bytes", l.memory_bytes}}; }

// The container and swarm settings compose names, each written only when
// set, so a spec that sets none keeps the hash it had before they existed.
void add_settings(json& j, const service& s) {
    auto put = [&](const char* key, auto value, auto unset) {
        if (value != unset) j[key] = std::move(value);
    };
    if (!s.depends_on_conditions.empty()) {
        json d = json::object();
        for (const auto& [name, c] : s.depends_on_conditions)
            d[name] = {{"condition", c.condition}, {"restart", c.restart}, {"required", c.required}};
        j["depends_on_conditions"] = std::move(d);
    }
    if (!s.endpoints.empty()) {
        json e = json::object();
        for (const auto& [name, ep] : s.endpoints)
            e[name] = {{"aliases", ep.aliases}, {"ipv4_address", ep.ipv4_address}, {"ipv6_address", ep.ipv6_address}};
        j["endpoints"] = std::move(e);
    }
    using strings = std::vector<std::string>;
    put("network_mode", s.network_mode, std::string());
    put("links", s.links, strings());
    put("hostname", s.hostname, std::string());
    put("domainname", s.domainname, std::string());
    put("working_dir", s.working_dir, std::string());
    put("extra_hosts", s.extra_hosts, strings());
    put("dns", s.dns, strings());
    put("dns_search", s.dns_search, strings());
    put("dns_options", s.dns_options, strings());
    put("expose_ports", s.expose_ports, strings());
    put("read_only", s.read_only, false);
    put("tty", s.tty, false);
    put("stdin_open", s.stdin_open, false);
    if (s.init) j["init"] = *s.init;
    put("privileged", s.privileged, false);
    put("shm_size", s.shm_size, std::int64_t{0});
    put("stop_signal", s.stop_signal, std::string());
    put("cap_add", s.cap_add, strings());
    put("cap_drop", s.cap_drop, strings());
    put("security_opt", s.security_opt, strings());
    put("sysctls", s.sysctls, string_map());
    put("pids_limit", s.pids_limit, std::int64_t{0});
    put("group_add", s.group_add, strings());
    put("cpu_shares", s.cpu_shares, std::int64_t{0});
    put("cpuset", s.cpuset, std::string());
    put("mem_swappiness", s.mem_swappiness, std::int64_t{-1});
    put("memswap_limit", s.memswap_limit, std::int64_t{0});
    if (!s.ulimits.empty()) {
        json u = json::array();
        for (const auto& l : s.ulimits) u.push_back({{"name", l.name}, {"soft", l.soft}, {"hard", l.hard}});
        j["ulimits"] = std::move(u);
    }
    if (s.logging) j["logging"] = {{"driver", s.logging->driver}, {"options", s.logging->options}};
    if (!s.devices.empty()) {
        json d = json::array();
        for (const auto& m : s.devices)
            d.push_back({{"host_path", m.host_path}, {"container_path", m.container_path}, {"permissions", m.permissions}});
        j["devices"] = std::move(d);
    }
    put("pid", s.pid, std::string());
    put("ipc", s.ipc, std::string());
    put("platform", s.platform, std::string());
    put("runtime", s.runtime, std::string());
    put("restart_max_attempts", s.restart_max_attempts, 0);
    if (s.swarm_restart)
        j["swarm_restart"] = {{"condition", s.swarm_restart->condition},
                              {"delay_ns", s.swarm_restart->delay_ns},
                              {"max_attempts", s.swarm_restart->max_attempts},
                              {"window_ns", s.swarm_restart->window_ns}};
    auto policy = [](const update_policy& p) {
        return json{{"parallelism", p.parallelism},   {"delay_ns", p.delay_ns},
                    {"failure_action", p.failure_action}, {"monitor_ns", p.monitor_ns},
                    {"max_failure_ratio", p.max_failure_ratio}, {"order", p.order}};
    };
    if (s.update_config) j["update_config"] = policy(*s.update_config);
    if (s.rollback_config) j["rollback_config"] = policy(*s.rollback_config);
    put("service_labels", s.service_labels, string_map());
    put("endpoint_mode", s.endpoint_mode, std::string());
    put("placement_preferences", s.placement_preferences, strings());
    put("max_replicas_per_node", s.max_replicas_per_node, std::int64_t{0});
    if (!s.secrets.empty()) {
        json out = json::array();
        for (const auto& m : s.secrets)   // the digest, never the content
            out.push_back({{"config", m.config}, {"name", m.name}, {"target", m.target}, {"file", m.file},
                           {"uid", m.uid}, {"gid", m.gid}, {"mode", m.mode}, {"digest", m.digest}});
        j["secrets"] = std::move(out);
    }
    if (s.build) j["build"] = build_json(*s.build);
}

}  // namespace

json build_json(const build_spec& b) {
    return {{"context", b.context},       {"dockerfile", b.dockerfile}, {"args", b.args},
            {"target", b.target},         {"labels", b.labels},         {"network", b.network},
            {"extra_hosts", b.extra_hosts}, {"shm_size", b.shm_size},   {"cache_from", b.cache_from},
            {"no_cache", b.no_cache},     {"pull", b.pull}};
}

namespace {

// A mount's settings added after the first ones, written only when set.
void add_mount_settings(json& j, const mount& m) {
    if (!m.bind_selinux.empty()) j["bind_selinux"] = m.bind_selinux;
    if (!m.bind_create_host_path) j["bind_create_host_path"] = false;
    if (!m.volume_subpath.empty()) j["volume_subpath"] = m.volume_subpath;
}

// Every field above add_settings is written, defaults included. Adding or
// renaming one of them changes every hash (every object is recreated once): a breaking change.
json service_json(const service& s) {
    std::vector<port_mapping> ports = s.ports;
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    json jports = json::array();
    for (const auto& p : ports)
        jports.push_back({{"target", p.target},
                          {"published", p.published},
                          {"host_ip", p.host_ip},
                          {"protocol", p.protocol},
                          {"mode", p.mode}});

    std::vector<mount> mounts = s.mounts;
    std::sort(mounts.begin(), mounts.end(), [](const mount& a, const mount& b) {
        return a.target != b.target ? a.target < b.target : a < b;
    });
    json jmounts = json::array();
    for (const auto& m : mounts) {
        jmounts.push_back({{"type", to_string(m.type)},
                           {"source", m.source},
                           {"target", m.target},
                           {"read_only", m.read_only},
                           {"bind_propagation", m.bind_propagation},
                           {"volume_nocopy", m.volume_nocopy},
                           {"tmpfs_size", m.tmpfs_size},
                           {"tmpfs_mode", m.tmpfs_mode}});
        add_mount_settings(jmounts.back(), m);
    }

    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    };

    json health = nullptr;
    if (s.health) {
        healthcheck h = *s.health;
        if (h.disable || (!h.test.empty() && h.test[0] == "NONE")) {
            h = healthcheck{};
            h.test = {"NONE"};
            h.disable = true;
        }
        health = {{"test", h.test},
                  {"interval_ns", h.interval_ns},
                  {"timeout_ns", h.timeout_ns},
                  {"start_period_ns", h.start_period_ns},
                  {"retries", h.retries},
                  {"disable", h.disable}};
    }
    json expose = nullptr;
    if (s.expose) expose = {{"host", s.expose->host}, {"alias", s.expose->alias}, {"port", s.expose->port}};

    json j = {{"image", s.image},
              {"pull", to_string(s.pull)},
              {"command", optional_list(s.command)},
              {"entrypoint", optional_list(s.entrypoint)},
              {"env", s.env},
              {"ports", std::move(jports)},
              {"networks", s.networks},
              {"mounts", std::move(jmounts)},
              {"user", s.user},
              {"limits", limits_json(s.limits)},
              {"reservations", limits_json(s.reservations)},
              {"open_files", s.open_files},
              {"restart", to_string(s.restart)},
              {"healthcheck", std::move(health)},
              {"stop_grace_period_ns", s.stop_grace_period_ns ? json(*s.stop_grace_period_ns) : json(nullptr)},
              {"depends_on", sorted(s.depends_on)},
              {"replicas", s.replicas},
              {"mode", s.mode == service_mode::global ? "global" : "replicated"},
              {"constraints", sorted(s.constraints)},
              {"expose", std::move(expose)}};
    add_settings(j, s);
    return j;
}

}  // namespace

const char* to_string(restart_policy r) noexcept {
    switch (r) {
    case restart_policy::no: return "no";
    case restart_policy::always: return "always";
    case restart_policy::on_failure: return "on-failure";
    case restart_policy::unless_stopped: return "unless-stopped";
    }
    return "?";
}


json canonical_json(const spec& s) {
    json body;
    if (const auto* svc = s.as_service()) {
        body = service_json(*svc);
    } else if (const auto* net = s.as_network()) {
        body = {{"driver", net->driver},
                {"driver_opts", net->driver_opts},
                {"internal", net->internal},
                {"attachable", net->attachable}};
        // Written only when set, so a network without an address plan
        // keeps the hash it had before these fields existed.
        if (!net->subnet.empty()) body["subnet"] = net->subnet;
        if (!net->ip_range.empty()) body["ip_range"] = net->ip_range;
        if (!net->gateway.empty()) body["gateway"] = net->gateway;
    } else if (const auto* vol = s.as_volume()) {
        body = {{"driver", vol->driver}, {"driver_opts", vol->driver_opts}};
    }
    return {{"kind", to_string(s.kind())}, {"name", s.name}, {"labels", s.labels}, {"spec", std::move(body)}};
}

json without_defaults(json j) {
    if (!j.is_object()) return j;
    if (const auto labels = j.find("labels"); labels != j.end() && labels->is_object() && labels->empty()) j.erase(labels);
    const auto kind = j.find("kind");
    const auto body = j.find("spec");
    if (kind == j.end() || !kind->is_string() || body == j.end() || !body->is_object()) return j;
    static const json defaults[] = {canonical_json(spec{{}, {}, service{}, {}})["spec"],
                                    canonical_json(spec{{}, {}, network{}, {}})["spec"],
                                    canonical_json(spec{{}, {}, volume{}, {}})["spec"]};
    std::size_t index = 0;
    if (*kind == "Network") index = 1;
    else if (*kind == "Volume") index = 2;
    else if (*kind != "Service") return j;
    const json& d = defaults[index];
    for (auto it = body->begin(); it != body->end();) {
        const auto def = d.find(it.key());
        if (def != d.end() && *def == it.value()) it = body->erase(it);
        else ++it;
    }
    return j;
}

json redacted(json canonical) {
    if (!canonical.is_object()) return canonical;
    const auto body = canonical.find("spec");
    if (body == canonical.end() || !body->is_object()) return canonical;
    // The fields that hold secrets: env values (passwords, tokens) and
    // driver options (a CIFS volume's password). Keys stay, so a change
    // is still named.
    const auto redact = [](json& map) {
        if (!map.is_object()) return;
        for (auto& value : map)
            if (value.is_string()) value = redact_secret(value.get<std::string>());
    };
    for (const char* field : {"env", "driver_opts"})
        if (const auto it = body->find(field); it != body->end()) redact(*it);
    // Build args may carry a token for a private package index.
    if (const auto b = body->find("build"); b != body->end() && b->is_object())
        if (const auto args = b->find("args"); args != b->end()) redact(*args);
    return canonical;
}

std::string spec_hash(const spec& s) {
    // Same bytes as dump() for valid UTF-8 (all parsed text is); "replace"
    // only keeps a hand-built spec with broken UTF-8 from throwing.
    std::string text = canonical_json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    // Keyed, since the hash is published (labels, the state API, the status
    // topic): an unkeyed hash of a spec lets anyone try candidate secrets
    // against it.
    if (const std::string& key = installation_key(); !key.empty()) return hmac_sha256_hex(key, text);
    // Nettle rather than OpenSSL: one hash function, without OpenSSL 3's
    // provider machinery (2 MB more resident for the life of the process).
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, text.size(), reinterpret_cast<const std::uint8_t*>(text.data()));
    std::uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    constexpr unsigned int len = SHA256_DIGEST_SIZE;
    static constexpr char hexdigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * len);
    for (unsigned int i = 0; i < len; ++i) {
        out += hexdigits[digest[i] >> 4];
        out += hexdigits[digest[i] & 0xF];
    }
    return out;
}

}  // namespace driftless::desired_state
