#include <charconv>
#include <cmath>

#include "desired_state/detail/compose_keys.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view deploy_keys[] = {"resources",      "replicas",      "mode",
                                            "placement",      "restart_policy", "update_config",
                                            "rollback_config", "labels",       "endpoint_mode"};
constexpr std::string_view resources_keys[] = {"limits", "reservations"};
constexpr std::string_view limits_keys[] = {"cpus", "memory", "pids"};
constexpr std::string_view reservations_keys[] = {"cpus", "memory", "devices", "generic_resources"};
constexpr std::string_view placement_keys[] = {"constraints", "preferences", "max_replicas_per_node"};
constexpr std::string_view restart_keys[] = {"condition", "delay", "max_attempts", "window"};
constexpr std::string_view update_keys[] = {"parallelism", "delay", "failure_action", "monitor", "max_failure_ratio",
                                            "order"};
constexpr std::string_view preference_keys[] = {"spread"};

void read_duration_into(context& ctx, const node& n, const std::string& field, std::int64_t& out) {
    if (auto d = read_duration(ctx, n, field)) out = *d;
}

// limits {cpus, memory, pids} or reservations {cpus, memory}; GPU devices
// and generic resources have no place in the spec.
void read_resource_block(context& ctx, const node& n, const std::string& field, bool limits, service& s) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    resource_limits& into = limits ? s.limits : s.reservations;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "cpus") {
            if (auto c = read_cpus(ctx, v, f)) into.nano_cpus = *c;
        } else if (key == "memory") {
            if (auto m = read_memory(ctx, v, f)) into.memory_bytes = *m;
        } else if (key == "pids" && limits) {
            if (auto p = ctx.integer(v, f, -1, std::int64_t{1} << 32)) s.pids_limit = *p;
        } else if (!limits && (key == "devices" || key == "generic_resources")) {
            ctx.error(k, f, "not supported by driftless (no engine API it drives reserves devices for a service)");
        } else {
            ctx.unknown_key(k, f, limits ? std::span<const std::string_view>(limits_keys) : reservations_keys);
        }
    });
}

void read_resources(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    const node* reservations_at = nullptr;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "limits") {
            read_resource_block(ctx, v, f, true, s);
        } else if (key == "reservations") {
            reservations_at = &v;
            read_resource_block(ctx, v, f, false, s);
        } else {
            ctx.unknown_key(k, f, resources_keys);
        }
    });
    if (reservations_at) check_reservations(ctx, *reservations_at, join(field, "reservations"), s.limits, s.reservations);
}

void read_placement(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "constraints") {
            read_constraints(ctx, v, f, s.constraints);
        } else if (key == "max_replicas_per_node") {
            if (auto m = ctx.integer(v, f, 0, 1'000'000)) s.max_replicas_per_node = *m;
        } else if (key == "preferences") {
            if (v.is_null() || !ctx.expect_sequence(v, f)) return;
            ctx.each_item(v, f, [&](const std::string& f2, const node& item) {
                if (!ctx.expect_mapping(item, f2)) return;
                ctx.each_pair(item, f2, [&](const std::string& key3, const node& k3, const node& v3) {
                    std::string f3 = join(f2, key3);
                    if (key3 != "spread") return ctx.unknown_key(k3, f3, preference_keys);
                    auto spread = ctx.string(v3, f3);
                    if (spread && (spread->empty() || spread->find_first_of(" =") != std::string::npos))
                        return ctx.value_error(v3, f3, *spread, "expected a node attribute, e.g. node.labels.zone");
                    if (spread) s.placement_preferences.push_back("spread=" + *spread);
                });
            });
        } else {
            ctx.unknown_key(k, f, placement_keys);
        }
    });
}

void read_restart_policy(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    swarm_restart_policy p;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "condition") {
            if (auto c = ctx.one_of(v, f, {"none", "on-failure", "any"})) p.condition = *c;
        } else if (key == "delay") {
            read_duration_into(ctx, v, f, p.delay_ns);
        } else if (key == "max_attempts") {
            if (auto m = ctx.integer(v, f, 0, 1'000'000'000)) p.max_attempts = *m;
        } else if (key == "window") {
            read_duration_into(ctx, v, f, p.window_ns);
        } else {
            ctx.unknown_key(k, f, restart_keys);
        }
    });
    s.swarm_restart = p;
}

std::optional<double> read_ratio(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    double value = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), value);
    if (s->empty() || ec != std::errc() || ptr != s->data() + s->size() || !std::isfinite(value) || value < 0 ||
        value > 1) {
        ctx.value_error(n, field, *s, "expected a number from 0 to 1");
        return std::nullopt;
    }
    return value;
}

}  // namespace

void read_update_policy(context& ctx, const node& n, const std::string& field, bool rollback,
                        std::optional<update_policy>& out) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    update_policy p;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "parallelism") {
            if (auto m = ctx.integer(v, f, 0, 1'000'000)) p.parallelism = *m;
        } else if (key == "delay") {
            read_duration_into(ctx, v, f, p.delay_ns);
        } else if (key == "monitor") {
            read_duration_into(ctx, v, f, p.monitor_ns);
        } else if (key == "failure_action") {
            auto a = rollback ? ctx.one_of(v, f, {"pause", "continue"}) : ctx.one_of(v, f, {"pause", "continue", "rollback"});
            if (a) p.failure_action = *a;
        } else if (key == "max_failure_ratio") {
            if (auto r = read_ratio(ctx, v, f)) p.max_failure_ratio = *r;
        } else if (key == "order") {
            if (auto o = ctx.one_of(v, f, {"stop-first", "start-first"})) p.order = *o;
        } else {
            ctx.unknown_key(k, f, update_keys);
        }
    });
    out = p;
}

void read_compose_deploy(context& ctx, const node& n, const std::string& field, service_draft& draft) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    service& s = draft.value;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "replicas") {
            draft.replicas_at = &v;
            draft.replicas_field = f;
            if (auto r = ctx.integer(v, f, 0, 1'000'000)) s.replicas = static_cast<int>(*r);
        } else if (key == "mode") {
            if (auto m = read_mode(ctx, v, f)) s.mode = *m;
        } else if (key == "resources") {
            read_resources(ctx, v, f, s);
        } else if (key == "placement") {
            read_placement(ctx, v, f, s);
        } else if (key == "restart_policy") {
            read_restart_policy(ctx, v, f, s);
        } else if (key == "update_config") {
            read_update_policy(ctx, v, f, false, s.update_config);
        } else if (key == "rollback_config") {
            read_update_policy(ctx, v, f, true, s.rollback_config);
        } else if (key == "labels") {
            read_labels(ctx, v, f, s.service_labels);
        } else if (key == "endpoint_mode") {
            if (auto m = ctx.one_of(v, f, {"vip", "dnsrr"})) s.endpoint_mode = *m;
        } else {
            ctx.unknown_key(k, f, deploy_keys);
        }
    });
}

}  // namespace driftless::desired_state::detail
