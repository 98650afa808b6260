#include "drivers/engine_tls.hpp"

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <fstream>
#include <optional>

namespace driftless::drivers::docker {

namespace asio = boost::asio;

namespace {

error bad_file(const std::string& what, const std::string& path, const std::string& why) {
    return error{"invalid", "engine TLS: " + what + " " + path + ": " + why +
                                "; DOCKER_CERT_PATH must hold ca.pem, cert.pem and key.pem (PEM), as docker's CLI expects"};
}

// Checked before OpenSSL reads them: its reasons ("no such file" hides in
// a system library code) do not name the file.
std::optional<error> unreadable(const std::string& what, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return bad_file(what, path, "no such file");
    if (!std::ifstream(path)) return bad_file(what, path, "cannot be read");
    return std::nullopt;
}

std::string reason_of(const boost::system::error_code& ec) {
    const char* r = ::ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    return r != nullptr ? r : ec.message();
}

}  // namespace

result<std::shared_ptr<asio::ssl::context>> make_tls_context(const engine_tls& tls) {
    for (const auto& [what, path] : {std::pair<std::string, std::string>{"the CA certificate", tls.ca_file},
                                     {"the client certificate", tls.cert_file},
                                     {"the client key", tls.key_file}})
        if (auto e = unreadable(what, path)) return *e;
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ::SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    ctx->load_verify_file(tls.ca_file, ec);
    if (ec) return bad_file("the CA certificate", tls.ca_file, "not a PEM certificate (" + reason_of(ec) + ")");
    ctx->use_certificate_chain_file(tls.cert_file, ec);
    if (ec) return bad_file("the client certificate", tls.cert_file, "not a PEM certificate (" + reason_of(ec) + ")");
    ctx->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
    if (ec) return bad_file("the client key", tls.key_file, "not a PEM private key for " + tls.cert_file + " (" + reason_of(ec) + ")");
    ctx->set_verify_mode(asio::ssl::verify_peer);
    return ctx;
}

bool is_tls_error(const boost::system::error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated;
}

std::string tls_error_text(const boost::system::error_code& ec, const std::string& endpoint, const engine_tls& tls,
                           const std::string& during) {
    const std::string reason = reason_of(ec);
    if (ec.category() == asio::error::get_ssl_category()) {
        const int r = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
        if (r == SSL_R_CERTIFICATE_VERIFY_FAILED)
            return "the engine at " + endpoint + " presented a certificate that " + tls.ca_file +
                   " does not vouch for, or that does not name its host (" + reason + ", " + during +
                   "); DOCKER_CERT_PATH's ca.pem must be the CA that signed the engine's certificate";
        // An alert the engine sent: after the handshake, the engine's
        // verdict on driftless's certificate (TLS 1.3 sends it then).
        if (r > SSL_AD_REASON_OFFSET && r < SSL_AD_REASON_OFFSET + 256)
            return "the engine at " + endpoint + " refused the TLS connection (" + reason + ", " + during +
                   "); it must trust the CA that signed the client certificate " + tls.cert_file;
    }
    return "TLS with the engine at " + endpoint + " failed (" + during + "): " + reason +
           " (is the engine serving TLS on that port?)";
}

std::string tls_dropped_text(const boost::system::error_code& ec, const std::string& endpoint, const engine_tls& tls,
                             const std::string& during) {
    return "the engine at " + endpoint + " refused the TLS connection (it closed it right after the handshake, before " +
           "answering: " + ec.message() + ", " + during + "); it must trust the CA that signed the client certificate " +
           tls.cert_file;
}

}  // namespace driftless::drivers::docker
