#include <algorithm>
#include <map>
#include <set>

#include "desired_state/detail/fields.hpp"
#include "desired_state/detail/names.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view healthcheck_keys[] = {"test", "interval", "timeout", "start_period", "retries", "disable"};
constexpr std::string_view expose_keys[] = {"host", "alias", "port"};

// A list of resource names with no repeats; `what` names the items.
void read_names(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out,
                const char* what) {
    std::map<std::string, std::string> seen;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        auto s = ctx.string(item, f);
        if (!s) return;
        if (auto e = check_resource_name(*s); !e.empty()) {
            ctx.value_error(item, f, *s, std::string("invalid ") + what + " name: " + e);
            return;
        }
        if (auto [it, fresh] = seen.emplace(*s, f); !fresh) {
            ctx.value_error(item, f, *s, "already listed at " + it->second);
            return;
        }
        out.push_back(*s);
    });
}

// name, uid, or either followed by :group / :gid.
std::string check_user(std::string_view u) {
    auto part_ok = [](std::string_view p) {
        if (p.empty() || p.size() > 32) return false;
        if (p.find_first_not_of("0123456789") == std::string_view::npos) return p.size() <= 10 && std::stoull(std::string(p)) < 4294967295ULL;
        if (p[0] == '-') return false;
        for (char c : p)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '.' || c == '-' || c == '$'))
                return false;
        return true;
    };
    auto colon = u.find(':');
    if (!part_ok(u.substr(0, colon))) return "expected a user name or uid, optionally :group or :gid";
    if (colon != std::string_view::npos && !part_ok(u.substr(colon + 1)))
        return "expected a user name or uid, optionally :group or :gid";
    return {};
}

// node.role==worker, node.labels.zone != b, engine.labels.x==y
std::optional<std::string> normalize_constraint(std::string_view c) {
    auto op = c.find("==");
    std::size_t len = 2;
    if (op == std::string_view::npos) op = c.find("!=");
    if (op == std::string_view::npos) return std::nullopt;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    std::string_view lhs = trim(c.substr(0, op));
    std::string_view rhs = trim(c.substr(op + len));
    if (lhs.empty() || rhs.empty() || lhs.find('.') == std::string_view::npos) return std::nullopt;
    for (char ch : lhs)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
              ch == '_' || ch == '-'))
            return std::nullopt;
    if (rhs.find_first_of("=! \t") != std::string_view::npos) return std::nullopt;
    return std::string(lhs) + std::string(c.substr(op, len)) + std::string(rhs);
}

}  // namespace

std::optional<std::string> read_image(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    if (auto e = check_image_reference(*s); !e.empty()) {
        ctx.value_error(n, field, *s, e);
        return std::nullopt;
    }
    return s;
}

std::optional<pull_policy> read_pull(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.one_of(n, field, {"missing", "always", "never"});
    if (!s) return std::nullopt;
    return *s == "always" ? pull_policy::always : *s == "never" ? pull_policy::never : pull_policy::missing;
}

std::optional<restart_policy> read_restart(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.one_of(n, field, {"no", "always", "on-failure", "unless-stopped"});
    if (!s) return std::nullopt;
    if (*s == "no") return restart_policy::no;
    if (*s == "always") return restart_policy::always;
    if (*s == "on-failure") return restart_policy::on_failure;
    return restart_policy::unless_stopped;
}

std::optional<service_mode> read_mode(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.one_of(n, field, {"replicated", "global"});
    if (!s) return std::nullopt;
    return *s == "global" ? service_mode::global : service_mode::replicated;
}

std::optional<std::string> read_user(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    if (auto e = check_user(*s); !e.empty()) {
        ctx.value_error(n, field, *s, e);
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> read_open_files(context& ctx, const node& n, const std::string& field) {
    return ctx.integer(n, field, 1, 1 << 20);
}

void read_networks(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null()) return;
    if (n.is_sequence()) return read_names(ctx, n, field, out, "network");
    if (!n.is_mapping()) {
        ctx.error(n, field, std::string("expected a list of network names, got ") + describe(n));
        return;
    }
    // compose style: name -> null or {} (per-network settings are not honoured)
    ctx.each_pair(n, field, [&](const std::string& name, const node& k, const node& v) {
        std::string f = join(field, name);
        if (auto e = check_resource_name(name); !e.empty()) {
            ctx.value_error(k, f, name, "invalid network name: " + e);
            return;
        }
        if (v.is_mapping()) {
            bool ok = true;
            ctx.each_pair(v, f, [&](const std::string& key, const node& k2, const node&) {
                ctx.error(k2, join(f, key), "not supported by driftless");
                ok = false;
            });
            if (!ok) return;
        } else if (!v.is_null()) {
            ctx.error(v, f, std::string("expected null or a mapping, got ") + describe(v));
            return;
        }
        out.push_back(name);
    });
}

void read_depends_on(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null()) return;
    if (n.is_sequence()) read_names(ctx, n, field, out, "service");
    else ctx.error(n, field, std::string("expected a list of service names or a mapping, got ") + describe(n));
    std::sort(out.begin(), out.end());
}

