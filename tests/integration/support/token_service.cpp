#include "support/token_service.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace driftless::testing {

namespace {

using nlohmann::json;

std::string base64(std::string_view in, bool url) {
    const char* digits = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 |
                           static_cast<unsigned char>(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += digits[(v >> s) & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += digits[(v >> 18) & 63];
        out += digits[(v >> 12) & 63];
        if (i + 1 < in.size()) out += digits[(v >> 6) & 63];
        if (!url) out.append(i + 1 < in.size() ? 1 : 2, '=');
    }
    return out;
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') out += ' ';
        else if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else out += s[i];
    }
    return out;
}

std::map<std::string, std::string> form(std::string_view s) {
    std::map<std::string, std::string> out;
    while (!s.empty()) {
        const auto amp = s.find('&');
        const auto part = s.substr(0, amp);
        const auto eq = part.find('=');
        out[url_decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1));
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
    }
    return out;
}

std::string reply(int code, const std::string& body) { return http_answer(code, body, {"Content-Type: application/json"}); }

}  // namespace

token_service::token_service(std::string user, std::string password, std::string refresh_token)
    : user_(std::move(user)), password_(std::move(password)), refresh_token_(std::move(refresh_token)) {
    char tmpl[] = "/tmp/driftless-tokensXXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    REQUIRE_MESSAGE(sh("cd " + dir_ + " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=driftless-test-tokens "
                       "-keyout token-key.pem -out token-cert.pem >/dev/null 2>&1").exit_code == 0,
                    "openssl is not installed: run scripts/install-deps.sh");
    const auto der = run({"openssl", "x509", "-in", cert_file(), "-outform", "DER"});
    REQUIRE(der.exit_code == 0);
    x5c_ = base64(der.out, false);
    server_.emplace([this](const http_request_read& r) { return answer(r); });
}

token_service::~token_service() {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string token_service::token(const std::string& subject, const std::string& repository,
                                 const std::vector<std::string>& actions) const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    static std::atomic<int> serial{0};
    const json head{{"alg", "RS256"}, {"typ", "JWT"}, {"x5c", {x5c_}}};
    const json claims{{"iss", issuer()},
                      {"sub", subject},
                      {"aud", service()},
                      {"exp", now + expires_in},
                      {"nbf", now - 10},
                      {"iat", now - 10},
                      {"jti", std::to_string(now) + "-" + std::to_string(++serial)},
                      {"access", {{{"type", "repository"}, {"name", repository}, {"actions", actions}}}}};
    const std::string signing_input = base64(head.dump(), true) + "." + base64(claims.dump(), true);
    const std::string file = dir_ + "/signing-input-" + std::to_string(serial);
    std::ofstream(file, std::ios::binary) << signing_input;
    const auto signature = run({"openssl", "dgst", "-sha256", "-sign", dir_ + "/token-key.pem", "-binary", file});
    CHECK(signature.exit_code == 0);   // also on the service's thread: no REQUIRE
    return signing_input + "." + base64(signature.out, true);
}

std::string token_service::answer(const http_request_read& request) {
    const std::string& head = request.head;
    const std::string line = head.substr(0, head.find("\r\n"));
    const bool post = line.rfind("POST ", 0) == 0;
    const auto target_start = line.find(' ') + 1;
    const std::string target = line.substr(target_start, line.find(' ', target_start) - target_start);
    const auto query = target.find('?');
    auto params = form(post ? std::string_view(request.body)
                            : std::string_view(target).substr(query == std::string::npos ? target.size() : query + 1));
    const std::string scope = params["scope"];
    const auto first = scope.find(':'), last = scope.rfind(':');
    const bool wanted = params["service"] == service() && first != std::string::npos && last > first &&
                        scope.substr(0, first) == "repository";
    const std::string repository = wanted ? scope.substr(first + 1, last - first - 1) : "";
    if (post && wanted && params["grant_type"] == "refresh_token" && params["refresh_token"] == refresh_token_) {
        ++issued;
        return reply(200, json{{"access_token", token(user_, repository, {"pull"})}, {"expires_in", expires_in.load()}, {"scope", scope}}.dump());
    }
    if (!post && wanted && request_header(head, "Authorization") == "Basic " + base64(user_ + ":" + password_, false)) {
        ++issued;
        return reply(200, json{{"token", token(user_, repository, {"pull"})}, {"expires_in", expires_in.load()}}.dump());
    }
    ++refused;
    return reply(401, R"({"details":"wrong credentials"})");
}

}  // namespace driftless::testing
