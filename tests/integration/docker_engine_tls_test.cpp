// dockerd behind a TLS terminator that checks client certificates (Debian's
// socat), reached as docker's CLI would: DOCKER_HOST=tcp://..., with
// DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH. The certificates are made here
// with openssl.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"
#include "support/scenario.hpp"
#include "tools/loopback.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

// A CA, a server certificate for 127.0.0.1 and a client certificate in
// `dir` (ca.pem, cert.pem, key.pem as DOCKER_CERT_PATH wants them, and
// server.pem, server-key.pem); `prefix` names the CA.
void make_certificates(const std::filesystem::path& dir, const std::string& prefix) {
    std::filesystem::create_directories(dir);
    const std::string d = dir.string();
    const auto r = sh("set -e; cd '" + d + "'\n"
                      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=" + prefix + " CA' "
                      "-keyout ca-key.pem -out ca.pem 2>/dev/null\n"
                      "openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server-key.pem -out server.csr 2>/dev/null\n"
                      "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext\n"
                      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 "
                      "-extfile server.ext -out server.pem 2>/dev/null\n"
                      "openssl req -newkey rsa:2048 -nodes -subj '/CN=driftless' -keyout key.pem -out client.csr 2>/dev/null\n"
                      "printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
                      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 "
                      "-extfile client.ext -out cert.pem 2>/dev/null\n");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

}  // namespace

TEST_CASE("docker: an engine over TLS with client certificates (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)") {
    ensure_docker();
    REQUIRE_MESSAGE(run({"sh", "-c", "command -v socat && command -v openssl"}).exit_code == 0,
                    "socat and openssl are needed (scripts/install-deps.sh)");
    scenario s("tls");
    const auto certs = s.dir().parent_path() / (s.owner() + "-certs");
    const auto rogue = s.dir().parent_path() / (s.owner() + "-rogue");
    struct remove_folders {
        std::filesystem::path a, b;
        ~remove_folders() {
            std::error_code ec;
            std::filesystem::remove_all(a, ec);
            std::filesystem::remove_all(b, ec);
        }
    } cleanup_certs{certs, rogue};
    make_certificates(certs, "driftless test");
    make_certificates(rogue, "someone else");

    const unsigned short port = free_port();
    const std::string c = certs.string();
    child proxy({"socat", "OPENSSL-LISTEN:" + std::to_string(port) + ",bind=127.0.0.1,reuseaddr,fork,cert=" + c +
                              "/server.pem,key=" + c + "/server-key.pem,cafile=" + c + "/ca.pem,verify=1",
                 "UNIX-CONNECT:/var/run/docker.sock"},
                {}, (certs.parent_path() / (s.owner() + "-socat.log")).string());
    REQUIRE_MESSAGE(wait_until([&] { return accepts(port); }, 10s), proxy.log());

    const std::string host = "DOCKER_HOST=tcp://127.0.0.1:" + std::to_string(port);
    const std::string web = s.name("web");
    s.write("web.yaml", "kind: Service\nname: " + web +
                            "\nimage: driftless-test/busybox:1\npull: never\ncommand: [\"sleep\", \"3600\"]\n"
                            "stop_grace_period: 1s\n");

    SUBCASE("lists and creates through it") {
        const auto applied = s.driftless({"apply"}, {host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + c});
        REQUIRE_MESSAGE(applied.exit_code == 0, applied.err);
        CHECK(s.container_state(web) == "running");
        const auto plan = s.driftless({"plan"}, {host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + c});
        CHECK_MESSAGE(plan.exit_code == 0, (plan.out + plan.err));
        CHECK(plan.out == "converged: nothing to do\n");
    }
    SUBCASE("a client certificate the engine does not trust is a clear error") {
        const auto refused = s.driftless({"plan"}, {host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + rogue.string()});
        CHECK(refused.exit_code == 1);
        // The rogue CA did not sign the engine's certificate either, so
        // driftless is the first to object.
        CHECK_MESSAGE(refused.err.find("the engine at tcp://127.0.0.1:" + std::to_string(port) +
                                       " presented a certificate that " + rogue.string() +
                                       "/ca.pem does not vouch for") != std::string::npos,
                      refused.err);
        // The right CA but a client certificate of another: the engine objects.
        std::filesystem::copy_file(certs / "ca.pem", rogue / "ca.pem", std::filesystem::copy_options::overwrite_existing);
        const auto rejected = s.driftless({"plan"}, {host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + rogue.string()});
        CHECK(rejected.exit_code == 1);
        CHECK_MESSAGE(rejected.err.find("the engine at tcp://127.0.0.1:" + std::to_string(port) +
                                        " refused the TLS connection (") != std::string::npos,
                      rejected.err);
        CHECK_MESSAGE(rejected.err.find("); it must trust the CA that signed the client certificate " + rogue.string() +
                                        "/cert.pem") != std::string::npos,
                      rejected.err);
        CHECK(s.container_state(web) == "");
    }
    SUBCASE("a missing certificate folder is named at start") {
        const auto missing = s.driftless({"plan"}, {host, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + c + "/absent"});
        CHECK(missing.exit_code == 1);
        CHECK_MESSAGE(missing.err.find("engine TLS: the CA certificate " + c + "/absent/ca.pem: no such file") !=
                          std::string::npos,
                      missing.err);
    }
    s.cleanup();
}
