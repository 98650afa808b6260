#include "drivers/credential_helper.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "desired_state/printable.hpp"
#include "drivers/run_program.hpp"

namespace driftless::drivers {

namespace {

// A helper's name becomes part of a program's name: nothing that could
// make it a path.
bool plain_name(const std::string& name) {
    if (name.empty() || name.size() > 100) return false;
    for (const char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return name.front() != '.';
}

std::string first_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    if (const auto nl = text.find('\n'); nl != std::string::npos) text = text.substr(0, nl);
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    return desired_state::printable(text);
}

}  // namespace

result<registry_credentials> run_credential_helper(const std::string& helper, const std::string& host,
                                                   std::chrono::milliseconds limit) {
    const std::string program = "docker-credential-" + helper;
    const auto failed = [&](const std::string& why) { return error{"credentials", program + " get, for " + host + ": " + why}; };
    if (!plain_name(helper)) return failed("\"" + desired_state::printable(helper) + "\" is not a helper's name (letters, digits, '-', '_', '.')");
    const std::string server = host == "index.docker.io" ? "https://index.docker.io/v1/" : host;
    auto run = run_program({program, "get"}, server, limit);
    if (!run.ok()) {
        if (run.err().code == "not_found")
            return failed("the program is not installed (not found on PATH); install it, or change credHelpers/credsStore in docker's config.json");
        return failed(run.err().message);
    }
    if (run->timed_out)
        return error{"timeout", program + " get, for " + host + ": no answer within " +
                                    (limit.count() % 1000 == 0 ? std::to_string(limit.count() / 1000) + " s"
                                                               : std::to_string(limit.count()) + " ms")};
    if (run->exit_code != 0) {
        // Helpers print their reason on stdout; some on stderr.
        const std::string said = first_line(run->out.empty() ? run->err : run->out);
        if (said.find("credentials not found") != std::string::npos)
            return error{"not_found", program + " has no credentials for " + host};
        return failed("exited with " + (run->exit_code < 0 ? std::string("a signal") : "status " + std::to_string(run->exit_code)) +
                      (said.empty() ? "" : ": " + said));
    }
    const auto j = nlohmann::json::parse(run->out, nullptr, false);
    const auto field = [&](const char* key) -> std::optional<std::string> {
        if (!j.is_object()) return std::nullopt;
        const auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    const auto user = field("Username"), secret = field("Secret");
    if (!user || !secret || secret->empty())
        return failed("printed no {\"Username\": ..., \"Secret\": ...} (it printed \"" + first_line(run->out) + "\")");
    registry_credentials out;
    // docker login with an identity token stores it under this user name.
    if (*user == "<token>") out.identity_token = *secret;
    else {
        out.username = *user;
        out.password = *secret;
    }
    return out;
}

std::string docker_config_path() {
    if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') return std::string(dir) + "/config.json";
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "") + "/.docker/config.json";
}

namespace {

// docker_config_path()'s JSON; null when there is no such file. `about`
// ends the messages: whose credentials were being looked for.
result<nlohmann::json> read_docker_config(const std::string& path, const std::string& about) {
    std::ifstream in(path);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) return nlohmann::json();   // no config.json: anonymous
        return error{"credentials", path + ": cannot be read (" + about + ")"};
    }
    std::stringstream text;
    text << in.rdbuf();
    auto config = nlohmann::json::parse(text.str(), nullptr, false);
    if (config.is_discarded()) return error{"credentials", path + ": not JSON (" + about + ")"};
    return config;
}

result<resolved_credentials> resolve_in(const nlohmann::json& config, const std::string& path, const std::string& host,
                                        std::chrono::milliseconds helper_limit) {
    resolved_credentials out;
    out.from = "no credentials for " + host + " in " + path;
    auto source = credentials_for(config, host);
    if (!source.ok()) return error{"credentials", path + ": " + source.err().message};
    switch (source->from) {
    case credential_source::kind::anonymous:
        return out;
    case credential_source::kind::stored:
        out.credentials = source->stored;
        out.from = "credentials for " + host + " from " + path;
        return out;
    case credential_source::kind::helper:
        break;
    }
    auto helped = run_credential_helper(source->helper, auth_key_host(host), helper_limit);
    if (!helped.ok()) {
        if (helped.err().code != "not_found") return std::move(helped).err();
        out.from = helped.err().message;   // docker goes on anonymously
        return out;
    }
    out.credentials = std::move(helped).value();
    out.from = "credentials for " + host + " from docker-credential-" + source->helper;
    return out;
}

}  // namespace

result<resolved_credentials> resolve_credentials(const std::string& host, std::chrono::milliseconds helper_limit) {
    const std::string path = docker_config_path();
    auto config = read_docker_config(path, "credentials for " + host);
    if (!config.ok()) return std::move(config).err();
    return resolve_in(*config, path, host, helper_limit);
}

result<all_credentials> resolve_all_credentials(std::chrono::milliseconds helper_limit) {
    const std::string path = docker_config_path();
    auto config = read_docker_config(path, "credentials for the registries it names");
    if (!config.ok()) return std::move(config).err();
    all_credentials out;
    if (!config->is_object()) return out;
    std::set<std::string> hosts;
    for (const char* section : {"credHelpers", "auths"})
        if (const auto s = config->find(section); s != config->end() && s->is_object())
            for (auto it = s->begin(); it != s->end(); ++it) hosts.insert(auth_key_host(it.key()));
    for (const auto& host : hosts) {
        auto found = resolve_in(*config, path, host, helper_limit);
        if (!found.ok()) out.problems.push_back(found.err().message);
        else if (!found->anonymous()) out.by_host.emplace(host, std::move(found).value());
    }
    return out;
}

}  // namespace driftless::drivers
