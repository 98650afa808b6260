// Debian's docker-registry for tests that need a registry but no engine:
// started on a free 127.0.0.1 port with a configuration of its own, its
// storage and files in a temporary folder; optionally with htpasswd
// users (Basic), TLS (a self-signed certificate for 127.0.0.1 made with
// openssl) or a token service (Bearer tokens signed by the test's key).
// Images are pushed with the Registry API itself (curl): blobs and a
// manifest whose config says the creation time the test chooses. Stopped,
// and its folder deleted, when it goes out of scope.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace driftless::testing {

struct registry_server_options {
    std::string user, password;     // htpasswd (bcrypt) with this one user, when set
    bool tls = false;               // https with a certificate for 127.0.0.1 (ca_file())
    // Bearer tokens: the registry trusts tokens signed with `token_key`'s
    // certificate (token_cert), issued by `token_issuer` for `token_service`.
    std::string token_realm, token_service, token_issuer, token_cert;
    std::string push_token;         // a token that may push, for pushing to such a registry
};

class registry_server {
public:
    // Fails the test (saying to run scripts/install-deps.sh) when
    // docker-registry, curl or openssl is missing.
    explicit registry_server(registry_server_options options = {});
    ~registry_server();
    registry_server(const registry_server&) = delete;
    registry_server& operator=(const registry_server&) = delete;

    [[nodiscard]] const std::string& address() const noexcept { return address_; }   // 127.0.0.1:PORT
    [[nodiscard]] std::string dir() const { return root_.string(); }
    [[nodiscard]] std::string ca_file() const { return (root_ / "cert.pem").string(); }   // options.tls
    void stop();

    // Pushes `content` as a blob of `repository`; its digest.
    std::string push_blob(const std::string& repository, const std::string& content);
    // PUTs `body` as the manifest `reference` (a tag or a digest); its digest.
    std::string push_manifest(const std::string& repository, const std::string& reference, const std::string& media_type,
                              const std::string& body);
    // An image of one layer whose config says `created` (RFC 3339), for
    // linux/`architecture`, tagged `tag` ("" for none); its manifest's digest.
    std::string push_image(const std::string& repository, const std::string& tag, const std::string& created,
                           const std::string& architecture = "amd64");
    // The same with `layer` (an uncompressed tar) as its one layer and
    // `env` in its config: an image an engine can pull and run.
    std::string push_layer_image(const std::string& repository, const std::string& tag, const std::string& layer,
                                 const std::string& created, const std::vector<std::string>& env,
                                 const std::string& architecture = "amd64");
    // An OCI index of the images of each architecture, created at the
    // times given, tagged `tag`; its digest.
    std::string push_index(const std::string& repository, const std::string& tag,
                           const std::vector<std::pair<std::string, std::string>>& architecture_created);

private:
    std::vector<std::string> curl(std::vector<std::string> args) const;
    std::string write_file(const std::string& name, const std::string& content) const;

    registry_server_options options_;
    std::string address_;
    std::filesystem::path root_;
    std::unique_ptr<child> server_;
    int files_ = 0;
};

// A bcrypt htpasswd line for `user` (crypt(3)'s $2b$, which the registry reads).
std::string htpasswd_line(const std::string& user, const std::string& password);

}  // namespace driftless::testing
