#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "desired_state/detail/compose_keys.hpp"
#include "desired_state/detail/compose_merge.hpp"
#include "desired_state/detail/compose_project.hpp"
#include "desired_state/detail/compose_secrets.hpp"
#include "desired_state/detail/document.hpp"
#include "desired_state/detail/names.hpp"

namespace driftless::desired_state::detail {

namespace {

// Compose keys driftless reads, by where they appear. Anything else is
// reported as "not supported by driftless" (or as a typo, when close to one
// of these): a compose setting must never be dropped silently.
constexpr std::string_view top_keys[] = {"version", "name", "services", "networks", "volumes", "secrets", "configs"};
constexpr std::string_view service_keys[] = {
    "image",     "command", "entrypoint", "environment", "labels",   "ports",      "networks",
    "volumes",   "tmpfs",   "user",       "deploy",      "restart",  "healthcheck", "stop_grace_period",
    "depends_on", "ulimits", "pull_policy", "container_name", "scale", "profiles", "env_file",
    // compose_service_keys.cpp
    "hostname", "domainname", "working_dir", "extra_hosts", "dns", "dns_search", "dns_opt", "expose", "read_only",
    "tty", "stdin_open", "init", "privileged", "shm_size", "stop_signal", "cap_add", "cap_drop", "security_opt",
    "sysctls", "pids_limit", "logging", "network_mode", "links", "devices", "pid", "ipc", "platform", "runtime",
    "build", "secrets", "configs", "mem_limit", "mem_reservation", "cpus", "group_add", "cpu_shares", "cpuset",
    "mem_swappiness", "memswap_limit"};
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

// One compose service as read, before the project gives it its names.
struct compose_service {
    std::string name;                  // as written in the file
    const node* key_node = nullptr;
    std::string field;
    spec sp;                           // name unset; body filled
    service_draft draft;
    std::optional<std::int64_t> scale;
    const node* scale_at = nullptr;
    std::optional<std::string> container_name;
    const node* container_name_at = nullptr;
    std::vector<std::string> profiles;
    std::vector<compose_secret_use> secret_uses;
    bool ok = false;
};

void read_profiles(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null() || !ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        if (auto s = ctx.string(item, f)) out.push_back(*s);
    });
}

