#include <algorithm>
#include <filesystem>
#include <map>

#include "desired_state/detail/fields.hpp"
#include "desired_state/detail/names.hpp"
#include "desired_state/detail/quantities.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view mount_keys[] = {"type", "source", "target", "read_only", "bind", "volume", "tmpfs"};
constexpr std::string_view bind_keys[] = {"propagation", "selinux", "create_host_path"};
constexpr std::string_view volume_keys[] = {"nocopy", "subpath"};
constexpr std::string_view tmpfs_keys[] = {"size", "mode"};
constexpr std::string_view propagations[] = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};

bool is_propagation(std::string_view s) {
    return std::find(std::begin(propagations), std::end(propagations), s) != std::end(propagations);
}

// Docker's volume name grammar: [a-zA-Z0-9][a-zA-Z0-9_.-]+
bool volume_name(std::string_view s) {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (s.size() < 2 || !alnum(s[0])) return false;
    for (char c : s)
        if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

// A compose file's bind source: "./x" and "../x" against the file's folder,
// "~" and "~/x" against the home folder, made lexically normal. Returns ""
// (after reporting) when it cannot be resolved; other sources unchanged.
std::string resolve_source(context& ctx, const node& at, const std::string& field, const std::string& src) {
    const auto* scope = ctx.compose();
    if (scope == nullptr || src.empty() || src[0] == '/') return src;
    std::string base;
    std::string rest;
    if (src == "~" || src.rfind("~/", 0) == 0) {
        if (scope->home.empty()) {
            ctx.value_error(at, field, src, "\"~\" needs a home folder (HOME is not set)");
            return {};
        }
        base = scope->home;
        rest = src.size() > 2 ? src.substr(2) : "";
    } else {
        base = scope->base_dir;
        rest = src;
    }
    return std::filesystem::path(base + "/" + rest).lexically_normal().generic_string();
}

// Checks that depend on the type, once all keys are read. Returns false
// (after reporting) when the mount is unusable.
bool check_mount(context& ctx, const node& at, const std::string& field, const mount& m, bool has_source) {
    bool ok = true;
    if (m.target.empty() || m.target[0] != '/') {
        ctx.error(at, join(field, "target"), m.target.empty() ? "required (an absolute path in the container)"
                                                             : quote(m.target) + ": must be an absolute path");
        ok = false;
    }
    switch (m.type) {
    case mount_type::bind:
        if (m.source.empty()) {
            ctx.error(at, join(field, "source"), "required for a bind mount (an absolute host path)");
            ok = false;
        } else if (m.source[0] != '/') {
            ctx.error(at, join(field, "source"), quote(m.source) + ": a bind source must be an absolute path");
            ok = false;
        }
        break;
    case mount_type::volume:
        if (!m.source.empty() && !volume_name(m.source)) {
            ctx.error(at, join(field, "source"),
                      quote(m.source) + ": invalid volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)");
            ok = false;
        }
        break;
    case mount_type::tmpfs:
        if (has_source) {
            ctx.error(at, join(field, "source"), "a tmpfs mount has no source");
            ok = false;
        }
        break;
    }
    return ok;
}

void read_long(context& ctx, const node& n, const std::string& field, std::vector<mount>& out) {
    mount m;
    bool ok = true;
    bool has_type = false;
    bool type_written = false;
    bool has_source = false;
    const node* bind_at = nullptr;
    const node* volume_at = nullptr;
    const node* tmpfs_at = nullptr;
    const node* source_at = nullptr;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "type") {
            type_written = true;
            auto s = ctx.one_of(v, f, {"bind", "volume", "tmpfs"});
            if (!s) return void(ok = false);
            has_type = true;
            m.type = *s == "bind" ? mount_type::bind : *s == "volume" ? mount_type::volume : mount_type::tmpfs;
        } else if (key == "source") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            m.source = *s;
            source_at = &v;
            has_source = true;
        } else if (key == "target") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            m.target = *s;
        } else if (key == "read_only") {
            auto b = ctx.boolean(v, f);
            if (!b) return void(ok = false);
            m.read_only = *b;
        } else if (key == "bind") {
            bind_at = &k;
            if (v.is_null()) return;
            if (!ctx.expect_mapping(v, f)) return void(ok = false);
            ctx.each_pair(v, f, [&](const std::string& key2, const node& k2, const node& v2) {
                std::string f2 = join(f, key2);
                if (key2 == "selinux") {
                    auto s = ctx.one_of(v2, f2, {"z", "Z"});
                    if (!s) return void(ok = false);
                    m.bind_selinux = *s;
                } else if (key2 == "create_host_path") {
                    auto b = ctx.boolean(v2, f2);
                    if (!b) return void(ok = false);
                    m.bind_create_host_path = *b;
                } else if (key2 == "propagation") {
                    auto s = ctx.one_of(v2, f2, {"private", "rprivate", "shared", "rshared", "slave", "rslave"});
                    if (!s) return void(ok = false);
                    m.bind_propagation = *s;
                } else {
                    ctx.unknown_key(k2, f2, bind_keys);
                    ok = false;
                }
            });
        } else if (key == "volume") {
            volume_at = &k;
            if (v.is_null()) return;
            if (!ctx.expect_mapping(v, f)) return void(ok = false);
            ctx.each_pair(v, f, [&](const std::string& key2, const node& k2, const node& v2) {
                std::string f2 = join(f, key2);
                if (key2 == "subpath") {
                    auto s = ctx.string(v2, f2);
                    if (!s) return void(ok = false);
                    if (s->empty() || (*s)[0] == '/' || s->find("..") != std::string::npos) {
                        ctx.value_error(v2, f2, *s, "expected a relative path inside the volume, without \"..\"");
                        return void(ok = false);
                    }
                    m.volume_subpath = *s;
                } else if (key2 == "nocopy") {
                    auto b = ctx.boolean(v2, f2);
                    if (!b) return void(ok = false);
                    m.volume_nocopy = *b;
                } else {
                    ctx.unknown_key(k2, f2, volume_keys);
                    ok = false;
                }
            });
        } else if (key == "tmpfs") {
            tmpfs_at = &k;
            if (v.is_null()) return;
            if (!ctx.expect_mapping(v, f)) return void(ok = false);
            ctx.each_pair(v, f, [&](const std::string& key2, const node& k2, const node& v2) {
                std::string f2 = join(f, key2);
                if (key2 == "size") {
                    auto size = read_memory(ctx, v2, f2);
                    if (!size) return void(ok = false);
                    m.tmpfs_size = *size;
                } else if (key2 == "mode") {
                    auto s = ctx.string(v2, f2);
                    if (!s) return void(ok = false);
                    // Permission bits are octal whether or not written with 0 / 0o.
                    std::string_view d = *s;
                    if (d.substr(0, 2) == "0o" || d.substr(0, 2) == "0O") d.remove_prefix(2);
                    bool valid = !d.empty() && d.size() <= 5 && d.find_first_not_of("01234567") == std::string_view::npos;
                    std::uint32_t mode = valid ? static_cast<std::uint32_t>(std::stoul(std::string(d), nullptr, 8)) : 0;
                    if (!valid || mode > 07777) {
                        ctx.value_error(v2, f2, *s, "expected octal permission bits such as 1777");
                        return void(ok = false);
                    }
                    m.tmpfs_mode = mode;
                } else {
                    ctx.unknown_key(k2, f2, tmpfs_keys);
                    ok = false;
                }
            });
        } else {
            ctx.unknown_key(k, f, mount_keys);
            ok = false;
        }
    });
    if (!has_type) {
        if (!type_written) ctx.error(n, join(field, "type"), "required (bind, volume or tmpfs)");
        return;
    }
    auto wrong_section = [&](const node* at, const char* key, mount_type want) {
        if (at && m.type != want) {
            ctx.error(*at, join(field, key), std::string("only for type: ") + key);
            ok = false;
        }
    };
    wrong_section(bind_at, "bind", mount_type::bind);
    wrong_section(volume_at, "volume", mount_type::volume);
    wrong_section(tmpfs_at, "tmpfs", mount_type::tmpfs);
    if (ok && m.type == mount_type::bind && source_at != nullptr) {
        m.source = resolve_source(ctx, *source_at, join(field, "source"), m.source);
        if (m.source.empty()) return;
    }
    if (!ok || !check_mount(ctx, n, field, m, has_source)) return;
    out.push_back(std::move(m));
}

