#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "desired_state/detail/compose_keys.hpp"
#include "desired_state/detail/names.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view logging_keys[] = {"driver", "options"};
constexpr std::string_view ulimit_keys[] = {"soft", "hard"};
constexpr std::string_view ulimit_names[] = {"core",   "cpu",  "data",  "fsize",  "locks",  "memlock",
                                             "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
                                             "rttime", "sigpending", "stack"};

// Where a list or a single string is accepted (dns, dns_search).
void each_string(context& ctx, const node& n, const std::string& field,
                 const std::function<void(const node&, const std::string&, const std::string&)>& fn) {
    if (n.is_null()) return;
    if (n.is_sequence()) {
        ctx.each_item(n, field, [&](const std::string& f, const node& item) {
            if (auto s = ctx.string(item, f)) fn(item, f, *s);
        });
    } else if (auto s = ctx.string(n, field)) {
        fn(n, field, *s);
    }
}

// A list of strings, each checked by `check` ("" = valid), repeats are errors.
void read_list(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out,
               const std::function<std::string(std::string&)>& check) {
    std::map<std::string, std::string> seen;
    each_string(ctx, n, field, [&](const node& at, const std::string& f, const std::string& text) {
        std::string value = text;
        if (auto e = check(value); !e.empty()) return ctx.value_error(at, f, text, e);
        if (auto [it, fresh] = seen.emplace(value, f); !fresh)
            return ctx.value_error(at, f, text, "already listed at " + it->second);
        out.push_back(std::move(value));
    });
}

void read_host_name(context& ctx, const node& n, const std::string& field, std::string& out) {
    auto s = ctx.string(n, field);
    if (!s) return;
    if (auto e = check_host_name(*s); !e.empty()) return ctx.value_error(n, field, *s, e);
    out = *s;
}

void read_bool(context& ctx, const node& n, const std::string& field, bool& out) {
    if (auto b = ctx.boolean(n, field)) out = *b;
}


// expose: ["80", "8080/udp", "9000-9001"]; stored as "80/tcp", one a port.
void read_expose_ports(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null() || !ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        auto s = ctx.string(item, f);
        if (!s) return;
        std::string ports = *s, protocol = "tcp";
        if (auto slash = ports.find('/'); slash != std::string::npos) {
            protocol = ports.substr(slash + 1);
            ports.resize(slash);
        }
        if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
            return ctx.value_error(item, f, *s, "unknown protocol \"" + protocol + "\"; must be tcp, udp or sctp");
        auto number = [](std::string_view t) -> int {
            if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string_view::npos) return 0;
            int v = std::stoi(std::string(t));
            return v <= 65535 ? v : 0;
        };
        auto dash = ports.find('-');
        int first = number(std::string_view(ports).substr(0, dash));
        int last = dash == std::string::npos ? first : number(std::string_view(ports).substr(dash + 1));
        if (first == 0 || last < first)
            return ctx.value_error(item, f, *s, "expected PORT, PORT/PROTOCOL or FIRST-LAST (ports 1-65535)");
        for (int p = first; p <= last; ++p) out.push_back(std::to_string(p) + "/" + protocol);
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

// cap_add, cap_drop: "NET_ADMIN", "cap_net_admin", "ALL" -> "NET_ADMIN".
std::string normalize_capability(std::string& c) {
    for (char& ch : c)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (c.rfind("CAP_", 0) == 0) c.erase(0, 4);
    if (c.empty() || c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
        return "expected a capability name such as NET_ADMIN or ALL";
    return {};
}

// ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 4096}}. nofile with
// soft == hard stays in open_files, as it always was.
void read_ulimits(context& ctx, const node& n, const std::string& field, service& s) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    constexpr std::int64_t unlimited = -1, most = std::int64_t{1} << 62;
    ctx.each_pair(n, field, [&](const std::string& name, const node& k, const node& v) {
        std::string f = join(field, name);
        if (std::find(std::begin(ulimit_names), std::end(ulimit_names), name) == std::end(ulimit_names))
            return ctx.unknown_key(k, f, ulimit_names, "ulimit");
        std::optional<std::int64_t> soft, hard;
        if (!v.is_mapping()) {
            soft = hard = ctx.integer(v, f, unlimited, most);
        } else {
            int written = 0;
            ctx.each_pair(v, f, [&](const std::string& key, const node& k2, const node& v2) {
                std::string f2 = join(f, key);
                if (key == "soft") soft = ctx.integer(v2, f2, unlimited, most);
                else if (key == "hard") hard = ctx.integer(v2, f2, unlimited, most);
                else return ctx.unknown_key(k2, f2, ulimit_keys);
                ++written;
            });
            if (written < 2) return ctx.error(v, f, "needs both soft and hard");
        }
        if (!soft || !hard) return;
        if (*hard != unlimited && (*soft == unlimited || *soft > *hard))
            return ctx.error(v, f, "the soft limit must not exceed the hard limit");
        if (name == "nofile" && *soft == *hard && *soft >= 1 && *soft <= (1 << 20)) {
            s.open_files = *soft;
            return;
        }
        s.ulimits.push_back({name, *soft, *hard});
    });
    std::sort(s.ulimits.begin(), s.ulimits.end());
}

