#include <algorithm>
#include <map>

#include "desired_state/detail/compose_keys.hpp"
#include "desired_state/detail/names.hpp"
#include "desired_state/detail/quantities.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view endpoint_keys[] = {"aliases", "ipv4_address", "ipv6_address"};
constexpr std::string_view dependency_keys[] = {"condition", "restart", "required"};

// networks: {front: {aliases: [web.local], ipv4_address: 10.1.0.5}, back: null}
// (the list form is read_networks'); each network with settings gets an
// endpoint keyed by the network's name as written.
void read_network_endpoints(context& ctx, const node& n, const std::string& field, service& s) {
    ctx.each_pair(n, field, [&](const std::string& name, const node& k, const node& v) {
        std::string f = join(field, name);
        if (auto e = check_resource_name(name); !e.empty()) return ctx.value_error(k, f, name, "invalid network name: " + e);
        s.networks.push_back(name);
        if (v.is_null()) return;
        if (!ctx.expect_mapping(v, f)) return;
        network_endpoint ep;
        ctx.each_pair(v, f, [&](const std::string& key, const node& k2, const node& v2) {
            std::string f2 = join(f, key);
            if (key == "aliases") {
                if (v2.is_null() || !ctx.expect_sequence(v2, f2)) return;
                ctx.each_item(v2, f2, [&](const std::string& f3, const node& item) {
                    auto a = ctx.string(item, f3);
                    if (!a) return;
                    if (auto e = check_host_name(*a); !e.empty()) return ctx.value_error(item, f3, *a, e);
                    ep.aliases.push_back(*a);
                });
            } else if (key == "ipv4_address" || key == "ipv6_address") {
                auto a = ctx.string(v2, f2);
                if (!a) return;
                bool v4 = key == "ipv4_address";
                if (v4 ? !is_ipv4(*a) : !is_ipv6(*a))
                    return ctx.value_error(v2, f2, *a, v4 ? "expected an IPv4 address" : "expected an IPv6 address");
                (v4 ? ep.ipv4_address : ep.ipv6_address) = *a;
            } else {
                ctx.unknown_key(k2, f2, endpoint_keys);
            }
        });
        std::sort(ep.aliases.begin(), ep.aliases.end());
        ep.aliases.erase(std::unique(ep.aliases.begin(), ep.aliases.end()), ep.aliases.end());
        if (ep != network_endpoint{}) s.endpoints[name] = std::move(ep);
    });
}

}  // namespace

void read_dependencies(context& ctx, const node& n, const std::string& field, service& s) {
    ctx.each_pair(n, field, [&](const std::string& name, const node& k, const node& v) {
        std::string f = join(field, name);
        if (auto e = check_resource_name(name); !e.empty()) return ctx.value_error(k, f, name, "invalid service name: " + e);
        dependency d;
        bool ok = true;
        if (v.is_mapping()) {
            ctx.each_pair(v, f, [&](const std::string& key, const node& k2, const node& v2) {
                std::string f2 = join(f, key);
                if (key == "condition") {
                    auto c = ctx.one_of(v2, f2, {"service_started", "service_healthy", "service_completed_successfully"});
                    if (c) d.condition = *c;
                    else ok = false;
                } else if (key == "restart" || key == "required") {
                    auto b = ctx.boolean(v2, f2);
                    if (b) (key == "restart" ? d.restart : d.required) = *b;
                    else ok = false;
                } else {
                    ctx.unknown_key(k2, f2, dependency_keys);
                    ok = false;
                }
            });
        } else if (!v.is_null()) {
            ctx.error(v, f, std::string("expected null or a mapping, got ") + describe(v));
            ok = false;
        }
        if (!ok) return;
        s.depends_on.push_back(name);
        if (d != dependency{}) s.depends_on_conditions[name] = d;
    });
    std::sort(s.depends_on.begin(), s.depends_on.end());
}

namespace {

// links: ["db", "db:database"]
void read_links(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null() || !ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        auto s = ctx.string(item, f);
        if (!s) return;
        auto colon = s->find(':');
        std::string service = s->substr(0, colon);
        if (auto e = check_resource_name(service); !e.empty())
            return ctx.value_error(item, f, *s, "invalid service name: " + e);
        if (colon != std::string::npos) {
            if (auto e = check_host_name(s->substr(colon + 1)); !e.empty())
                return ctx.value_error(item, f, *s, "invalid alias: " + e);
        }
        out.push_back(*s);
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

// restart: no | always | on-failure | on-failure:N | unless-stopped
void read_compose_restart(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_scalar() && n.text.rfind("on-failure:", 0) == 0) {
        auto text = ctx.string(n, field);
        if (!text) return;
        std::string count = text->substr(11);
        if (count.empty() || count.size() > 9 || count.find_first_not_of("0123456789") != std::string::npos)
            return ctx.value_error(n, field, *text, "expected on-failure:N with N a count of restarts, e.g. on-failure:5");
        s.restart = restart_policy::on_failure;
        s.restart_max_attempts = std::stoi(count);
        return;
    }
    if (auto r = read_restart(ctx, n, field)) s.restart = *r;
}


}  // namespace

