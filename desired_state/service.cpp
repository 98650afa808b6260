#include "desired_state/detail/document.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view resources_keys[] = {"cpus", "memory", "reservations"};

void read_resources(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_null()) return;
    if (!ctx.expect_mapping(n, field)) return;
    const node* reservations_at = nullptr;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "cpus") {
            if (auto c = read_cpus(ctx, v, f)) s.limits.nano_cpus = *c;
        } else if (key == "memory") {
            if (auto m = read_memory(ctx, v, f)) s.limits.memory_bytes = *m;
        } else if (key == "reservations") {
            reservations_at = &v;
            read_limits(ctx, v, f, s.reservations);
        } else {
            ctx.unknown_key(k, f, resources_keys);
        }
    });
    if (reservations_at) check_reservations(ctx, *reservations_at, join(field, "reservations"), s.limits, s.reservations);
}

}  // namespace

bool read_service_field(context& ctx, const std::string& key, const node& v, const std::string& f,
                        service_draft& draft) {
    service& s = draft.value;
    if (key == "image") {
        draft.image_at = &v;
        if (auto i = read_image(ctx, v, f)) s.image = *i;
    } else if (key == "pull") {
        draft.pull_at = &v;
        if (auto p = read_pull(ctx, v, f)) s.pull = *p;
    } else if (key == "command") {
        read_command(ctx, v, f, s.command);
    } else if (key == "entrypoint") {
        read_command(ctx, v, f, s.entrypoint);
    } else if (key == "env") {
        read_string_map(
            ctx, v, f, true, s.env,
            [](const std::string& name) -> std::string {
                if (name.find_first_of(" \t\n") != std::string::npos) return "variable names cannot hold blanks";
                return {};
            },
            ctx.compose() ? bare_entry::pass_through : bare_entry::error);
    } else if (key == "ports") {
        read_ports(ctx, v, f, s.ports);
    } else if (key == "networks") {
        read_networks(ctx, v, f, s.networks);
    } else if (key == "mounts") {
        read_mounts(ctx, v, f, s.mounts);
    } else if (key == "user") {
        if (auto u = read_user(ctx, v, f)) s.user = *u;
    } else if (key == "resources") {
        read_resources(ctx, v, f, s);
    } else if (key == "open_files") {
        if (auto o = read_open_files(ctx, v, f)) s.open_files = *o;
    } else if (key == "restart") {
        if (auto r = read_restart(ctx, v, f)) s.restart = *r;
    } else if (key == "healthcheck") {
        read_healthcheck(ctx, v, f, s.health);
    } else if (key == "stop_grace_period") {
        if (auto d = read_duration(ctx, v, f)) s.stop_grace_period_ns = *d;
    } else if (key == "depends_on") {
        if (v.is_mapping()) read_dependencies(ctx, v, f, s);
        else read_depends_on(ctx, v, f, s.depends_on);
    } else if (key == "replicas") {
        draft.replicas_at = &v;
        draft.replicas_field = f;
        if (auto r = ctx.integer(v, f, 0, 1'000'000)) s.replicas = static_cast<int>(*r);
    } else if (key == "mode") {
        if (auto m = read_mode(ctx, v, f)) s.mode = *m;
    } else if (key == "constraints") {
        read_constraints(ctx, v, f, s.constraints);
    } else if (key == "expose") {
        read_expose(ctx, v, f, s.expose);
    } else if (key == "update_config") {
        read_update_policy(ctx, v, f, false, s.update_config);
    } else if (key == "rollback_config") {
        read_update_policy(ctx, v, f, true, s.rollback_config);
    } else if (key == "build") {
        draft.build_at = &v;
        read_build(ctx, v, f, s.build);
    } else if (key == "follow") {
        draft.follow_at = &v;
        read_follow(ctx, v, f, s.follow);
    } else {
        return false;
    }
    return true;
}

}  // namespace driftless::desired_state::detail