void read_constraints(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_sequence(n, field)) return;
    std::map<std::string, std::string> seen;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        auto s = ctx.string(item, f);
        if (!s) return;
        auto c = normalize_constraint(*s);
        if (!c) {
            ctx.value_error(item, f, *s, "expected ATTRIBUTE==VALUE or ATTRIBUTE!=VALUE, e.g. node.role==worker");
            return;
        }
        if (auto [it, fresh] = seen.emplace(*c, f); !fresh) {
            ctx.value_error(item, f, *s, "already listed at " + it->second);
            return;
        }
        out.push_back(*c);
    });
    std::sort(out.begin(), out.end());
}

void read_healthcheck(context& ctx, const node& n, const std::string& field, std::optional<healthcheck>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_mapping(n, field)) return;
    healthcheck h;
    bool ok = true;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        auto duration = [&](std::int64_t& into) {
            if (auto d = read_duration(ctx, v, f)) into = *d;
            else ok = false;
        };
        if (key == "test") {
            if (v.is_scalar()) {
                auto s = ctx.string(v, f);
                if (!s) return void(ok = false);
                if (s->empty()) {
                    ctx.error(v, f, "empty command");
                    return void(ok = false);
                }
                h.test = {"CMD-SHELL", *s};
            } else if (v.is_sequence()) {
                std::vector<std::string> words;
                ctx.each_item(v, f, [&](const std::string& f2, const node& item) {
                    if (auto s = ctx.string(item, f2)) words.push_back(*s);
                    else ok = false;
                });
                if (!ok) return;
                if (words.empty() || (words[0] != "CMD" && words[0] != "CMD-SHELL" && words[0] != "NONE")) {
                    ctx.error(v, f, "a test list starts with CMD, CMD-SHELL or NONE");
                    return void(ok = false);
                }
                if ((words[0] == "CMD" || words[0] == "CMD-SHELL") && words.size() < 2) {
                    ctx.error(v, f, words[0] + " needs a command after it");
                    return void(ok = false);
                }
                h.test = std::move(words);
            } else {
                ctx.error(v, f, std::string("expected a list or a string, got ") + describe(v));
                ok = false;
            }
        } else if (key == "interval") {
            duration(h.interval_ns);
        } else if (key == "timeout") {
            duration(h.timeout_ns);
        } else if (key == "start_period") {
            duration(h.start_period_ns);
        } else if (key == "retries") {
            if (auto r = ctx.integer(v, f, 0, 1000)) h.retries = static_cast<int>(*r);
            else ok = false;
        } else if (key == "disable") {
            if (auto b = ctx.boolean(v, f)) h.disable = *b;
            else ok = false;
        } else {
            ctx.unknown_key(k, f, healthcheck_keys);
            ok = false;
        }
    });
    if (!ok) return;
    // "disable: true" and "test: [NONE]" mean the same: keep one form.
    if (h.disable || (!h.test.empty() && h.test[0] == "NONE")) {
        h = healthcheck{};
        h.test = {"NONE"};
        h.disable = true;
    }
    out = std::move(h);
}

void read_expose(context& ctx, const node& n, const std::string& field, std::optional<expose_spec>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_mapping(n, field)) return;
    expose_spec e;
    bool ok = true;
    bool has_port = false;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "host" || key == "alias") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            if (auto err = check_host_name(*s); !err.empty()) {
                ctx.value_error(v, f, *s, err);
                return void(ok = false);
            }
            std::string lower = *s;
            for (char& c : lower)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            (key == "host" ? e.host : e.alias) = lower;
        } else if (key == "port") {
            auto p = ctx.integer(v, f, 1, 65535);
            if (!p) return void(ok = false);
            e.port = static_cast<std::uint16_t>(*p);
            has_port = true;
        } else {
            ctx.unknown_key(k, f, expose_keys);
            ok = false;
        }
    });
    if (ok && e.host.empty()) {
        ctx.error(n, join(field, "host"), "required (the host name to route)");
        ok = false;
    }
    if (ok && !has_port) {
        ctx.error(n, join(field, "port"), "required (the container port, 1-65535)");
        ok = false;
    }
    if (ok) out = std::move(e);
}

void finish_service(context& ctx, const node& doc, const std::string& field_prefix, const std::string& name,
                    service_draft& draft) {
    service& s = draft.value;
    if (s.build) {
        // A driftless document's image defaults to its name; a compose
        // service's to PROJECT-SERVICE, set with the project.
        if (s.image.empty() && !ctx.compose()) s.image = name;
        if (s.pull == pull_policy::always && draft.pull_at)
            ctx.error(*draft.pull_at, join(field_prefix, ctx.compose() ? "pull_policy" : "pull"),
                      "a built image is never pulled (build.pull: true pulls what its Dockerfile starts FROM)");
        s.pull = pull_policy::never;
    } else if (!draft.image_at && !draft.build_at) {
        ctx.error(doc, join(field_prefix, "image"), "required (e.g. image: nginx:1.25)");
    }
    check_follow(ctx, field_prefix, draft);
    if (draft.replicas_at && s.mode == service_mode::global)
        ctx.error(*draft.replicas_at, draft.replicas_field, "cannot be set with mode: global");
    if (!name.empty() && std::binary_search(s.depends_on.begin(), s.depends_on.end(), name))
        ctx.error(doc, join(field_prefix, "depends_on"), "a service cannot depend on itself");
}

}  // namespace driftless::desired_state::detail
