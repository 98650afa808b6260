#include <filesystem>
#include <optional>
#include <system_error>

#include "desired_state/detail/policy_rules.hpp"
#include "desired_state/detail/reader.hpp"

namespace driftless::desired_state::detail {

namespace {

// A path made of whole components: "/srv" and "/srv/" both hold
// "/srv/data" but not "/srvx".
bool under(std::string_view path, std::string_view folder) {
    while (folder.size() > 1 && folder.back() == '/') folder.remove_suffix(1);
    if (path.substr(0, folder.size()) != folder) return false;
    return path.size() == folder.size() || folder == "/" || path[folder.size()] == '/';
}

// The path with its longest existing prefix resolved through symlinks,
// the rest as written; nullopt when the file system will not say.
std::optional<std::string> resolved(const std::string& path) {
    std::error_code ec;
    auto r = std::filesystem::weakly_canonical(path, ec);
    if (ec) return std::nullopt;
    return r.string();
}

// Why `path` is outside every one of `allowed`, or nullopt when inside one.
// The path must be inside a folder both as written and as resolved now, so
// a symlink under an allowed folder that leads elsewhere is outside.
std::optional<std::string> outside(std::string_view subject, const std::string& path,
                                   const std::vector<std::string>& allowed, std::string_view verdict) {
    const auto real = resolved(path);
    if (!has_parent_step(path) && real) {
        for (const auto& folder : allowed) {
            const auto real_folder = resolved(folder);
            if (under(path, folder) && under(*real, real_folder.value_or(folder))) return std::nullopt;
        }
    }
    std::string message = std::string(subject) + " " + quote(path);
    if (!real) return message + " cannot be resolved on this machine, so " + std::string(verdict) + " (" + listed(allowed) + ")";
    if (*real != path && !has_parent_step(path)) message += " resolves to " + quote(*real) + ", which";
    return message + " " + std::string(verdict) + " (" + listed(allowed) + ")";
}

constexpr std::string_view not_inside = "is not inside an allowed folder";

// The `o` option of the local driver, split at commas.
std::vector<std::string_view> mount_options(const string_map& opts) {
    std::vector<std::string_view> out;
    auto it = opts.find("o");
    if (it == opts.end()) return out;
    std::string_view o = it->second;
    std::size_t start = 0;
    while (start <= o.size()) {
        const auto end = std::min(o.find(',', start), o.size());
        out.push_back(o.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool has_option(const std::vector<std::string_view>& options, std::string_view word) {
    return std::find(options.begin(), options.end(), word) != options.end();
}

}  // namespace

void check_mounts(const policy& p, const service& s, const declared_volumes& volumes, const deny_fn& deny) {
    for (const auto& m : s.mounts) {
        if (m.type == mount_type::bind) {
            if (p.bind_mounts)
                if (auto why = outside("bind source", m.source, *p.bind_mounts, not_inside)) deny("mounts", *why);
            if (p.read_only_binds && !m.read_only)
                deny("mounts", "bind mount of " + quote(m.source) + " on " + quote(m.target) +
                                   " is read-write; mount it read-only (read_only_binds: true)");
        } else if (m.type == mount_type::volume && !m.source.empty()) {
            // The engine makes an undeclared volume, or uses one made by
            // hand, with whatever options it has: a policy decision.
            if (volumes.denied.count(m.source) != 0)
                deny("mounts", "volume " + quote(m.source) + " is denied by the policy (see its own error)");
            else if (!p.undeclared_volumes && volumes.names.count(m.source) == 0)
                deny("mounts", "volume " + quote(m.source) +
                                   " is not declared by any source; declare it (kind: Volume) or allow undeclared_volumes");
        }
    }
    if (p.devices)
        for (const auto& d : s.devices)
            if (auto why = outside("host device", d.host_path, *p.devices, "is not allowed")) deny("devices", *why);
}

void check_build(const policy& p, const build_spec& b, const deny_fn& deny) {
    if (p.builds)
        if (auto why = outside("build context", b.context, *p.builds, not_inside)) deny("build", *why);
    if (!p.host_network && b.network == "host") deny("build.network", "the host network is not allowed");
}

void check_volume(const policy& p, const volume& v, const deny_fn& deny) {
    if (p.volume_drivers &&
        std::find(p.volume_drivers->begin(), p.volume_drivers->end(), v.driver) == p.volume_drivers->end())
        deny("driver", "volume driver " + quote(v.driver) + " is not allowed (" + listed(*p.volume_drivers) + ")");
    // Other drivers' options mean what those drivers say; only the local
    // driver's are known here.
    if (v.driver != "local") return;
    const auto options = mount_options(v.driver_opts);
    const auto device = v.driver_opts.find("device");
    const auto type = v.driver_opts.find("type");
    // mount(8), which podman runs, also takes the bind as a type.
    const bool bind = has_option(options, "bind") || has_option(options, "rbind") ||
                      (type != v.driver_opts.end() && (type->second == "bind" || type->second == "rbind"));
    if (bind && device != v.driver_opts.end()) {
        // A bind mount in disguise, copied by swarm to every node.
        if (p.bind_mounts)
            if (auto why = outside("bind device", device->second, *p.bind_mounts, not_inside))
                deny("driver_opts.device", *why);
        if (p.read_only_binds && !has_option(options, "ro"))
            deny("driver_opts.o", "the volume binds host path " + quote(device->second) +
                                      " read-write; add \"ro\" to o (read_only_binds: true)");
        return;
    }
    if (p.volume_types && type != v.driver_opts.end() &&
        std::find(p.volume_types->begin(), p.volume_types->end(), type->second) == p.volume_types->end())
        deny("driver_opts.type",
             "local volume type " + quote(type->second) + " is not allowed (" + listed(*p.volume_types) + ")");
}

}  // namespace driftless::desired_state::detail
