#include "drivers/registry_token.hpp"

#include <nettle/base64.h>

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "drivers/http_url.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers {

std::string basic_authorization(const registry_credentials& c) {
    const std::string plain = c.username + ":" + c.password;
    std::string out(BASE64_ENCODE_RAW_LENGTH(plain.size()), '\0');
    base64_encode_raw(out.data(), plain.size(), reinterpret_cast<const std::uint8_t*>(plain.data()));
    return "Basic " + out;
}

result<http_request> token_request(const bearer_challenge& challenge, const std::string& scope,
                                   const registry_credentials& credentials, bool registry_tls) {
    auto realm = parse_http_url(challenge.realm);
    if (!realm.ok()) return error{"invalid", "the token service's realm \"" + challenge.realm + "\": " + realm.err().message};
    if (registry_tls && !realm->tls)
        return error{"invalid", "the token service's realm \"" + challenge.realm +
                                    "\" is plain http while the registry is https: driftless sends no credentials or tokens in the clear"};
    http_request req;
    req.host = realm->host;
    req.port = realm->port;
    req.tls = realm->tls;
    std::vector<std::pair<std::string, std::string>> params;
    if (!challenge.service.empty()) params.emplace_back("service", challenge.service);
    params.emplace_back("scope", scope);
    if (!credentials.identity_token.empty()) {
        // OAuth2's refresh-token grant, as docker does with a token from docker login.
        params.emplace_back("grant_type", "refresh_token");
        params.emplace_back("client_id", "driftless");
        params.emplace_back("refresh_token", credentials.identity_token);
        req.method = "POST";
        req.target = realm->target;
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        req.body = query_string(params).substr(1);
        return req;
    }
    const std::string query = query_string(params);
    req.target = realm->target + (realm->target.find('?') == std::string::npos ? query : "&" + query.substr(1));
    if (!credentials.username.empty()) req.headers.emplace_back("Authorization", basic_authorization(credentials));
    return req;
}

result<registry_token> parse_token_response(std::string_view body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return error{"invalid", "the token service's answer is not a JSON object"};
    registry_token out;
    for (const char* key : {"token", "access_token"}) {
        const auto it = j.find(key);
        if (it != j.end() && it->is_string() && !it->get<std::string>().empty()) {
            out.value = it->get<std::string>();
            break;
        }
    }
    if (out.value.empty()) return error{"invalid", "the token service's answer holds no \"token\" or \"access_token\""};
    if (const auto it = j.find("expires_in"); it != j.end() && it->is_number() && it->get<double>() >= 1)
        out.expires_in = std::chrono::seconds(static_cast<std::int64_t>(std::min(it->get<double>(), 86400.0 * 365)));
    return out;
}

std::string token_cache::find(const std::string& scope, clock::time_point now) const {
    const auto it = tokens_.find(scope);
    return it != tokens_.end() && now < it->second.good_until ? it->second.value : std::string();
}

void token_cache::store(const std::string& scope, const registry_token& token, clock::time_point now) {
    // Given up a little early (a tenth of its life, at most 30 s), so that
    // a request does not leave with a token that expires on its way.
    const auto margin = std::min<std::chrono::seconds>(token.expires_in / 10, std::chrono::seconds(30));
    if (tokens_.size() >= 1000) std::erase_if(tokens_, [&](const auto& kv) { return now >= kv.second.good_until; });
    if (tokens_.size() >= 1000) tokens_.clear();
    tokens_[scope] = entry{token.value, now + token.expires_in - margin};
}

}  // namespace driftless::drivers