// logging: {driver: json-file, options: {max-size: 10m}}.
void read_logging(context& ctx, const node& n, const std::string& field, std::optional<logging_config>& out) {
    if (n.is_null() || !ctx.expect_mapping(n, field)) return;
    logging_config c;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "driver") {
            if (auto d = ctx.string(v, f)) c.driver = *d;
        } else if (key == "options") {
            read_string_map(ctx, v, f, false, c.options);
        } else {
            ctx.unknown_key(k, f, logging_keys);
        }
    });
    if (!c.driver.empty() || !c.options.empty()) out = std::move(c);
}

// devices: "/dev/ttyUSB0", "/dev/ttyUSB0:/dev/serial", "/dev/sda:/dev/xvda:r".
void read_devices(context& ctx, const node& n, const std::string& field, std::vector<device_mapping>& out) {
    if (n.is_null() || !ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        auto s = ctx.string(item, f);
        if (!s) return;
        std::vector<std::string> parts = split_on(*s, ':');
        device_mapping d;
        d.host_path = parts[0];
        d.container_path = parts.size() > 1 ? parts[1] : parts[0];
        if (parts.size() > 2) d.permissions = parts[2];
        bool perms_ok = !d.permissions.empty() && d.permissions.size() <= 3 &&
                        d.permissions.find_first_not_of("rwm") == std::string::npos;
        if (parts.size() > 3 || d.host_path.empty() || d.host_path[0] != '/' || d.container_path.empty() ||
            d.container_path[0] != '/' || !perms_ok)
            return ctx.value_error(item, f, *s,
                                   "expected /dev/HOST[:/dev/CONTAINER[:PERMISSIONS]], permissions of r, w and m");
        out.push_back(std::move(d));
    });
    std::sort(out.begin(), out.end());
}

// pid, ipc and network_mode values: a fixed word or container:NAME /
// service:NAME with a resource name.
void read_mode_word(context& ctx, const node& n, const std::string& field, std::string& out,
                    std::initializer_list<std::string_view> words, bool service_ok, const std::string& expected) {
    auto s = ctx.string(n, field);
    if (!s) return;
    for (auto w : words)
        if (*s == w) return void(out = *s);
    for (std::string_view prefix : {std::string_view("container:"), std::string_view("service:")}) {
        if (s->rfind(prefix, 0) != 0 || (prefix == "service:" && !service_ok)) continue;
        if (auto e = check_resource_name(s->substr(prefix.size())); !e.empty())
            return ctx.value_error(n, field, *s, "invalid name after " + std::string(prefix) + " " + e);
        return void(out = *s);
    }
    ctx.value_error(n, field, *s, "expected " + expected);
}

