#include "support/registry_server.hpp"

#include <doctest/doctest.h>

#include <crypt.h>
#include <signal.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "drivers/image_manifest.hpp"
#include "tools/loopback.hpp"

namespace driftless::testing {

namespace {

using nlohmann::json;

const char* const install_hint = "run scripts/install-deps.sh";

bool on_path(const std::string& program) { return sh("command -v " + program + " >/dev/null").exit_code == 0; }

json descriptor(const std::string& media_type, const std::string& content) {
    return {{"mediaType", media_type}, {"size", content.size()}, {"digest", drivers::content_digest(content)}};
}

}  // namespace

std::string htpasswd_line(const std::string& user, const std::string& password) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    REQUIRE(crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof salt) != nullptr);
    crypt_data data{};
    const char* hash = crypt_r(password.c_str(), salt, &data);
    REQUIRE((hash != nullptr && hash[0] == '$'));
    return user + ":" + hash + "\n";
}

registry_server::registry_server(registry_server_options options) : options_(std::move(options)) {
    REQUIRE_MESSAGE(on_path("docker-registry"), "docker-registry is not installed: ", install_hint);
    REQUIRE_MESSAGE(on_path("curl"), "curl is not installed: ", install_hint);
    char tmpl[] = "/tmp/driftless-registryXXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    root_ = tmpl;
    const auto port = free_port();
    address_ = "127.0.0.1:" + std::to_string(port);
    std::string config = "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: " + (root_ / "data").string() +
                         "\n  delete:\n    enabled: true\nhttp:\n  addr: " + address_ + "\n";
    if (options_.tls) {
        REQUIRE_MESSAGE(on_path("openssl"), "openssl is not installed: ", install_hint);
        const auto made = sh("cd " + dir() + " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                             "-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem >/dev/null 2>&1");
        REQUIRE(made.exit_code == 0);
        config += "  tls:\n    certificate: " + ca_file() + "\n    key: " + dir() + "/key.pem\n";
    }
    if (!options_.user.empty()) {
        std::ofstream(root_ / "htpasswd") << htpasswd_line(options_.user, options_.password);
        config += "auth:\n  htpasswd:\n    realm: driftless-test\n    path: " + dir() + "/htpasswd\n";
    } else if (!options_.token_realm.empty()) {
        config += "auth:\n  token:\n    realm: " + options_.token_realm + "\n    service: " + options_.token_service +
                  "\n    issuer: " + options_.token_issuer + "\n    rootcertbundle: " + options_.token_cert + "\n";
    }
    std::ofstream(root_ / "config.yml") << config;
    server_ = std::make_unique<child>(std::vector<std::string>{"docker-registry", "serve", (root_ / "config.yml").string()},
                                      std::vector<std::string>{}, (root_ / "registry.log").string());
    REQUIRE_MESSAGE(wait_until([&] { return accepts(port) || !server_->running(); }, std::chrono::seconds(30)), server_->log());
    REQUIRE_MESSAGE(server_->running(), "docker-registry did not start: ", server_->log());
}

registry_server::~registry_server() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
}

void registry_server::stop() {
    if (!server_) return;
    server_->signal(SIGTERM);
    if (server_->wait(std::chrono::seconds(10)) == -1) server_->signal(SIGKILL);
    server_.reset();
}

std::string registry_server::write_file(const std::string& name, const std::string& content) const {
    const auto path = root_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
}