bool read_compose_link_key(context& ctx, const std::string& key, const node& v, const std::string& f,
                           service_draft& draft, compose_service_places& places) {
    service& s = draft.value;
    if (key == "networks") {
        places.networks_at = &v;
        if (v.is_mapping()) read_network_endpoints(ctx, v, f, s);
        else read_networks(ctx, v, f, s.networks);
    } else if (key == "links") {
        read_links(ctx, v, f, s.links);
    } else if (key == "depends_on") {
        if (v.is_mapping()) read_dependencies(ctx, v, f, s);
        else read_depends_on(ctx, v, f, s.depends_on);
    } else if (key == "restart") {
        read_compose_restart(ctx, v, f, s);
    } else if (key == "build") {
        places.build_at = &v;
        read_build(ctx, v, f, s.build);
    } else {
        return false;
    }
    return true;
}

void finish_compose_service(context& ctx, const std::string& field, const std::string& name, service_draft& draft,
                            const compose_service_places& places) {
    if (!draft.value.network_mode.empty() && places.network_mode_at && places.networks_at)
        ctx.error(*places.network_mode_at, join(field, "network_mode"),
                  "cannot be set with " + join(field, "networks") + " (a container in another's or the host's "
                  "network joins no network of its own); remove one of them");
    // Built: the image is the tag given to what is built (the project's
    // PROJECT-SERVICE when image: is not set, named with the project).
    if (places.build_at && !draft.image_at) draft.image_at = places.build_at;
    if (places.pull_build_at && !places.build_at)
        ctx.value_error(*places.pull_build_at, join(field, "pull_policy"), "build",
                        "needs a build: section to build the image from");
    // What the engine would refuse at create, said here with the place.
    const service& s = draft.value;
    if (places.cpu_shares_at && s.cpu_shares != 0 && s.reservations.nano_cpus != 0)
        ctx.error(*places.cpu_shares_at, join(field, "cpu_shares"),
                  "cannot be set with deploy.resources.reservations.cpus, which gives the container its CPU weight; "
                  "keep one of them");
    if (places.memswap_at && s.memswap_limit > 0) {
        if (s.limits.memory_bytes == 0)
            ctx.error(*places.memswap_at, join(field, "memswap_limit"),
                      "needs a memory limit (mem_limit or deploy.resources.limits.memory): it counts memory and swap "
                      "together");
        else if (s.memswap_limit < s.limits.memory_bytes)
            ctx.error(*places.memswap_at, join(field, "memswap_limit"),
                      "smaller than the memory limit (" + std::to_string(s.limits.memory_bytes) +
                          " bytes): it counts memory and swap together");
    }
}

void read_compose_tmpfs(context& ctx, const node& n, const std::string& field, std::vector<mount>& out) {
    auto one = [&](const node& item, const std::string& f) {
        auto s = ctx.string(item, f);
        if (!s) return;
        auto colon = s->find(':');
        mount m;
        m.type = mount_type::tmpfs;
        m.target = s->substr(0, colon);
        if (m.target.empty() || m.target[0] != '/')
            return ctx.value_error(item, f, *s, "expected an absolute path, optionally :size=64m,mode=1777");
        if (colon != std::string::npos) {
            std::string opts = s->substr(colon + 1);
            for (std::size_t start = 0; start <= opts.size();) {
                auto comma = opts.find(',', start);
                std::string opt = opts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                start = comma == std::string::npos ? opts.size() + 1 : comma + 1;
                std::string error;
                if (opt.rfind("size=", 0) == 0) {
                    auto size = parse_memory(opt.substr(5), error);
                    if (!size) return ctx.value_error(item, f, *s, "size: " + error);
                    m.tmpfs_size = *size;
                } else if (opt.rfind("mode=", 0) == 0 && opt.size() > 5 && opt.size() <= 9 &&
                           opt.find_first_not_of("01234567", 5) == std::string::npos &&
                           std::stoul(opt.substr(5), nullptr, 8) <= 07777) {
                    m.tmpfs_mode = static_cast<std::uint32_t>(std::stoul(opt.substr(5), nullptr, 8));
                } else {
                    return ctx.value_error(item, f, *s,
                                           "unknown tmpfs option \"" + opt + "\"; expected size=BYTES or mode=OCTAL");
                }
            }
        }
        out.push_back(std::move(m));
    };
    if (n.is_null()) return;
    if (n.is_sequence()) ctx.each_item(n, field, [&](const std::string& f, const node& item) { one(item, f); });
    else one(n, field);
}

}  // namespace driftless::desired_state::detail