// platform: os[/arch[/variant]], e.g. linux/amd64 or linux/arm64/v8.
void read_platform(context& ctx, const node& n, const std::string& field, std::string& out) {
    auto s = ctx.string(n, field);
    if (!s) return;
    int parts = 1;
    bool ok = !s->empty() && s->front() != '/' && s->back() != '/' && s->find("//") == std::string::npos;
    for (char c : *s) {
        if (c == '/') ++parts;
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) ok = false;
    }
    if (!ok || parts > 3) return ctx.value_error(n, field, *s, "expected OS[/ARCH[/VARIANT]], e.g. linux/amd64");
    out = *s;
}

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// group_add: a group name as /etc/group spells one, or a numeric id.
std::string check_group(std::string& g) {
    if (g.empty() || g.size() > 32) return "expected a group name or id";
    if (digits(g)) return {};
    const auto ok = [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '_' || c == '-' || c == '.';
    };
    if (!(std::islower(static_cast<unsigned char>(g[0])) || g[0] == '_') || !std::all_of(g.begin(), g.end(), ok))
        return "expected a group name (lower case letters, digits, _ - .) or a numeric id";
    return {};
}

// cpuset: CPU numbers and ranges, "0-3,5".
std::string check_cpuset(const std::string& c) {
    const std::string expected = "expected CPU numbers and ranges, e.g. 0-3,5";
    std::size_t at = 0;
    while (at <= c.size()) {
        const auto comma = std::min(c.find(',', at), c.size());
        const std::string part = c.substr(at, comma - at);
        const auto dash = part.find('-');
        const auto number = [](const std::string& n) { return n.size() <= 4 && digits(n); };
        if (dash == std::string::npos ? !number(part)
                                       : !number(part.substr(0, dash)) || !number(part.substr(dash + 1)) ||
                                             std::stoi(part.substr(0, dash)) > std::stoi(part.substr(dash + 1)))
            return expected;
        at = comma + 1;
    }
    return {};
}

// A plain word: stop_signal (SIGTERM, 15), runtime (runc).
void read_word(context& ctx, const node& n, const std::string& field, std::string& out, const char* expected) {
    auto s = ctx.string(n, field);
    if (!s) return;
    if (s->empty() || s->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-_.") !=
                          std::string::npos)
        return ctx.value_error(n, field, *s, expected);
    out = *s;
}

}  // namespace

