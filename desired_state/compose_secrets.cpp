#include "desired_state/detail/compose_secrets.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "desired_state/detail/names.hpp"
#include "desired_state/installation_key.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view secret_keys[] = {"file", "environment", "name"};
constexpr std::string_view config_keys[] = {"file", "environment", "content", "name"};
constexpr std::string_view use_keys[] = {"source", "target", "uid", "gid", "mode"};

// A file mode as compose writes it: YAML 1.1 octal (0440, 0o440) or decimal.
std::optional<std::uint32_t> read_mode(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    std::string digits = *s;
    int base = 10;
    if (digits.rfind("0o", 0) == 0) {
        digits = digits.substr(2);
        base = 8;
    } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
    }
    std::uint32_t value = 0;
    bool ok = !digits.empty() && digits.size() <= 6;
    for (char c : digits) {
        if (c < '0' || c >= '0' + base) ok = false;
        else value = value * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(c - '0');
    }
    if (!ok || value > 07777) {
        ctx.value_error(n, field, *s, "expected a file mode such as 0440");
        return std::nullopt;
    }
    return value;
}

// A numeric user or group id, as a string (swarm's form).
std::optional<std::string> read_id(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    if (s->empty() || s->size() > 10 || !std::all_of(s->begin(), s->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        ctx.value_error(n, field, *s, "expected a numeric id");
        return std::nullopt;
    }
    return s;
}

}  // namespace

void read_compose_secrets(context& ctx, const node& n, const std::string& field, bool config,
                          const project_names& project, std::map<std::string, compose_secret>& out) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    const std::span<const std::string_view> known = config ? std::span<const std::string_view>(config_keys)
                                                           : std::span<const std::string_view>(secret_keys);
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        const std::string f = join(field, key);
        if (key.rfind("x-", 0) == 0) return;
        if (auto e = check_resource_name(key); !e.empty()) return ctx.value_error(k, f, key, e);
        if (!ctx.expect_mapping(v, f)) return;
        const std::size_t errors_before = ctx.error_count();
        compose_secret s;
        std::optional<std::string> name;
        int sources = 0;
        ctx.each_pair(v, f, [&](const std::string& key2, const node& k2, const node& v2) {
            const std::string f2 = join(f, key2);
            if (key2 == "name") {
                if (auto text = ctx.string(v2, f2)) {
                    if (auto e = check_resource_name(*text); !e.empty()) ctx.value_error(v2, f2, *text, e);
                    else name = *text;
                }
            } else if (key2 == "file") {
                ++sources;
                auto written = ctx.string(v2, f2);
                if (!written) return;
                if (written->empty()) return ctx.error(v2, f2, "empty path");
                std::string path = *written;
                if (path.rfind("~/", 0) == 0 && ctx.compose() && !ctx.compose()->home.empty())
                    path = ctx.compose()->home + path.substr(1);
                else if (path[0] != '/' && ctx.compose()) path = ctx.compose()->base_dir + "/" + path;
                path = std::filesystem::path(path).lexically_normal().generic_string();
                std::string error;
                auto text = read_companion(ctx, path, error);
                if (!text) return ctx.value_error(v2, f2, *written, error.empty() ? "no such file" : error);
                s.file = path;
                s.data = std::move(*text);
            } else if (key2 == "environment") {
                ++sources;
                auto var = ctx.string(v2, f2);
                if (!var) return;
                std::optional<std::string> value;
                if (ctx.compose() && ctx.compose()->env) value = ctx.compose()->env(*var);
                if (!value) return ctx.value_error(v2, f2, *var, "the variable is not set (or not allowed: --env-allow)");
                s.data = std::move(*value);
            } else if (key2 == "content" && config) {
                ++sources;
                if (auto text = ctx.string(v2, f2)) s.data = std::move(*text);
            } else if (key2 == "external" || key2 == "labels" || key2 == "driver" || key2 == "template_driver") {
                ctx.error(k2, f2, "not supported by driftless");
            } else {
                ctx.unknown_key(k2, f2, known);
            }
        });
        if (sources != 1 && ctx.error_count() == errors_before)
            ctx.error(k, f, config ? "needs exactly one of file, environment or content"
                                   : "needs exactly one of file or environment");
        if (ctx.error_count() != errors_before) return;
        s.digest = redact_secret(s.data);
        s.name = name ? *name : project.scoped(key);
        // Swarm's secrets and configs cannot change: each content has its own name.
        if (project.swarm) s.name += "-" + s.digest.substr(s.digest.find(':') + 1, 12);
        if (auto e = check_resource_name(s.name); !e.empty()) return ctx.value_error(k, f, s.name, e);
        out[key] = std::move(s);
    });
}