// SRC:DST[:OPTS] or DST (an anonymous volume). OPTS is a comma-separated
// list of ro, rw, nocopy (volumes) and a propagation mode (binds).
void read_short(context& ctx, const node& n, const std::string& field, std::vector<mount>& out) {
    auto s = ctx.string(n, field);
    if (!s) return;
    std::vector<std::string> parts = split_on(*s, ':');
    if (parts.size() > 3) {
        ctx.value_error(n, field, *s, "expected SOURCE:TARGET[:ro|rw]");
        return;
    }
    mount m;
    if (parts.size() == 1) {
        m.type = mount_type::volume;
        m.target = parts[0];
    } else {
        const std::string& src = parts[0];
        if (src.empty()) {
            ctx.value_error(n, field, *s, "empty source");
            return;
        }
        bool path = src[0] == '/' || src[0] == '.' || src[0] == '~';
        if (path && src[0] != '/' && ctx.compose() == nullptr) {
            ctx.value_error(n, field, *s, "a bind source must be an absolute path");
            return;
        }
        m.type = path ? mount_type::bind : mount_type::volume;
        m.source = path ? resolve_source(ctx, n, field, src) : src;
        if (m.source.empty()) return;
        m.target = parts[1];
    }
    if (parts.size() == 3) {
        std::string opts = parts[2];
        std::size_t start = 0;
        while (start <= opts.size()) {
            auto c = opts.find(',', start);
            std::string opt = opts.substr(start, c == std::string::npos ? std::string::npos : c - start);
            start = c == std::string::npos ? opts.size() + 1 : c + 1;
            if (opt == "ro") m.read_only = true;
            else if (opt == "rw") m.read_only = false;
            else if ((opt == "z" || opt == "Z") && m.type == mount_type::bind) m.bind_selinux = opt;
            else if (opt == "nocopy" && m.type == mount_type::volume) m.volume_nocopy = true;
            else if (is_propagation(opt) && m.type == mount_type::bind) m.bind_propagation = opt;
            else {
                ctx.value_error(n, field, *s, "unknown mount option \"" + opt + "\"; use ro, rw, z or Z");
                return;
            }
        }
    }
    if (m.target.empty() || m.target[0] != '/') {
        ctx.value_error(n, field, *s, "target must be an absolute path");
        return;
    }
    if (m.type == mount_type::volume && !m.source.empty() && !volume_name(m.source)) {
        ctx.value_error(n, field, *s, "invalid volume name \"" + m.source + "\"");
        return;
    }
    out.push_back(std::move(m));
}

}  // namespace

void read_mounts(context& ctx, const node& n, const std::string& field, std::vector<mount>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_sequence(n, field)) return;
    std::map<std::string, std::string> targets;  // target -> field that mounts it
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        std::size_t before = out.size();
        if (item.is_mapping()) read_long(ctx, item, f, out);
        else read_short(ctx, item, f, out);
        if (out.size() == before) return;
        // "/data/" and "/data" are the same place
        std::string& target = out.back().target;
        while (target.size() > 1 && target.back() == '/') target.pop_back();
        auto [it, fresh] = targets.emplace(target, f);
        if (!fresh) {
            ctx.error(item, f, quote(target) + ": target is already mounted by " + it->second);
            out.pop_back();
        }
    });
    std::sort(out.begin(), out.end(), [](const mount& a, const mount& b) { return a.target < b.target; });
}

}  // namespace driftless::desired_state::detail
