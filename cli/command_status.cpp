#include "cli/commands.hpp"

#include <cstdio>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "status_surface/status_client.hpp"
#include "status_surface/status_table.hpp"

namespace driftless::cli {

namespace {

struct target {
    status_surface::listen_address address;
    std::chrono::milliseconds timeout{5000};
};

std::optional<target> target_of(const client_flags& f, const char* command) {
    auto address = status_surface::parse_listen(f.listen);
    if (!address.ok()) {
        std::fprintf(stderr, "driftless %s: %s\n", command, address.err().message.c_str());
        return std::nullopt;
    }
    auto timeout = parse_duration_flag(f.timeout);
    if (!timeout) {
        std::fprintf(stderr, "driftless %s: --timeout \"%s\": expected a duration such as 5s\n", command, f.timeout.c_str());
        return std::nullopt;
    }
    return target{status_surface::address_to_ask(*address), *timeout};
}

}  // namespace

int healthcheck(const client_flags& f) {
    auto t = target_of(f, "healthcheck");
    if (!t) return 1;
    auto answer = status_surface::http_get(t->address, "/healthz", "", t->timeout);
    if (!answer.ok()) {
        std::fprintf(stderr, "driftless healthcheck: %s\n", answer.err().message.c_str());
        return 1;
    }
    if (answer->code != 200) {
        std::fprintf(stderr, "driftless healthcheck: /healthz answered %d\n", answer->code);
        return 1;
    }
    return 0;
}

int status_command(const client_flags& f) {
    auto t = target_of(f, "status");
    if (!t) return 1;
    std::string token;
    if (!f.api_token_file.empty()) {
        auto read = status_surface::read_api_token(f.api_token_file);
        if (!read.ok()) {
            std::fprintf(stderr, "driftless status: %s\n", read.err().message.c_str());
            return 1;
        }
        token = std::move(read).value();
    }
    auto answer = status_surface::http_get(t->address, "/api/v1/state", token, t->timeout);
    if (!answer.ok()) {
        std::fprintf(stderr, "driftless status: is `driftless run` listening there (--listen)? %s\n", answer.err().message.c_str());
        return 1;
    }
    if (answer->code == 401) {
        std::fprintf(stderr, "driftless status: the instance asks for a token: pass its --api-token-file\n");
        return 1;
    }
    if (answer->code != 200) {
        std::fprintf(stderr, "driftless status: /api/v1/state answered %d\n", answer->code);
        return 1;
    }
    auto state = nlohmann::json::parse(answer->body, nullptr, false);
    if (state.is_discarded() || !state.is_object()) {
        std::fprintf(stderr, "driftless status: /api/v1/state did not answer JSON\n");
        return 1;
    }
    if (f.json) std::printf("%s\n", state.dump(2).c_str());
    else {
        status_surface::status_table_options o;
        o.problems_only = f.problems;
        o.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
        std::fputs(status_surface::status_table(state, o).c_str(), stdout);
    }
    const auto counts = state.value("counts", nlohmann::json::object());
    const bool healthy = state.value("ready", false) && state.value("engine_error", std::string()).empty() &&
                         counts.value("failing", 0) == 0 && state.value("source_errors", nlohmann::json::array()).empty();
    return healthy ? 0 : 1;
}

}  // namespace driftless::cli
