#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "desired_state/detail/fields.hpp"
#include "desired_state/detail/names.hpp"

namespace driftless::desired_state::detail {

namespace {

struct range {
    int first = 0;
    int last = 0;
    [[nodiscard]] int size() const { return last - first + 1; }
};

// "80" or "8000-8002"; every port 1-65535.
std::optional<range> parse_range(std::string_view s, std::string& error) {
    auto number = [&](std::string_view t, int& out) {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string_view::npos) {
            error = "invalid port \"" + std::string(t) + "\"";
            return false;
        }
        std::from_chars(t.data(), t.data() + t.size(), out);
        if (out < 1 || out > 65535) {
            error = "port must be 1-65535";
            return false;
        }
        return true;
    };
    range r;
    auto dash = s.find('-');
    if (dash == std::string_view::npos) {
        if (!number(s, r.first)) return std::nullopt;
        r.last = r.first;
        return r;
    }
    if (!number(s.substr(0, dash), r.first) || !number(s.substr(dash + 1), r.last)) return std::nullopt;
    if (r.last < r.first) {
        error = "port range " + std::string(s) + " ends before it starts";
        return std::nullopt;
    }
    return r;
}

bool valid_protocol(std::string_view p) { return p == "tcp" || p == "udp" || p == "sctp"; }

// Expands published/target ranges into one mapping per port.
bool expand(const std::optional<range>& published, const range& target, const port_mapping& base,
            std::vector<port_mapping>& out, std::string& error) {
    if (published && published->size() != target.size()) {
        error = "published range and target range must have the same length";
        return false;
    }
    for (int i = 0; i < target.size(); ++i) {
        port_mapping p = base;
        p.target = static_cast<std::uint16_t>(target.first + i);
        p.published = published ? static_cast<std::uint16_t>(published->first + i) : 0;
        out.push_back(p);
    }
    return true;
}

// [[ip:][published]:]target[/protocol], ip may be [v6].
bool parse_short(std::string_view s, std::vector<port_mapping>& out, std::string& error) {
    port_mapping base;
    if (auto slash = s.rfind('/'); slash != std::string_view::npos) {
        base.protocol = std::string(s.substr(slash + 1));
        s = s.substr(0, slash);
        if (!valid_protocol(base.protocol)) {
            error = "unknown protocol \"" + base.protocol + "\"; must be tcp, udp or sctp";
            return false;
        }
    }
    std::string_view ip;
    bool has_ip = false;
    if (!s.empty() && s[0] == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            error = "expected [IPv6]:published:target";
            return false;
        }
        ip = s.substr(1, close - 1);
        has_ip = true;
        if (!is_ipv6(ip)) {
            error = "invalid IPv6 address \"" + std::string(ip) + "\"";
            return false;
        }
        s = s.substr(close + 2);
    }
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        auto c = s.find(':', start);
        parts.push_back(s.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
        if (c == std::string_view::npos) break;
        start = c + 1;
    }
    if (!has_ip && parts.size() == 3) {
        ip = parts[0];
        has_ip = true;
        // ":8080:80" (an empty host IP) means every interface, as compose reads it.
        if (!ip.empty() && !is_ipv4(ip)) {
            error = "invalid host IP \"" + std::string(ip) + "\"";
            return false;
        }
        parts.erase(parts.begin());
    }
    if (parts.size() > 2 || (has_ip && parts.size() != 2)) {
        error = "expected [IP:][PUBLISHED:]TARGET[/PROTOCOL]";
        return false;
    }
    base.host_ip = std::string(ip);
    std::optional<range> published;
    if (parts.size() == 2 && !parts[0].empty()) {
        published = parse_range(parts[0], error);
        if (!published) return false;
    }
    auto target = parse_range(parts.back(), error);
    if (!target) return false;
    return expand(published, *target, base, out, error);
}

constexpr std::string_view long_keys[] = {"target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"};

void parse_long(context& ctx, const node& n, const std::string& field, std::vector<port_mapping>& out) {
    port_mapping base;
    std::optional<range> target;
    std::optional<range> published;
    const node* published_at = nullptr;
    bool ok = true;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        std::string error;
        if (key == "target") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            if (s->find('-') != std::string::npos || !(target = parse_range(*s, error))) {
                ctx.value_error(v, f, *s, error.empty() ? "target must be a single port" : error);
                ok = false;
            }
        } else if (key == "published") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            published_at = &v;
            if (!(published = parse_range(*s, error))) {
                ctx.value_error(v, f, *s, error);
                ok = false;
            }
        } else if (key == "host_ip") {
            auto s = ctx.string(v, f);
            if (!s) return void(ok = false);
            if (!is_ipv4(*s) && !is_ipv6(*s)) {
                ctx.value_error(v, f, *s, "invalid IP address");
                ok = false;
            }
            base.host_ip = *s;
        } else if (key == "protocol") {
            auto s = ctx.one_of(v, f, {"tcp", "udp", "sctp"});
            if (!s) return void(ok = false);
            base.protocol = *s;
        } else if (key == "mode") {
            auto s = ctx.one_of(v, f, {"ingress", "host"});
            if (!s) return void(ok = false);
            base.mode = *s;
        } else if (key == "name" || key == "app_protocol") {
            // Compose metadata no Engine API field carries (API 1.41 has no
            // port names nor application protocols): checked, not stored.
            if (!ctx.string(v, f)) ok = false;
        } else {
            ctx.unknown_key(k, f, long_keys);
            ok = false;
        }
    });
    if (!target) {
        if (ok) ctx.error(n, join(field, "target"), "required (the container port)");
        return;
    }
    if (!ok) return;
    std::string error;
    if (!expand(published, *target, base, out, error))
        ctx.error(published_at ? *published_at : n, join(field, "published"), error);
}

}  // namespace

void read_ports(context& ctx, const node& n, const std::string& field, std::vector<port_mapping>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_sequence(n, field)) return;
    // Who already publishes (host_ip, port, protocol): a clash is an error.
    std::map<std::tuple<std::string, int, std::string>, std::string> used;
    bool overflow = false;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        if (overflow) return;
        std::vector<port_mapping> got;
        if (item.is_mapping()) {
            parse_long(ctx, item, f, got);
        } else {
            auto s = ctx.string(item, f);
            if (!s) return;
            std::string error;
            if (!parse_short(*s, got, error)) {
                ctx.value_error(item, f, *s, error);
                return;
            }
        }
        // Ranges multiply: "1-65535" a thousand times would be 65 million
        // entries from a few kilobytes of text.
        constexpr std::size_t max_ports = 65536;
        if (out.size() + got.size() > max_ports) {
            ctx.error(item, f, "too many ports (more than 65536 once ranges are expanded)");
            overflow = true;
            return;
        }
        for (const auto& p : got) {
            if (p.published != 0) {
                auto [it, fresh] = used.emplace(std::make_tuple(p.host_ip, int{p.published}, p.protocol), f);
                if (!fresh) {
                    ctx.error(item, f,
                              "host port " + std::to_string(p.published) + "/" + p.protocol +
                                  " is already published by " + it->second);
                    return;
                }
            }
        }
        out.insert(out.end(), got.begin(), got.end());
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace driftless::desired_state::detail