std::vector<std::string> registry_server::curl(std::vector<std::string> args) const {
    std::vector<std::string> argv{"curl", "-sS", "--fail-with-body", "-D", "-"};
    if (!options_.user.empty()) argv.insert(argv.end(), {"-u", options_.user + ":" + options_.password});
    if (options_.tls) argv.insert(argv.end(), {"--cacert", ca_file()});
    if (!options_.push_token.empty()) argv.insert(argv.end(), {"-H", "Authorization: Bearer " + options_.push_token});
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv, {}, std::chrono::seconds(30));
    REQUIRE_MESSAGE(r.exit_code == 0, "curl ", args.back(), ": ", r.out, r.err);
    // The answer's header lines, without their CR.
    std::vector<std::string> lines;
    std::string line;
    for (const char c : r.out) {
        if (c == '\n') {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    return lines;
}

std::string registry_server::push_blob(const std::string& repository, const std::string& content) {
    const std::string base = (options_.tls ? "https://" : "http://") + address_;
    std::string location;
    for (const auto& line : curl({"-X", "POST", "-o", "/dev/null", base + "/v2/" + repository + "/blobs/uploads/"}))
        if (line.size() > 10 && (line.rfind("Location: ", 0) == 0 || line.rfind("location: ", 0) == 0)) location = line.substr(10);
    REQUIRE_MESSAGE(!location.empty(), "no Location for an upload to ", repository);
    if (location.front() == '/') location = base + location;
    const std::string digest = drivers::content_digest(content);
    const auto file = write_file("blob-" + std::to_string(++files_), content);
    curl({"-X", "PUT", "-o", "/dev/null", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file,
          location + (location.find('?') == std::string::npos ? "?" : "&") + "digest=" + digest});
    return digest;
}

std::string registry_server::push_manifest(const std::string& repository, const std::string& reference,
                                           const std::string& media_type, const std::string& body) {
    const std::string base = (options_.tls ? "https://" : "http://") + address_;
    const auto file = write_file("manifest-" + std::to_string(++files_), body);
    curl({"-X", "PUT", "-o", "/dev/null", "-H", "Content-Type: " + media_type, "--data-binary", "@" + file,
          base + "/v2/" + repository + "/manifests/" + reference});
    return drivers::content_digest(body);
}

std::string registry_server::push_image(const std::string& repository, const std::string& tag, const std::string& created,
                                        const std::string& architecture) {
    return push_layer_image(repository, tag, "layer of " + repository + ":" + tag + " for " + architecture, created, {},
                            architecture);
}

std::string registry_server::push_layer_image(const std::string& repository, const std::string& tag, const std::string& layer,
                                              const std::string& created, const std::vector<std::string>& env,
                                              const std::string& architecture) {
    json settings = json::object();
    if (!env.empty()) settings["Env"] = env;
    const std::string config = json{{"architecture", architecture},
                                    {"os", "linux"},
                                    {"created", created},
                                    {"config", settings},
                                    {"rootfs", {{"type", "layers"}, {"diff_ids", {drivers::content_digest(layer)}}}}}
                                   .dump();
    push_blob(repository, layer);
    push_blob(repository, config);
    const std::string media_type = "application/vnd.docker.distribution.manifest.v2+json";
    // The engine takes an uncompressed tar under the gzip media type too (it looks at the bytes).
    const std::string manifest = json{{"schemaVersion", 2},
                                      {"mediaType", media_type},
                                      {"config", descriptor("application/vnd.docker.container.image.v1+json", config)},
                                      {"layers", {descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", layer)}}}
                                     .dump();
    const std::string digest = drivers::content_digest(manifest);
    return push_manifest(repository, tag.empty() ? digest : tag, media_type, manifest);
}

std::string registry_server::push_index(const std::string& repository, const std::string& tag,
                                        const std::vector<std::pair<std::string, std::string>>& architecture_created) {
    json manifests = json::array();
    for (const auto& [architecture, created] : architecture_created) {
        const std::string digest = push_image(repository, "", created, architecture);
        const auto file = root_ / ("manifest-" + std::to_string(files_));   // what push_image just sent
        std::ifstream in(file, std::ios::binary);
        const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        REQUIRE(drivers::content_digest(body) == digest);
        auto entry = descriptor("application/vnd.docker.distribution.manifest.v2+json", body);
        entry["platform"] = {{"os", "linux"}, {"architecture", architecture}};
        manifests.push_back(entry);
    }
    const std::string media_type = "application/vnd.oci.image.index.v1+json";
    const std::string index = json{{"schemaVersion", 2}, {"mediaType", media_type}, {"manifests", manifests}}.dump();
    return push_manifest(repository, tag, media_type, index);
}

}  // namespace driftless::testing
