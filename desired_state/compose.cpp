#include "desired_state/detail/compose_keys.hpp"
#include "desired_state/detail/document.hpp"
#include "desired_state/detail/names.hpp"

namespace driftless::desired_state::detail {

namespace {

// Compose keys driftless reads, by where they appear. Anything else is
// reported as "not supported by driftless" (or as a typo, when close to one
// of these): a compose setting must never be dropped silently.
constexpr std::string_view top_keys[] = {"version", "name", "services", "networks", "volumes"};
constexpr std::string_view service_keys[] = {
    "image",     "command", "entrypoint", "environment", "labels",   "ports",      "networks",
    "volumes",   "tmpfs",   "user",       "deploy",      "restart",  "healthcheck", "stop_grace_period",
    "depends_on", "ulimits", "pull_policy",
    // compose_service_keys.cpp
    "hostname", "domainname", "working_dir", "extra_hosts", "dns", "dns_search", "dns_opt", "expose", "read_only",
    "tty", "stdin_open", "init", "privileged", "shm_size", "stop_signal", "cap_add", "cap_drop", "security_opt",
    "sysctls", "pids_limit", "logging", "network_mode", "links", "devices", "pid", "ipc", "platform", "runtime",
    "build"};
constexpr std::string_view network_keys[] = {"driver", "driver_opts", "internal", "attachable", "ipam", "labels",
                                             "external"};
constexpr std::string_view ipam_keys[] = {"driver", "config"};
constexpr std::string_view ipam_config_keys[] = {"subnet", "ip_range", "gateway"};
constexpr std::string_view volume_keys[] = {"driver", "driver_opts", "labels", "external"};

bool is_extension(const std::string& key) { return key.rfind("x-", 0) == 0; }

// A name written as a key (compose service, network and volume names): not
// expanded, as keys never are, but held to the resource name grammar.
bool key_name_ok(context& ctx, const node& k, const std::string& field) {
    if (auto e = check_resource_name(k.text); !e.empty()) {
        ctx.value_error(k, field, k.text, e);
        return false;
    }
    return true;
}

// A key driftless does not read: a typo if close to a known key, else a
// compose feature driftless cannot honour.
void unsupported(context& ctx, const node& k, const std::string& field, std::span<const std::string_view> known) {
    if (!closest(k.text, known).empty()) return ctx.unknown_key(k, field, known);
    ctx.error(k, field, "not supported by driftless");
}

void read_compose_service(context& ctx, const std::string& name, const node& key_node, const node& n,
                          const std::string& field, std::vector<spec>& out) {
    std::size_t errors_before = ctx.error_count();
    if (!ctx.expect_mapping(n, field)) return;
    spec sp;
    sp.name = name;
    sp.origin = ctx.where(key_node);
    service_draft draft;
    std::vector<mount> tmpfs;
    const node* volumes_at = nullptr;
    compose_service_places places;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (is_extension(key)) return;
        if (read_compose_service_key(ctx, key, v, f, draft, places)) return;
        if (key == "environment") {
            read_service_field(ctx, "env", v, f, draft);
        } else if (key == "volumes") {
            volumes_at = &v;
            read_mounts(ctx, v, f, draft.value.mounts);
        } else if (key == "tmpfs") {
            read_compose_tmpfs(ctx, v, f, tmpfs);
        } else if (key == "labels") {
            read_labels(ctx, v, f, sp.labels);
        } else if (key == "deploy") {
            read_compose_deploy(ctx, v, f, draft);
        } else if (key == "pull_policy") {
            auto p = ctx.one_of(v, f, {"always", "never", "missing", "if_not_present"});
            if (p) draft.value.pull = *p == "always" ? pull_policy::always
                                      : *p == "never" ? pull_policy::never
                                                      : pull_policy::missing;
        } else if (key == "image" || key == "command" || key == "entrypoint" || key == "ports" ||
                   key == "user" || key == "healthcheck" || key == "stop_grace_period") {
            read_service_field(ctx, key, v, f, draft);
        } else {
            unsupported(ctx, k, f, service_keys);
        }
    });
    // tmpfs mounts join the volumes; a target used by both is an error.
    for (auto& t : tmpfs) {
        bool clash = false;
        for (const auto& m : draft.value.mounts)
            if (m.target == t.target) clash = true;
        if (clash) {
            ctx.error(volumes_at ? *volumes_at : n, join(field, "tmpfs"),
                      quote(t.target) + ": target is already mounted by " + join(field, "volumes"));
            continue;
        }
        draft.value.mounts.push_back(std::move(t));
    }
    std::sort(draft.value.mounts.begin(), draft.value.mounts.end(),
              [](const mount& a, const mount& b) { return a.target < b.target; });
    finish_compose_service(ctx, field, name, draft, places);
    finish_service(ctx, key_node, field, name, draft);
    if (ctx.error_count() != errors_before) return;
    sp.body = std::move(draft.value);
    out.push_back(std::move(sp));
}

