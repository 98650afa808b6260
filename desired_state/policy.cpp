#include "desired_state/policy.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "desired_state/detail/policy_rules.hpp"
#include "desired_state/detail/reader.hpp"
#include "desired_state/detail/tree.hpp"

namespace driftless::desired_state {

namespace detail {

std::string listed(const std::vector<std::string>& items) {
    if (items.empty()) return "none";
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + quote(i);
    return out;
}

bool has_parent_step(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        if (path.substr(start, end - start) == "..") return true;
        start = end + 1;
    }
    return false;
}

}  // namespace detail

namespace {

using detail::quote;

constexpr std::string_view policy_keys[] = {
    "images",     "bind_mounts",  "read_only_binds", "volume_drivers", "volume_types",    "undeclared_volumes",
    "privileged", "capabilities", "devices",         "host_network",   "host_namespaces", "unconfined",
    "sysctls",    "builds"};

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// Capabilities as the spec holds them: upper case, without CAP_.
std::string capability_name(std::string s) {
    s = upper(std::move(s));
    return s.rfind("CAP_", 0) == 0 ? s.substr(4) : s;
}

// A list key: a list of non-empty strings, each checked by `check` (which
// returns what is wrong, or ""); false allows nothing, true anything.
allow_list read_allow_list(detail::context& ctx, const detail::node& n, const std::string& field,
                           const std::function<std::string(const std::string&)>& check = {}) {
    if (n.is_scalar()) {
        auto s = ctx.string(n, field);
        if (s && (*s == "true" || *s == "false")) return *s == "false" ? allow_list(std::vector<std::string>{}) : std::nullopt;
        if (s) ctx.value_error(n, field, *s, "expected a list, true or false");
        return std::nullopt;
    }
    if (!ctx.expect_sequence(n, field)) return std::nullopt;
    std::vector<std::string> out;
    ctx.each_item(n, field, [&](const std::string& item_field, const detail::node& item) {
        auto s = ctx.string(item, item_field);
        if (!s) return;
        if (s->empty()) return ctx.error(item, item_field, "an empty prefix would allow everything; leave the key out instead");
        if (auto e = check ? check(*s) : std::string(); !e.empty()) return ctx.value_error(item, item_field, *s, e);
        out.push_back(std::move(*s));
    });
    return out;
}

std::string check_folder(const std::string& path) {
    return path.front() != '/' || detail::has_parent_step(path) ? "a folder must be an absolute path without \"..\"" : "";
}

std::string check_device(const std::string& path) {
    return path.front() != '/' || detail::has_parent_step(path) ? "a device must be an absolute path without \"..\"" : "";
}

std::string check_sysctl_pattern(const std::string& pattern) {
    const auto star = pattern.find('*');
    if (star == std::string::npos) return "";
    return pattern.size() > 2 && star == pattern.size() - 1 && pattern[star - 1] == '.'
               ? ""
               : "a pattern is a full name or ends in \".*\" (net.ipv4.*)";
}

void read_key(detail::context& ctx, policy& p, const std::string& key, const detail::node& key_node,
              const detail::node& value) {
    auto flag = [&](bool& out) {
        if (auto b = ctx.boolean(value, key)) out = *b;
    };
    if (key == "images") p.images = read_allow_list(ctx, value, key, detail::check_image_entry);
    else if (key == "bind_mounts") p.bind_mounts = read_allow_list(ctx, value, key, check_folder);
    else if (key == "read_only_binds") flag(p.read_only_binds);
    else if (key == "volume_drivers") p.volume_drivers = read_allow_list(ctx, value, key);
    else if (key == "volume_types") p.volume_types = read_allow_list(ctx, value, key);
    else if (key == "undeclared_volumes") flag(p.undeclared_volumes);
    else if (key == "privileged") flag(p.privileged);
    else if (key == "capabilities") {
        p.capabilities = read_allow_list(ctx, value, key);
        if (p.capabilities)
            for (auto& c : *p.capabilities) c = capability_name(std::move(c));
    } else if (key == "devices") p.devices = read_allow_list(ctx, value, key, check_device);
    else if (key == "host_network") flag(p.host_network);
    else if (key == "host_namespaces") flag(p.host_namespaces);
    else if (key == "unconfined") flag(p.unconfined);
    else if (key == "builds") p.builds = read_allow_list(ctx, value, key, check_folder);
    else if (key == "sysctls") p.sysctls = read_allow_list(ctx, value, key, check_sysctl_pattern);
    else ctx.unknown_key(key_node, key, policy_keys, "a policy");
}

// security_opt values that turn a confinement off; docker takes both
// "key=value" and the older "key:value".
bool unconfining(std::string_view opt) {
    const auto sep = opt.find_first_of("=:");
    if (sep == std::string_view::npos) return false;
    const auto key = opt.substr(0, sep);
    const auto value = opt.substr(sep + 1);
    if (key == "seccomp" || key == "apparmor" || key == "systempaths") return value == "unconfined";
    if (key == "label") return value == "disable" || value == "type:spc_t" || value == "type:unconfined_t";
    return false;
}

// "net.ipv4.*" holds every name below net.ipv4; other patterns are names.
bool sysctl_allowed(const std::vector<std::string>& patterns, std::string name) {
    std::replace(name.begin(), name.end(), '/', '.');
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        if (!p.ends_with(".*")) return name == p;
        return name.size() > p.size() - 1 && name.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0;
    });
}

