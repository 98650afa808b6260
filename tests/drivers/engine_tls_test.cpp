// TLS to a tcp:// engine from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, and the
// refusal of plain text to an engine off this machine.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <string>

#include "drivers/docker_host.hpp"
#include "drivers/driver.hpp"
#include "drivers/engine_tls.hpp"
#include "watchers/temp_tree.hpp"

using namespace driftless;
using namespace driftless::drivers::docker;

TEST_CASE("engine tls: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH turn TLS on for tcp:// engines, as docker's CLI") {
    const auto tcp = parse_docker_host("tcp://engine.local:2376").value();
    SUBCASE("off without DOCKER_TLS_VERIFY") {
        auto h = with_tls(tcp, "", "", "/certs", "/root");
        REQUIRE(h.ok());
        CHECK_FALSE(h->tls.has_value());
    }
    SUBCASE("the files of DOCKER_CERT_PATH") {
        auto h = with_tls(tcp, "1", "", "/certs/", "/root");
        REQUIRE(h.ok());
        REQUIRE(h->tls.has_value());
        CHECK(*h->tls == engine_tls{"/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem"});
    }
    SUBCASE("~/.docker without DOCKER_CERT_PATH") {
        auto h = with_tls(tcp, "1", "", "", "/home/ops");
        REQUIRE(h.ok());
        CHECK(h->tls->ca_file == "/home/ops/.docker/ca.pem");
    }
    SUBCASE("a unix socket stays as it is") {
        auto h = with_tls(parse_docker_host("unix:///var/run/docker.sock").value(), "1", "", "/certs", "/root");
        REQUIRE(h.ok());
        CHECK_FALSE(h->tls.has_value());
    }
    SUBCASE("DOCKER_TLS alone is refused: the engine's certificate is always checked") {
        auto h = with_tls(tcp, "", "1", "/certs", "/root");
        REQUIRE_FALSE(h.ok());
        CHECK(h.err().message == "DOCKER_TLS is set without DOCKER_TLS_VERIFY: driftless always checks the engine's "
                                 "certificate; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem)");
    }
}

TEST_CASE("engine tls: plain text to an engine off this machine needs --engine-insecure") {
    auto remote = parse_docker_host("tcp://10.0.0.5:2375").value();
    auto st = check_plain_text(remote, false);
    REQUIRE_FALSE(st.ok());
    CHECK(st.err().code == "invalid");
    CHECK(st.err().message ==
          "the engine at tcp://10.0.0.5:2375 would be spoken to in plain text, where anyone on the network path can "
          "read every spec and drive the engine; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, "
          "cert.pem and key.pem), or pass --engine-insecure to accept plain text");
    CHECK(check_plain_text(remote, true).ok());
    remote.tls = engine_tls{"/c/ca.pem", "/c/cert.pem", "/c/key.pem"};
    CHECK(check_plain_text(remote, false).ok());
    for (const char* local : {"tcp://127.0.0.1:2375", "tcp://127.8.0.1:2375", "tcp://localhost:2375", "tcp://[::1]:2375",
                              "unix:///var/run/docker.sock"})
        CHECK_MESSAGE(check_plain_text(parse_docker_host(local).value(), false).ok(), local);
    CHECK_FALSE(check_plain_text(parse_docker_host("tcp://127.0.0.1.example.com:2375").value(), false).ok());

    // make_driver refuses it before any request.
    drivers::driver_options o;
    o.host = "tcp://10.0.0.5:2375";
    boost::asio::io_context io;
    auto made = drivers::make_driver(io.get_executor(), o);
    REQUIRE_FALSE(made.ok());
    CHECK(made.err().message == st.err().message);
}

TEST_CASE("engine tls: certificate files that cannot be used are named") {
    watchers::testing::temp_tree t;
    const engine_tls files{t.path("ca.pem").string(), t.path("cert.pem").string(), t.path("key.pem").string()};
    auto missing = make_tls_context(files);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.err().message == "engine TLS: the CA certificate " + files.ca_file +
                                       ": no such file; DOCKER_CERT_PATH must hold ca.pem, cert.pem and key.pem (PEM), "
                                       "as docker's CLI expects");
    t.write("ca.pem", "not a certificate\n");
    t.write("cert.pem", "not a certificate\n");
    t.write("key.pem", "not a key\n");
    auto garbage = make_tls_context(files);
    REQUIRE_FALSE(garbage.ok());
    CHECK(garbage.err().message.rfind("engine TLS: the CA certificate " + files.ca_file + ": not a PEM certificate (", 0) == 0);
}

TEST_CASE("engine tls: a connection the engine drops right after the handshake names the client certificate") {
    engine_tls tls;
    tls.cert_file = "/certs/cert.pem";
    const auto text = tls_dropped_text(boost::asio::error::connection_reset, "tcp://10.0.0.5:2376", tls, "GET /version");
    CHECK(text == "the engine at tcp://10.0.0.5:2376 refused the TLS connection (it closed it right after the handshake, "
                  "before answering: Connection reset by peer, GET /version); it must trust the CA that signed the "
                  "client certificate /certs/cert.pem");
}