// ipam: {driver: default, config: [{subnet, ip_range, gateway}]}. One
// block per network: the spec holds one address plan.
void read_ipam(context& ctx, const node& n, const std::string& field, network_draft& draft) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        const std::string f = join(field, key);
        if (key == "driver") {
            if (auto d = ctx.string(v, f); d && *d != "default")
                ctx.value_error(v, f, *d, "only the default IPAM driver is supported by driftless");
        } else if (key == "config") {
            if (v.is_null() || !ctx.expect_sequence(v, f)) return;
            if (v.children.size() > 1) {
                ctx.error(v.item(1), index(f, 1), "one address block per network is supported by driftless");
                return;
            }
            if (v.children.empty()) return;
            const std::string f0 = index(f, 0);
            const node& block = v.item(0);
            if (!ctx.expect_mapping(block, f0)) return;
            draft.prefix = f0;
            ctx.each_pair(block, f0, [&](const std::string& key2, const node& k2, const node& v2) {
                if (!read_network_address(ctx, key2, v2, join(f0, key2), draft))
                    unsupported(ctx, k2, join(f0, key2), ipam_config_keys);
            });
        } else {
            unsupported(ctx, k, f, ipam_keys);
        }
    });
}

// Top-level networks and volumes: name -> null or settings. `external: true`
// means "made elsewhere": nothing to create, so no spec.
template <class Body>
void read_compose_resources(context& ctx, const node& n, const std::string& field,
                            std::span<const std::string_view> known, std::vector<spec>& out) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& name, const node& k, const node& v) {
        std::size_t errors_before = ctx.error_count();
        std::string f = join(field, name);
        if (is_extension(name)) return;
        spec sp;
        sp.origin = ctx.where(k);
        if (key_name_ok(ctx, k, f)) sp.name = name;
        Body body;
        network_draft addresses;
        bool external = false;
        if (!v.is_null() && ctx.expect_mapping(v, f)) {
            ctx.each_pair(v, f, [&](const std::string& key, const node& k2, const node& v2) {
                std::string f2 = join(f, key);
                if (key == "driver") {
                    if (auto d = ctx.string(v2, f2)) body.driver = *d;
                } else if (key == "driver_opts") {
                    read_string_map(ctx, v2, f2, false, body.driver_opts);
                } else if (key == "labels") {
                    read_labels(ctx, v2, f2, sp.labels);
                } else if (key == "external") {
                    if (auto b = ctx.boolean(v2, f2)) external = *b;
                } else if constexpr (std::is_same_v<Body, network>) {
                    if (key == "internal") {
                        if (auto b = ctx.boolean(v2, f2)) body.internal = *b;
                    } else if (key == "attachable") {
                        if (auto b = ctx.boolean(v2, f2)) body.attachable = *b;
                    } else if (key == "ipam") {
                        read_ipam(ctx, v2, f2, addresses);
                    } else {
                        unsupported(ctx, k2, f2, known);
                    }
                } else {
                    unsupported(ctx, k2, f2, known);
                }
            });
        }
        if constexpr (std::is_same_v<Body, network>) {
            finish_network(ctx, addresses);
            body.subnet = addresses.value.subnet;
            body.ip_range = addresses.value.ip_range;
            body.gateway = addresses.value.gateway;
        }
        if (ctx.error_count() != errors_before || external) return;
        sp.body = std::move(body);
        out.push_back(std::move(sp));
    });
}

}  // namespace

bool is_compose(const node& doc) {
    bool services = false;
    for (std::size_t i = 0; i < doc.pairs(); ++i) {
        if (!doc.key(i).is_scalar()) continue;
        if (doc.key(i).text == "kind") return false;
        if (doc.key(i).text == "services") services = true;
    }
    return services;
}

void read_compose(context& ctx, const node& doc, std::vector<spec>& out) {
    ctx.each_pair(doc, "", [&](const std::string& key, const node& k, const node& v) {
        if (is_extension(key)) return;
        if (key == "version" || key == "name") {
            (void)ctx.string(v, key);
        } else if (key == "services") {
            if (!ctx.expect_mapping(v, key)) return;
            ctx.each_pair(v, key, [&](const std::string& name, const node& k2, const node& v2) {
                std::string f = join(key, name);
                if (!key_name_ok(ctx, k2, f)) return;
                read_compose_service(ctx, name, k2, v2, f, out);
            });
        } else if (key == "networks") {
            read_compose_resources<network>(ctx, v, key, network_keys, out);
        } else if (key == "volumes") {
            read_compose_resources<volume>(ctx, v, key, volume_keys, out);
        } else {
            unsupported(ctx, k, key, top_keys);
        }
    });
}

}  // namespace driftless::desired_state::detail