// extra_hosts: ["db:10.0.0.5", "db=10.0.0.5"] or {db: 10.0.0.5}; IPv6
// addresses keep their colons ("db:::1"). Stored as "name:ip".
void read_extra_hosts(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    auto add = [&](const node& at, const std::string& f, const std::string& text, const std::string& host,
                   const std::string& ip) {
        if (auto e = check_host_name(host); !e.empty()) return ctx.value_error(at, f, text, e);
        if (!is_ipv4(ip) && !is_ipv6(ip) && ip != "host-gateway")
            return ctx.value_error(at, f, text, "expected an IP address (or host-gateway) after the host name");
        out.push_back(host + ":" + ip);
    };
    if (n.is_mapping()) {
        ctx.each_pair(n, field, [&](const std::string& host, const node&, const node& v) {
            std::string f = join(field, host);
            if (auto ip = ctx.string(v, f)) add(v, f, *ip, host, *ip);
        });
    } else if (n.is_sequence()) {
        ctx.each_item(n, field, [&](const std::string& f, const node& item) {
            auto s = ctx.string(item, f);
            if (!s) return;
            auto cut = s->find_first_of(":=");
            if (cut == std::string::npos) return ctx.value_error(item, f, *s, "expected HOST:IP or HOST=IP");
            add(item, f, *s, s->substr(0, cut), s->substr(cut + 1));
        });
    } else if (!n.is_null()) {
        return ctx.error(n, field, std::string("expected a list of HOST:IP or a mapping, got ") + describe(n));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

bool read_compose_service_key(context& ctx, const std::string& key, const node& v, const std::string& f,
                              service_draft& draft, compose_service_places& places) {
    service& s = draft.value;
    if (key == "hostname") {
        read_host_name(ctx, v, f, s.hostname);
    } else if (key == "domainname") {
        read_host_name(ctx, v, f, s.domainname);
    } else if (key == "working_dir") {
        auto d = ctx.string(v, f);
        if (d && (d->empty() || (*d)[0] != '/')) ctx.value_error(v, f, *d, "expected an absolute path");
        else if (d) s.working_dir = *d;
    } else if (key == "extra_hosts") {
        read_extra_hosts(ctx, v, f, s.extra_hosts);
    } else if (key == "dns") {
        read_list(ctx, v, f, s.dns, [](std::string& ip) -> std::string {
            return is_ipv4(ip) || is_ipv6(ip) ? "" : "expected an IP address";
        });
    } else if (key == "dns_search") {
        read_list(ctx, v, f, s.dns_search, [](std::string& d) { return check_host_name(d); });
    } else if (key == "dns_opt") {
        read_list(ctx, v, f, s.dns_options, [](std::string& o) -> std::string {
            return o.empty() || o.find_first_of(" \t") != std::string::npos ? "expected an option such as ndots:2" : "";
        });
    } else if (key == "expose") {
        read_expose_ports(ctx, v, f, s.expose_ports);
    } else if (key == "read_only") {
        read_bool(ctx, v, f, s.read_only);
    } else if (key == "tty") {
        read_bool(ctx, v, f, s.tty);
    } else if (key == "stdin_open") {
        read_bool(ctx, v, f, s.stdin_open);
    } else if (key == "init") {
        if (auto b = ctx.boolean(v, f)) s.init = *b;
    } else if (key == "privileged") {
        read_bool(ctx, v, f, s.privileged);
    } else if (key == "shm_size") {
        if (auto m = read_memory(ctx, v, f)) s.shm_size = *m;
    } else if (key == "stop_signal") {
        read_word(ctx, v, f, s.stop_signal, "expected a signal name or number, e.g. SIGQUIT");
    } else if (key == "cap_add" || key == "cap_drop") {
        read_list(ctx, v, f, key == "cap_add" ? s.cap_add : s.cap_drop, normalize_capability);
        std::sort(s.cap_add.begin(), s.cap_add.end());
        std::sort(s.cap_drop.begin(), s.cap_drop.end());
    } else if (key == "security_opt") {
        read_list(ctx, v, f, s.security_opt, [](std::string& o) -> std::string {
            return o.empty() ? "expected an option such as no-new-privileges:true" : "";
        });
        std::sort(s.security_opt.begin(), s.security_opt.end());
    } else if (key == "sysctls") {
        read_string_map(ctx, v, f, true, s.sysctls);
    } else if (key == "pids_limit") {
        if (auto p = ctx.integer(v, f, -1, std::int64_t{1} << 32)) s.pids_limit = *p;
    } else if (key == "group_add") {
        read_list(ctx, v, f, s.group_add, check_group);
    } else if (key == "cpu_shares") {
        places.cpu_shares_at = &v;
        if (auto c = ctx.integer(v, f, 2, 262144)) s.cpu_shares = *c;
    } else if (key == "cpuset") {
        if (auto c = ctx.string(v, f)) {
            if (auto e = check_cpuset(*c); e.empty()) s.cpuset = *c;
            else ctx.value_error(v, f, *c, e);
        }
    } else if (key == "mem_swappiness") {
        if (auto m = ctx.integer(v, f, 0, 100)) s.mem_swappiness = *m;
    } else if (key == "memswap_limit") {
        // -1: swap without limit; otherwise a size, as mem_limit.
        places.memswap_at = &v;
        const bool unlimited = v.is_scalar() && (v.text == "-1");
        if (unlimited) s.memswap_limit = -1;
        else if (auto m = read_memory(ctx, v, f)) s.memswap_limit = *m;
    } else if (key == "ulimits") {
        read_ulimits(ctx, v, f, s);
    } else if (key == "logging") {
        read_logging(ctx, v, f, s.logging);
    } else if (key == "devices") {
        read_devices(ctx, v, f, s.devices);
    } else if (key == "pid") {
        read_mode_word(ctx, v, f, s.pid, {"host"}, false, "host or container:NAME");
    } else if (key == "ipc") {
        read_mode_word(ctx, v, f, s.ipc, {"host", "shareable", "private", "none"}, false,
                       "host, shareable, private, none or container:NAME");
    } else if (key == "platform") {
        read_platform(ctx, v, f, s.platform);
    } else if (key == "runtime") {
        read_word(ctx, v, f, s.runtime, "expected a runtime name, e.g. runc");
    } else if (key == "network_mode") {
        places.network_mode_at = &v;
        read_mode_word(ctx, v, f, s.network_mode, {"host", "none"}, true,
                       "host, none, service:NAME or container:NAME");
    } else {
        return read_compose_link_key(ctx, key, v, f, draft, places);
    }
    return true;
}

}  // namespace driftless::desired_state::detail