compose_service read_compose_service(context& ctx, const std::string& name, const node& key_node, const node& n,
                                     const std::string& field) {
    compose_service cs;
    cs.name = name;
    cs.key_node = &key_node;
    cs.field = field;
    std::size_t errors_before = ctx.error_count();
    if (!ctx.expect_mapping(n, field)) return cs;
    spec& sp = cs.sp;
    sp.origin = ctx.where(key_node);
    service_draft& draft = cs.draft;
    std::vector<mount> tmpfs;
    std::map<std::string, std::string> env_files;
    const node* volumes_at = nullptr;
    compose_service_places places;
    std::vector<std::pair<std::string, std::int64_t>> legacy;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "x-driftless") return read_service_extension(ctx, v, f, draft);
        if (is_extension(key)) return;
        if (read_compose_service_key(ctx, key, v, f, draft, places)) return;
        if (key == "container_name") {
            cs.container_name_at = &v;
            if (auto s = ctx.string(v, f)) {
                if (auto e = check_resource_name(*s); !e.empty()) ctx.value_error(v, f, *s, e);
                else cs.container_name = *s;
            }
        } else if (key == "scale") {
            cs.scale_at = &v;
            cs.scale = ctx.integer(v, f, 0, 1'000);
        } else if (key == "profiles") {
            read_profiles(ctx, v, f, cs.profiles);
        } else if (key == "secrets" || key == "configs") {
            read_compose_secret_uses(ctx, v, f, key == "configs", cs.secret_uses);
        } else if (key == "mem_limit" || key == "mem_reservation" || key == "cpus") {
            // compose's older spellings of deploy.resources (which wins when both are set)
            const auto value = key == "cpus" ? read_cpus(ctx, v, f) : read_memory(ctx, v, f);
            if (value) legacy.push_back({key, *value});
        } else if (key == "env_file") {
            read_env_files(ctx, v, f, env_files);
        } else if (key == "environment") {
            read_service_field(ctx, "env", v, f, draft);
        } else if (key == "volumes") {
            volumes_at = &v;
            read_mounts(ctx, v, f, draft.value.mounts);
        } else if (key == "tmpfs") {
            read_compose_tmpfs(ctx, v, f, tmpfs);
        } else if (key == "labels") {
            read_labels(ctx, v, f, sp.labels, bare_entry::empty);
        } else if (key == "deploy") {
            read_compose_deploy(ctx, v, f, draft);
        } else if (key == "pull_policy") {
            draft.pull_at = &v;
            auto p = ctx.one_of(v, f, {"always", "never", "missing", "if_not_present", "build"});
            if (p && *p == "build") {
                draft.pull_at = nullptr;   // built, never pulled: what build: does
                places.pull_build_at = &v;
            }
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
    for (const auto& [key, value] : legacy) {
        std::int64_t& into = key == "cpus"        ? draft.value.limits.nano_cpus
                             : key == "mem_limit" ? draft.value.limits.memory_bytes
                                                  : draft.value.reservations.memory_bytes;
        if (into == 0) into = value;
    }
    // environment: wins over env_file, as in compose.
    for (auto& [k, v] : env_files) draft.value.env.emplace(k, std::move(v));
    finish_compose_service(ctx, field, name, draft, places);
    finish_service(ctx, key_node, field, name, draft);
    cs.ok = ctx.error_count() == errors_before;
    return cs;
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

// Top-level networks and volumes: key -> null or settings. Each gets its
// engine name (PROJECT_KEY, or `name:`) in `names`; `external: true` means
// "made elsewhere": its name is used, nothing is created, so no spec.
template <class Body>
void read_compose_resources(context& ctx, const node& n, const std::string& field,
                            std::span<const std::string_view> known, const project_names& project,
                            std::map<std::string, std::string>& names, std::vector<spec>& out) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::size_t errors_before = ctx.error_count();
        std::string f = join(field, key);
        if (is_extension(key)) return;
        spec sp;
        sp.origin = ctx.where(k);
        if (!key_name_ok(ctx, k, f)) return;
        std::optional<std::string> engine_name;
        Body body;
        network_draft addresses;
        bool external = false;
        if (!v.is_null() && ctx.expect_mapping(v, f)) {
            ctx.each_pair(v, f, [&](const std::string& key2, const node& k2, const node& v2) {
                std::string f2 = join(f, key2);
                if (key2 == "name") {
                    if (auto s = ctx.string(v2, f2)) {
                        if (auto e = check_resource_name(*s); !e.empty()) ctx.value_error(v2, f2, *s, e);
                        else engine_name = *s;
                    }
                } else if (key2 == "driver") {
                    if (auto d = ctx.string(v2, f2)) body.driver = *d;
                } else if (key2 == "driver_opts") {
                    read_string_map(ctx, v2, f2, false, body.driver_opts);
                } else if (key2 == "labels") {
                    read_labels(ctx, v2, f2, sp.labels, bare_entry::empty);
                } else if (key2 == "external") {
                    if (auto b = ctx.boolean(v2, f2)) external = *b;
                } else if constexpr (std::is_same_v<Body, network>) {
                    if (key2 == "internal") {
                        if (auto b = ctx.boolean(v2, f2)) body.internal = *b;
                    } else if (key2 == "attachable") {
                        if (auto b = ctx.boolean(v2, f2)) body.attachable = *b;
                    } else if (key2 == "ipam") {
                        read_ipam(ctx, v2, f2, addresses);
                    } else {
                        unsupported(ctx, k2, f2, known);
                    }
                } else {
                    unsupported(ctx, k2, f2, known);
                }
            });
        }
        // An external object keeps the name it has; compose's own get the
        // project's prefix unless `name:` says otherwise.
        sp.name = engine_name ? *engine_name : external ? key : project.scoped(key);
        if (auto e = check_resource_name(sp.name); !e.empty()) {
            ctx.value_error(k, f, sp.name, e);
            return;
        }
        names[key] = sp.name;
        if constexpr (std::is_same_v<Body, network>) {
            finish_network(ctx, addresses);
            body.subnet = addresses.value.subnet;
            body.ip_range = addresses.value.ip_range;
            body.gateway = addresses.value.gateway;
        }
        if (ctx.error_count() != errors_before || external) return;
        sp.labels[compose_labels::project] = project.project;
        sp.labels[std::is_same_v<Body, network> ? compose_labels::network : compose_labels::volume] = key;
        sp.body = std::move(body);
        out.push_back(std::move(sp));
    });
}

