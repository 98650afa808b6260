#include "desired_state/policy.hpp"

#include <fstream>
#include <sstream>

#include "desired_state/detail/reader.hpp"
#include "desired_state/detail/tree.hpp"

namespace driftless::desired_state {

namespace {

constexpr std::string_view policy_keys[] = {"images", "host_network", "privileged", "bind_mounts"};

std::optional<std::vector<std::string>> string_list(detail::context& ctx, const detail::node& n, const std::string& field) {
    if (!ctx.expect_sequence(n, field)) return std::nullopt;
    std::vector<std::string> out;
    ctx.each_item(n, field, [&](const std::string& item_field, const detail::node& item) {
        if (auto s = ctx.string(item, item_field)) {
            if (s->empty()) ctx.error(item, item_field, "an empty prefix would allow everything; leave the key out instead");
            else out.push_back(std::move(*s));
        }
    });
    return out;
}

// A path, made of whole components: "/srv" and "/srv/" both allow
// "/srv/data" but not "/srvx".
bool under(std::string_view path, std::string_view folder) {
    while (folder.size() > 1 && folder.back() == '/') folder.remove_suffix(1);
    if (path.substr(0, folder.size()) != folder) return false;
    return path.size() == folder.size() || folder == "/" || path[folder.size()] == '/';
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

std::string listed(const std::vector<std::string>& items) {
    if (items.empty()) return "none";
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + detail::quote(i);
    return out;
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
            if (key == "images") p.images = string_list(ctx, value, key);
            else if (key == "bind_mounts") {
                p.bind_mounts = string_list(ctx, value, key);
                for (const auto& folder : p.bind_mounts.value_or(std::vector<std::string>{}))
                    if (folder.front() != '/' || has_parent_step(folder))
                        ctx.error(value, key, detail::quote(folder) + ": a folder must be an absolute path without \"..\"");
            } else if (key == "host_network") {
                if (auto b = ctx.boolean(value, key)) p.host_network = *b;
            } else if (key == "privileged") {
                if (auto b = ctx.boolean(value, key)) p.privileged = *b;
            } else {
                ctx.unknown_key(key_node, key, policy_keys, "a policy");
            }
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

std::vector<diagnostic> check_policy(const policy& p, const spec& s) {
    std::vector<diagnostic> out;
    const auto* svc = s.as_service();
    if (svc == nullptr) return out;
    auto deny = [&](std::string field, std::string message) {
        out.push_back({s.origin, std::move(field), "denied by the policy: " + std::move(message)});
    };
    if (p.images) {
        bool allowed = false;
        for (const auto& prefix : *p.images) allowed = allowed || svc->image.rfind(prefix, 0) == 0;
        if (!allowed) deny("image", detail::quote(svc->image) + " is not under an allowed prefix (" + listed(*p.images) + ")");
    }
    if (!p.host_network)
        for (const auto& n : svc->networks)
            if (n == "host") deny("networks", "the host network is not allowed");
    if (p.bind_mounts) {
        for (std::size_t i = 0; i < svc->mounts.size(); ++i) {
            const auto& m = svc->mounts[i];
            if (m.type != mount_type::bind) continue;
            bool allowed = !has_parent_step(m.source);
            bool inside = false;
            for (const auto& folder : *p.bind_mounts) inside = inside || under(m.source, folder);
            if (!allowed || !inside)
                deny("mounts", "bind source " + detail::quote(m.source) + " is not inside an allowed folder (" +
                                   listed(*p.bind_mounts) + ")");
        }
    }
    return out;
}

}  // namespace driftless::desired_state
