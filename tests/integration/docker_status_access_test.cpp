// Who may reach `driftless run`'s status server: --listen, --listen-public,
// --api-token-file, through the built binary.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>

#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The HTTP code of a GET on 127.0.0.1:PORT, with extra curl arguments.
std::string http_code(unsigned short port, const std::string& path, const std::string& curl_args = "") {
    return sh("curl -s -o /dev/null -w '%{http_code}' --max-time 5 " + curl_args + " http://127.0.0.1:" + std::to_string(port) + path).out;
}

}  // namespace

TEST_CASE("docker: run refuses --listen on a non-loopback address without --listen-public") {
    scenario s("lp");
    auto r = run({binary(), "run", "-s", s.dir().string(), "--owner", s.owner(), "--listen", "0.0.0.0:0"}, {}, 60s);
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          "driftless: --listen 0.0.0.0:0: 0.0.0.0 is not a loopback address, and the status server has no TLS; add --listen-public to "
          "serve other hosts (with --api-token-file to ask them for a token)\n");
}

TEST_CASE("docker: run --listen-public serves 0.0.0.0 and warns that no token is asked") {
    ensure_docker();
    scenario s("lpw");
    const auto log = (s.dir().parent_path() / (s.owner() + "-run.log")).string();
    child run({binary(), "run", "-s", s.dir().string(), "--owner", s.owner(), "--listen", "0.0.0.0:0"}, {"DRIFTLESS_LISTEN_PUBLIC=1"}, log);
    const std::string marker = "status on http://0.0.0.0:";
    REQUIRE(wait_until([&] { return has(run.log(), marker) || !run.running(); }, 30s));
    const auto text = run.log();
    REQUIRE(has(text, marker));
    const auto port = static_cast<unsigned short>(std::stoi(text.substr(text.find(marker) + marker.size())));
    CHECK(has(text, "status on 0.0.0.0:" + std::to_string(port) +
                        " answers every host that can reach it, without a token: /api/v1/state names images and hosts; set "
                        "--api-token-file to ask for a token"));
    CHECK(http_code(port, "/healthz") == "200");
    run.signal(SIGTERM);
    CHECK(run.wait(30s) == 0);
}

TEST_CASE("docker: run --api-token-file asks for the token on /api/v1/state and /metrics, not on /healthz or /readyz") {
    ensure_docker();
    scenario s("tok");
    const auto token_file = (s.dir() / "api.token").string();   // not a spec file: the folder source skips it
    {
        std::ofstream out(token_file);
        out << "t0ken-" << s.owner() << "\n";
    }
    auto run = s.start_run({"--api-token-file", token_file});
    REQUIRE(s.status_port() != 0);
    const auto port = s.status_port();
    const std::string good = "-H 'Authorization: Bearer t0ken-" + s.owner() + "'";
    for (const std::string path : {"/api/v1/state", "/metrics"}) {
        CAPTURE(path);
        CHECK(http_code(port, path) == "401");
        CHECK(http_code(port, path, "-H 'Authorization: Bearer wrong'") == "401");
        CHECK(http_code(port, path, good) == "200");
    }
    CHECK(has(sh("curl -s -D - -o /dev/null --max-time 5 http://127.0.0.1:" + std::to_string(port) + "/metrics").out,
              "WWW-Authenticate: Bearer realm=\"driftless\""));
    CHECK(http_code(port, "/healthz") == "200");
    CHECK(http_code(port, "/readyz") == "200");
    run->signal(SIGTERM);
    CHECK(run->wait(30s) == 0);
}
