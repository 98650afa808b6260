// A registry token service for tests (Registry HTTP API v2, "Token
// Authentication"), that docker-registry's `auth: token` trusts: JSON Web
// Tokens signed RS256 with a key of the test's own (openssl), its
// self-signed certificate in the token's x5c and in the registry's root
// bundle. It answers on a free 127.0.0.1 port, on a thread of its own:
//   GET  /token?service=&scope=   with Basic USER:PASSWORD
//   POST /token (grant_type=refresh_token&refresh_token=TOKEN&...)
// and refuses anything else with 401. Stopped when it goes out of scope.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "tools/scripted_server.hpp"

namespace driftless::testing {

class token_service {
public:
    token_service(std::string user, std::string password, std::string refresh_token);
    ~token_service();
    token_service(const token_service&) = delete;
    token_service& operator=(const token_service&) = delete;

    [[nodiscard]] std::string realm() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/token"; }
    [[nodiscard]] static std::string service() { return "driftless-test-registry"; }
    [[nodiscard]] static std::string issuer() { return "driftless-test-issuer"; }
    [[nodiscard]] std::string cert_file() const { return dir_ + "/token-cert.pem"; }

    // A signed token for `subject` with `actions` ("pull", "push") on `repository`.
    [[nodiscard]] std::string token(const std::string& subject, const std::string& repository,
                                    const std::vector<std::string>& actions) const;

    std::atomic<int> issued{0};      // tokens handed out
    std::atomic<int> refused{0};     // requests answered 401
    std::atomic<int> expires_in{300};

private:
    std::string answer(const http_request_read& request);

    std::string user_, password_, refresh_token_;
    std::string dir_;
    std::string x5c_;                 // the certificate, base64 of DER
    std::optional<scripted_server> server_;
};

}  // namespace driftless::testing
