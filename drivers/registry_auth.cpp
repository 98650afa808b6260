#include "drivers/registry_auth.hpp"

#include <nettle/base64.h>

#include <cctype>
#include <cstdint>

namespace driftless::drivers {

namespace {

std::optional<std::string> base64_decode(std::string_view text) {
    base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    std::string out(BASE64_DECODE_LENGTH(text.size()), '\0');
    std::size_t n = out.size();
    if (!base64_decode_update(&ctx, &n, reinterpret_cast<std::uint8_t*>(out.data()), text.size(), text.data()) ||
        !base64_decode_final(&ctx))
        return std::nullopt;
    out.resize(n);
    return out;
}

bool docker_hub(std::string_view host) {
    return host == "index.docker.io" || host == "docker.io" || host == "registry-1.docker.io";
}

std::string quoted_name(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::optional<bearer_challenge> parse_bearer_challenge(std::string_view header) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    if (header.size() < 7) return std::nullopt;
    std::string scheme(header.substr(0, 6));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer" || header[6] != ' ') return std::nullopt;
    bearer_challenge out;
    std::size_t i = 7;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
        if (i == header.size()) break;
        const auto eq = header.find('=', i);
        if (eq == std::string_view::npos) return std::nullopt;
        std::string key(header.substr(i, eq - i));
        while (!key.empty() && key.back() == ' ') key.pop_back();
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        i = eq + 1;
        while (i < header.size() && header[i] == ' ') ++i;
        std::string value;
        if (i < header.size() && header[i] == '"') {
            ++i;
            bool closed = false;
            while (i < header.size()) {
                const char c = header[i++];
                if (c == '\\' && i < header.size()) value += header[i++];
                else if (c == '"') {
                    closed = true;
                    break;
                } else value += c;
            }
            if (!closed) return std::nullopt;
        } else {
            const auto end = header.find(',', i);
            value = std::string(header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
            while (!value.empty() && value.back() == ' ') value.pop_back();
            i = end == std::string_view::npos ? header.size() : end;
        }
        if (key == "realm") out.realm = value;
        else if (key == "service") out.service = value;
        else if (key == "scope") out.scope = value;
    }
    if (out.realm.empty()) return std::nullopt;
    return out;
}

std::string auth_key_host(std::string_view key) {
    if (const auto scheme = key.find("://"); scheme != std::string_view::npos) key.remove_prefix(scheme + 3);
    key = key.substr(0, key.find('/'));
    const std::string host(key);
    return docker_hub(host) ? "index.docker.io" : host;
}

result<credential_source> credentials_for(const nlohmann::json& config, std::string_view wanted) {
    const std::string host = auth_key_host(wanted);
    credential_source out;
    if (!config.is_object()) return out;
    // The same host may be written several ways: the first key for it counts.
    const auto find = [&](const char* section) -> const nlohmann::json* {
        const auto s = config.find(section);
        if (s == config.end() || !s->is_object()) return nullptr;
        for (auto it = s->begin(); it != s->end(); ++it)
            if (auth_key_host(it.key()) == host) return &*it;
        return nullptr;
    };
    if (const auto* helper = find("credHelpers")) {
        if (!helper->is_string() || helper->get<std::string>().empty())
            return error{"invalid", "credHelpers[" + quoted_name(host) + "] must name a helper (docker-credential-NAME)"};
        out.from = credential_source::kind::helper;
        out.helper = helper->get<std::string>();
        return out;
    }
    if (const auto* entry = find("auths"); entry != nullptr && entry->is_object() && !entry->empty()) {
        const auto text = [&](const char* k) {
            const auto it = entry->find(k);
            return it != entry->end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        registry_credentials c;
        if (const auto auth = text("auth"); !auth.empty()) {
            const auto plain = base64_decode(auth);
            const auto colon = plain ? plain->find(':') : std::string::npos;
            if (colon == std::string::npos)
                return error{"invalid", "auths[" + quoted_name(host) + "].auth is not base64 of user:password"};
            c.username = plain->substr(0, colon);
            c.password = plain->substr(colon + 1);
        } else {
            c.username = text("username");
            c.password = text("password");
        }
        c.identity_token = text("identitytoken");
        if (!c.username.empty() || !c.identity_token.empty()) {
            out.from = credential_source::kind::stored;
            out.stored = std::move(c);
            return out;
        }
    }
    if (const auto store = config.find("credsStore"); store != config.end() && store->is_string() && !store->get<std::string>().empty()) {
        out.from = credential_source::kind::helper;
        out.helper = store->get<std::string>();
    }
    return out;
}

}  // namespace driftless::drivers