const node* find_key(const node& map, std::string_view key) {
    for (std::size_t i = 0; i < map.pairs(); ++i)
        if (map.key(i).is_scalar() && map.key(i).text == key) return &map.value(i);
    return nullptr;
}

// The project's name: `name:` (which may use the .env's variables), else
// the folder's name, normalised as compose does. "" after an error.
std::string project_name(context& ctx, const node& doc, const std::string& folder) {
    if (const node* n = find_key(doc, "name")) {
        auto s = ctx.string(*n, "name");
        if (!s) return {};
        if (s->empty() || normalize_project_name(*s) != *s) {
            ctx.value_error(*n, "name", *s,
                            "a project name is lower-case letters, digits, \"-\" and \"_\", starting with a letter or digit");
            return {};
        }
        return *s;
    }
    if (!ctx.options().read_file) {
        ctx.error(doc, "name", "required for a compose file that is not in a folder (e.g. name: shop)");
        return {};
    }
    std::string base = std::filesystem::path(folder).filename().string();
    std::string name = normalize_project_name(base);
    if (name.empty()) ctx.error(doc, "name", "the folder name " + quote(base) + " gives no project name; set name:");
    return name;
}

bool profile_enabled(const context& ctx, const std::vector<std::string>& profiles) {
    if (profiles.empty()) return true;
    for (const auto& want : ctx.options().profiles)
        if (want == "*" || std::find(profiles.begin(), profiles.end(), want) != profiles.end()) return true;
    return false;
}

// Gives one service its project's names: networks (the default one when it
// names none), the service name as an alias on each, volumes, the names of
// what it depends on and links to. Returns false after reporting.
bool scope_service(context& ctx, compose_service& cs, const project_names& names,
                   const std::map<std::string, std::string>& networks, const std::map<std::string, std::string>& volumes,
                   const std::map<std::string, const compose_service*>& services, bool& uses_default) {
    service& s = cs.draft.value;
    const node& at = *cs.key_node;
    bool ok = true;
    auto first_name = [&](const std::string& svc) {
        auto it = services.find(svc);
        return it != services.end() && it->second->container_name ? *it->second->container_name
                                                                   : names.service(svc, 1);
    };
    if (s.network_mode.rfind("service:", 0) == 0) {
        const std::string target = s.network_mode.substr(8);
        if (!services.count(target)) {
            ctx.error(at, join(cs.field, "network_mode"), quote(target) + ": no such service in this file");
            ok = false;
        } else {
            s.network_mode = "container:" + first_name(target);
        }
    }
    std::vector<std::string> joined;
    std::map<std::string, network_endpoint> endpoints;
    if (s.network_mode.empty() && s.networks.empty()) {
        uses_default = true;
        s.networks.push_back("default");
    }
    // Without `priority`, compose attaches a container to its networks in
    // name order: the first is the one it is created on, whose gateway is
    // the container's default route.
    std::sort(s.networks.begin(), s.networks.end());
    for (const auto& net : s.networks) {
        auto it = networks.find(net);
        if (it == networks.end()) {
            ctx.error(at, join(cs.field, "networks"), quote(net) + ": not declared under the top-level networks:");
            ok = false;
            continue;
        }
        joined.push_back(it->second);
        network_endpoint ep;
        if (auto e = s.endpoints.find(net); e != s.endpoints.end()) ep = e->second;
        ep.aliases.push_back(cs.name);
        std::sort(ep.aliases.begin(), ep.aliases.end());
        ep.aliases.erase(std::unique(ep.aliases.begin(), ep.aliases.end()), ep.aliases.end());
        endpoints[it->second] = std::move(ep);
    }
    s.networks = std::move(joined);
    s.endpoints = std::move(endpoints);
    for (auto& m : s.mounts) {
        if (m.type != mount_type::volume || m.source.empty()) continue;
        auto it = volumes.find(m.source);
        if (it == volumes.end()) {
            ctx.error(at, join(cs.field, "volumes"), quote(m.source) + ": not declared under the top-level volumes:");
            ok = false;
            continue;
        }
        m.source = it->second;
    }
    std::vector<std::string> deps;
    std::map<std::string, dependency> conditions;
    for (const auto& d : s.depends_on) {
        auto it = services.find(d);
        const auto cond = s.depends_on_conditions.find(d);
        const bool required = cond == s.depends_on_conditions.end() || cond->second.required;
        if (it == services.end()) {
            if (!required) continue;
            ctx.error(at, join(cs.field, "depends_on"), quote(d) + ": no such service in this file (or its profile is not enabled)");
            ok = false;
            continue;
        }
        const int n = names.swarm || it->second->container_name ? 1 : static_cast<int>(it->second->scale.value_or(it->second->draft.value.replicas));
        for (int i = 1; i <= std::max(1, n); ++i) {
            std::string dep = i == 1 ? first_name(d) : names.service(d, i);
            if (cond != s.depends_on_conditions.end()) conditions[dep] = cond->second;
            deps.push_back(std::move(dep));
        }
    }
    std::sort(deps.begin(), deps.end());
    s.depends_on = std::move(deps);
    s.depends_on_conditions = std::move(conditions);
    for (auto& link : s.links) {
        const auto colon = link.find(':');
        const std::string svc = link.substr(0, colon);
        const std::string alias = colon == std::string::npos ? svc : link.substr(colon + 1);
        if (!services.count(svc)) {
            ctx.error(at, join(cs.field, "links"), quote(svc) + ": no such service in this file");
            ok = false;
            continue;
        }
        link = first_name(svc) + ":" + alias;
    }
    std::sort(s.links.begin(), s.links.end());
    return ok;
}

