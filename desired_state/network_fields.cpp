#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

#include "desired_state/detail/fields.hpp"

namespace driftless::desired_state::detail {

namespace {

// An IPv4 or IPv6 address, with a prefix length for a CIDR block.
struct address {
    int family = AF_INET;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = -1;  // -1: a single address

    [[nodiscard]] int bits() const noexcept { return family == AF_INET ? 32 : 128; }
};

std::optional<address> parse_ip(const std::string& text) {
    address a;
    if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) return a;
    a.family = AF_INET6;
    if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) return a;
    return std::nullopt;
}

// A block or single address already checked by the readers below (a single
// address reads as a block of one).
std::optional<address> parse_block(const std::string& text) {
    const auto slash = text.find('/');
    auto a = parse_ip(text.substr(0, slash));
    if (!a) return std::nullopt;
    a->prefix = slash == std::string::npos ? a->bits() : std::stoi(text.substr(slash + 1));
    return a;
}

std::string to_text(const address& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(a.family, a.bytes.data(), buf, sizeof buf);
    std::string s = buf;
    if (a.prefix >= 0) s += "/" + std::to_string(a.prefix);
    return s;
}

bool bit(const address& a, int i) { return (a.bytes[i / 8] >> (7 - i % 8)) & 1; }

// The first `prefix` bits of both are equal.
bool same_prefix(const address& a, const address& b, int prefix) {
    for (int i = 0; i < prefix; ++i)
        if (bit(a, i) != bit(b, i)) return false;
    return true;
}

address network_of(address a) {
    for (int i = a.prefix; i < a.bits(); ++i) a.bytes[i / 8] &= static_cast<std::uint8_t>(~(1u << (7 - i % 8)));
    return a;
}

// "10.1.0.0/16": an address, "/", a prefix length within the family's bits,
// and no bits set after the prefix (the engine would reject or silently
// widen them; the network address is what the user most likely means).
std::optional<address> read_cidr(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    const auto slash = s->find('/');
    if (slash == std::string::npos) {
        ctx.value_error(n, field, *s, "expected an address block like 10.1.0.0/16");
        return std::nullopt;
    }
    auto a = parse_ip(s->substr(0, slash));
    if (!a) {
        ctx.value_error(n, field, *s, "not an IPv4 or IPv6 address before \"/\"");
        return std::nullopt;
    }
    const std::string len = s->substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
    if (len.empty() || ec != std::errc{} || end != len.data() + len.size() || prefix < 0 || prefix > a->bits()) {
        ctx.value_error(n, field, *s, "prefix length must be 0 to " + std::to_string(a->bits()));
        return std::nullopt;
    }
    a->prefix = prefix;
    if (const address net = network_of(*a); net.bytes != a->bytes) {
        ctx.value_error(n, field, *s, "has host bits set; did you mean " + to_text(net) + "?");
        return std::nullopt;
    }
    return a;
}

std::optional<address> read_ip(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    auto a = parse_ip(*s);
    if (!a) ctx.value_error(n, field, *s, "not an IPv4 or IPv6 address");
    return a;
}

}  // namespace

bool read_network_address(context& ctx, const std::string& key, const node& value, const std::string& field,
                          network_draft& draft) {
    if (key == "subnet") {
        draft.subnet_at = &value;
        if (auto a = read_cidr(ctx, value, field)) draft.value.subnet = to_text(*a);
    } else if (key == "ip_range") {
        draft.ip_range_at = &value;
        if (auto a = read_cidr(ctx, value, field)) draft.value.ip_range = to_text(*a);
    } else if (key == "gateway") {
        draft.gateway_at = &value;
        if (auto a = read_ip(ctx, value, field)) draft.value.gateway = to_text(*a);
    } else {
        return false;
    }
    return true;
}

void finish_network(context& ctx, network_draft& draft) {
    network& net = draft.value;
    const auto field = [&](std::string_view key) { return draft.prefix.empty() ? std::string(key) : join(draft.prefix, key); };
    if (!draft.subnet_at) {
        if (draft.ip_range_at) ctx.error(*draft.ip_range_at, field("ip_range"), "needs a subnet to lie in");
        if (draft.gateway_at) ctx.error(*draft.gateway_at, field("gateway"), "needs a subnet to lie in");
        return;
    }
    if (net.subnet.empty()) return;  // the subnet itself was reported
    const address subnet = *parse_block(net.subnet);
    const auto inside = [&](const std::string& text, const node& at, const std::string& f) -> std::optional<address> {
        if (text.empty()) return std::nullopt;  // reported already
        const address a = *parse_block(text);
        if (a.family == subnet.family && a.prefix >= subnet.prefix && same_prefix(a, subnet, subnet.prefix)) return a;
        ctx.value_error(at, f, text, "not inside subnet " + net.subnet);
        return std::nullopt;
    };
    if (draft.ip_range_at) inside(net.ip_range, *draft.ip_range_at, field("ip_range"));
    if (!draft.gateway_at) return;
    if (auto gw = inside(net.gateway, *draft.gateway_at, field("gateway"))) {
        gw->prefix = subnet.prefix;
        if (subnet.prefix < subnet.bits() && network_of(*gw).bytes == gw->bytes)
            ctx.value_error(*draft.gateway_at, field("gateway"), net.gateway, "is the subnet's own network address");
    }
}

}  // namespace driftless::desired_state::detail
