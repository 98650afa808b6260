#include "drivers/http_url.hpp"

#include <cctype>
#include <charconv>

namespace driftless::drivers {

namespace {

bool bad_target_char(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }

}  // namespace

result<http_url> parse_http_url(std::string_view text) {
    http_url u;
    text = text.substr(0, text.find('#'));
    if (text.rfind("https://", 0) == 0) {
        u.tls = true;
        u.port = 443;
        text.remove_prefix(8);
    } else if (text.rfind("http://", 0) == 0) {
        text.remove_prefix(7);
    } else {
        return error{"invalid", "expected an http:// or https:// URL"};
    }
    const auto slash = text.find_first_of("/?");
    u.authority = std::string(text.substr(0, slash));
    if (slash != std::string_view::npos) u.target = (text[slash] == '?' ? "/" : "") + std::string(text.substr(slash));
    const std::string& authority = u.authority;
    if (authority.empty() || authority.find('@') != std::string::npos)
        return error{"invalid", "expected http(s)://HOST[:PORT]/PATH (no user name or password in the URL)"};
    std::string host = authority, port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) return error{"invalid", "an IPv6 address needs its closing ']'"};
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return error{"invalid", "expected ':' and a port after ']'"};
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) return error{"invalid", "no host"};
    for (const char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
            return error{"invalid", "the host holds a character a host name cannot"};
    if (!port.empty()) {
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
        if (ec != std::errc{} || end != port.data() + port.size() || v == 0 || v > 65535)
            return error{"invalid", "the port must be a number from 1 to 65535"};
        u.port = static_cast<std::uint16_t>(v);
    }
    for (const char c : u.target)
        if (bad_target_char(c)) return error{"invalid", "the path holds a space or a control character"};
    u.host = std::move(host);
    return u;
}

result<http_url> resolve_http_url(const http_url& base, std::string_view reference) {
    if (reference.rfind("http://", 0) == 0 || reference.rfind("https://", 0) == 0) return parse_http_url(reference);
    if (reference.empty() || reference.front() != '/' || reference.rfind("//", 0) == 0)
        return error{"invalid", "expected an http(s):// URL or a path starting with '/'"};
    http_url out = base;
    out.target = std::string(reference.substr(0, reference.find('#')));
    for (const char c : out.target)
        if (bad_target_char(c)) return error{"invalid", "the path holds a space or a control character"};
    return out;
}

std::string host_header(const std::string& host, std::uint16_t port, bool tls) {
    const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == (tls ? 443 : 80) ? name : name + ":" + std::to_string(port);
}

}  // namespace driftless::drivers