// The document with the override file beside it merged in, when it has
// one of compose's own file names and one is there.
node_ptr with_override(context& ctx, const node_ptr& doc) {
    if (!ctx.options().read_file) return doc;
    if (!is_compose_file_name(std::filesystem::path(ctx.path()).filename().string())) return doc;
    const std::string folder = compose_folder(ctx.path());
    for (auto name : compose_override_names) {
        const std::string& path = ctx.keep_file(folder + "/" + std::string(name));
        std::string error;
        auto text = read_companion(ctx, path, error);
        if (!text) {
            if (error.empty()) continue;
            ctx.error(*doc, "", path + ": " + error);
            return doc;
        }
        const std::size_t errors_before = ctx.error_count();
        auto docs = load_documents(*text, path, ctx.options(), ctx.diagnostics(), &path);
        if (ctx.error_count() != errors_before || docs.empty()) return doc;
        if (docs.size() > 1) {
            ctx.error(*docs[1], "", "an override file holds one document");
            return doc;
        }
        if (!docs[0]->is_mapping()) {
            ctx.error(*docs[0], "", std::string("an override file must be a mapping, got ") + describe(*docs[0]));
            return doc;
        }
        ctx.keep(docs[0]);
        node_ptr merged = merge_compose(ctx, doc, docs[0]);
        ctx.keep(merged);
        return merged;
    }
    return doc;
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

// x-driftless: driftless's own settings for a project, which docker compose
// ignores (an extension field). depends_on: the projects (their names) whose
// services must be up before this project's are created or updated.
void read_driftless_extension(context& ctx, const node& v, const std::string& field, const std::string& project,
                              std::vector<std::string>& after) {
    static constexpr std::string_view keys[] = {"depends_on"};
    if (!ctx.expect_mapping(v, field)) return;
    ctx.each_pair(v, field, [&](const std::string& key, const node& k, const node& dv) {
        const std::string f = join(field, key);
        if (key != "depends_on") return ctx.unknown_key(k, f, keys);
        if (!ctx.expect_sequence(dv, f)) return;
        ctx.each_item(dv, f, [&](const std::string& at, const node& item) {
            const auto name = ctx.string(item, at);
            if (!name) return;
            if (name->empty() || normalize_project_name(*name) != *name)
                return ctx.value_error(item, at, *name, "not a project name (lower case letters, digits, '-' and '_')");
            if (*name == project) return ctx.value_error(item, at, *name, "a project cannot come after itself");
            after.push_back(*name);
        });
    });
    std::sort(after.begin(), after.end());
    after.erase(std::unique(after.begin(), after.end()), after.end());
}

void read_compose(context& ctx, const node_ptr& written, std::vector<spec>& out) {
    const node_ptr merged = with_override(ctx, written);
    const node& doc = *merged;
    const std::string folder = compose_folder(ctx.path());
    const char* home = std::getenv("HOME");
    ctx.enter_compose({project_env(ctx, doc, folder), folder, home ? home : ""});
    project_names names{project_name(ctx, doc, folder), ctx.options().swarm_names};
    if (names.project.empty()) return;

    std::map<std::string, std::string> networks, volumes;
    std::map<std::string, compose_secret> secrets, configs;
    std::vector<compose_service> services;
    const node* services_at = nullptr;
    std::vector<std::string> after_projects;
    ctx.each_pair(doc, "", [&](const std::string& key, const node& k, const node& v) {
        if (key == "x-driftless") return read_driftless_extension(ctx, v, key, names.project, after_projects);
        if (is_extension(key)) return;
        if (key == "version") {
            (void)ctx.string(v, key);
        } else if (key == "name") {
            // read first, by project_name
        } else if (key == "services") {
            services_at = &v;
            if (!ctx.expect_mapping(v, key)) return;
            ctx.each_pair(v, key, [&](const std::string& name, const node& k2, const node& v2) {
                std::string f = join(key, name);
                if (!key_name_ok(ctx, k2, f)) return;
                services.push_back(read_compose_service(ctx, name, k2, v2, f));
            });
        } else if (key == "networks") {
            read_compose_resources<network>(ctx, v, key, network_keys, names, networks, out);
        } else if (key == "volumes") {
            read_compose_resources<volume>(ctx, v, key, volume_keys, names, volumes, out);
        } else if (key == "secrets" || key == "configs") {
            read_compose_secrets(ctx, v, key, key == "configs", names, key == "configs" ? configs : secrets);
        } else {
            unsupported(ctx, k, key, top_keys);
        }
    });

    std::map<std::string, const compose_service*> enabled;
    for (const auto& cs : services)
        if (profile_enabled(ctx, cs.profiles)) enabled[cs.name] = &cs;
    bool uses_default = false;
    std::set<std::string> default_declared;
    if (!networks.count("default")) networks["default"] = names.scoped("default");
    else default_declared.insert("default");
    for (auto& cs : services) {
        if (!enabled.count(cs.name) || !cs.ok) continue;
        if (!scope_service(ctx, cs, names, networks, volumes, enabled, uses_default)) continue;
        if (!resolve_secret_uses(ctx, cs.secret_uses, secrets, configs, cs.draft.value.secrets)) continue;
        const int replicas = static_cast<int>(cs.scale.value_or(cs.draft.value.replicas));
        if (cs.container_name && replicas > 1) {
            ctx.error(*cs.container_name_at, join(cs.field, "container_name"),
                      "cannot be set with more than one replica (a container name is unique)");
            continue;
        }
        cs.sp.labels[compose_labels::project] = names.project;
        cs.sp.labels[compose_labels::service] = cs.name;
        // What compose tags a built image when image: is not set.
        if (cs.draft.value.build && cs.draft.value.image.empty()) cs.draft.value.image = names.project + "-" + cs.name;
        cs.draft.value.after_projects = after_projects;
        if (names.swarm) {
            spec sp = cs.sp;
            sp.name = names.service(cs.name, 1);
            service body = cs.draft.value;
            body.replicas = replicas;
            sp.body = std::move(body);
            out.push_back(std::move(sp));
            continue;
        }
        // docker and podman: one container per replica.
        for (int i = 1; i <= replicas; ++i) {
            spec sp = cs.sp;
            sp.name = cs.container_name ? *cs.container_name : names.service(cs.name, i);
            if (auto e = check_resource_name(sp.name); !e.empty()) {
                ctx.error(*cs.key_node, cs.field, quote(sp.name) + ": " + e);
                break;
            }
            sp.labels[compose_labels::number] = std::to_string(i);
            sp.labels[compose_labels::oneoff] = "False";
            service body = cs.draft.value;
            body.replicas = 1;
            sp.body = std::move(body);
            out.push_back(std::move(sp));
        }
    }
    if (uses_default && !default_declared.count("default")) {
        spec sp;
        sp.name = networks["default"];
        sp.origin = ctx.where(services_at ? *services_at : doc);
        sp.labels[compose_labels::project] = names.project;
        sp.labels[compose_labels::network] = "default";
        sp.body = network{};
        out.push_back(std::move(sp));
    }
    if (!services_at) ctx.error(doc, "services", "required");
}

}  // namespace driftless::desired_state::detail