void check_service(const policy& p, const service& svc, const declared_volumes& volumes, const detail::deny_fn& deny) {
    // A built image is made here, not pulled: its context is what is judged.
    if (svc.build) detail::check_build(p, *svc.build, deny);
    else if (p.images && !detail::image_allowed(*p.images, svc.image))
        deny("image", quote(svc.image) + " is not under an allowed prefix (" + detail::listed(*p.images) + ")");
    detail::check_mounts(p, svc, volumes, deny);
    if (!p.privileged && svc.privileged) deny("privileged", "privileged containers are not allowed");
    if (p.capabilities)
        for (const auto& c : svc.cap_add)
            if (std::find(p.capabilities->begin(), p.capabilities->end(), c) == p.capabilities->end())
                deny("cap_add", "capability " + quote(c) + " is not allowed (" + detail::listed(*p.capabilities) + ")");
    if (!p.host_network) {
        for (const auto& n : svc.networks)
            if (n == "host") deny("networks", "the host network is not allowed");
        if (svc.network_mode == "host") deny("network_mode", "the host network is not allowed");
    }
    if (!p.host_namespaces) {
        if (svc.pid == "host") deny("pid", "the host's process namespace is not allowed");
        if (svc.ipc == "host") deny("ipc", "the host's IPC namespace is not allowed");
    }
    if (!p.unconfined)
        for (const auto& opt : svc.security_opt)
            if (unconfining(opt)) deny("security_opt", quote(opt) + " turns confinement off (unconfined: false)");
    if (p.sysctls)
        for (const auto& [name, value] : svc.sysctls)
            if (!sysctl_allowed(*p.sysctls, name))
                deny("sysctls", "sysctl " + quote(name) + " is not allowed (" + detail::listed(*p.sysctls) + ")");
}

}  // namespace

result<policy> parse_policy(std::string_view text, const std::string& path) {
    std::vector<diagnostic> errors;
    const parse_options options;
    policy p;
    auto docs = detail::load_documents(text, path, options, errors);
    detail::context ctx(path, options, errors);
    if (errors.empty() && docs.size() > 1) ctx.error(*docs[1], "", "a policy is one document");
    if (errors.empty() && !docs.empty() && ctx.expect_mapping(*docs[0], "")) {
        ctx.each_pair(*docs[0], "", [&](const std::string& key, const detail::node& key_node, const detail::node& value) {
            read_key(ctx, p, key, key_node, value);
        });
    }
    if (!errors.empty()) {
        std::string message;
        for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e.to_string();
        return error{"invalid", message};
    }
    return p;
}

result<policy> load_policy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return error{"invalid", path + ": cannot read the policy file"};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_policy(text.str(), path);
}

std::vector<diagnostic> check_policy(const policy& p, const spec& s, const declared_volumes& volumes) {
    std::vector<diagnostic> out;
    auto deny = [&](std::string field, std::string message) {
        out.push_back({s.origin, std::move(field), "denied by the policy: " + std::move(message)});
    };
    if (const auto* svc = s.as_service()) check_service(p, *svc, volumes, deny);
    if (const auto* vol = s.as_volume()) detail::check_volume(p, *vol, deny);
    return out;
}

}  // namespace driftless::desired_state