void read_compose_secret_uses(context& ctx, const node& n, const std::string& field, bool config,
                              std::vector<compose_secret_use>& out) {
    if (n.is_null() || !ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        compose_secret_use use;
        use.config = config;
        use.at = &item;
        use.field = f;
        if (!item.is_mapping()) {
            if (auto s = ctx.string(item, f)) {
                use.source = *s;
                out.push_back(std::move(use));
            }
            return;
        }
        const std::size_t errors_before = ctx.error_count();
        ctx.each_pair(item, f, [&](const std::string& key, const node& k, const node& v) {
            const std::string f2 = join(f, key);
            if (key == "source") {
                if (auto s = ctx.string(v, f2)) use.source = *s;
            } else if (key == "target") {
                if (auto s = ctx.string(v, f2)) {
                    if (s->empty() || s->find("..") != std::string::npos || s->find('\0') != std::string::npos)
                        ctx.value_error(v, f2, *s, "expected a path without \"..\"");
                    else use.target = *s;
                }
            } else if (key == "uid") {
                if (auto s = read_id(ctx, v, f2)) use.uid = *s;
            } else if (key == "gid") {
                if (auto s = read_id(ctx, v, f2)) use.gid = *s;
            } else if (key == "mode") {
                use.mode = read_mode(ctx, v, f2);
            } else {
                ctx.unknown_key(k, f2, use_keys);
            }
        });
        if (use.source.empty() && ctx.error_count() == errors_before) ctx.error(item, join(f, "source"), "required");
        if (ctx.error_count() == errors_before) out.push_back(std::move(use));
    });
}

bool resolve_secret_uses(context& ctx, const std::vector<compose_secret_use>& uses,
                         const std::map<std::string, compose_secret>& secrets,
                         const std::map<std::string, compose_secret>& configs, std::vector<secret_mount>& out) {
    bool ok = true;
    std::set<std::string> targets;
    for (const auto& use : uses) {
        const auto& declared = use.config ? configs : secrets;
        auto it = declared.find(use.source);
        if (it == declared.end()) {
            ctx.value_error(*use.at, use.field, use.source,
                            use.config ? "not declared under the top-level configs:"
                                       : "not declared under the top-level secrets:");
            ok = false;
            continue;
        }
        secret_mount m;
        m.config = use.config;
        m.name = it->second.name;
        // Secrets go under /run/secrets unless the target is absolute;
        // configs at "/" + their name, as compose does.
        const std::string target = use.target.value_or(use.source);
        m.target = target[0] == '/' ? target : (use.config ? "/" : "/run/secrets/") + target;
        m.file = it->second.file;
        m.uid = use.uid;
        m.gid = use.gid;
        m.mode = use.mode.value_or(0444);
        m.digest = it->second.digest;
        m.data = it->second.data;
        if (!targets.insert(m.target).second) {
            ctx.value_error(*use.at, use.field, m.target, "this target is already used by another secret or config");
            ok = false;
            continue;
        }
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const secret_mount& a, const secret_mount& b) { return a.target < b.target; });
    return ok;
}

}  // namespace driftless::desired_state::detail
