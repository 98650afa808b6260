// --notify: parsing, bodies, and delivery to a real HTTP receiver on
// 127.0.0.1 that answers, fails or hangs as the test says.
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>

#include "status_surface/notifier.hpp"
#include "tools/http_receiver.hpp"
#include "tools/loopback.hpp"
#include "tools/wait_until.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::status_surface;
using driftless::testing::accepts;
using driftless::testing::free_port;
using driftless::testing::receiver;
using driftless::testing::wait_until;
using namespace std::chrono_literals;

namespace {

// A notifier and an event log on an io_context thread of their own.
struct live_notifier {
    live_notifier(const std::string& url, notifier_options o) {
        auto t = parse_notify(url);
        REQUIRE(t.ok());
        n.emplace(io.get_executor(), std::vector<notify_target>{std::move(t).value()}, o);
        n->attach(log);
        thread = std::thread([this] { io.run(); });
    }
    ~live_notifier() {
        boost::asio::post(io, [this] { n->stop(); });
        thread.join();
    }
    // Publishes on the io thread, as the loop does; returns once published.
    void publish(event_type t, const std::string& name, const std::string& message) {
        std::promise<void> done;
        boost::asio::post(io, [&] {
            event e;
            e.type = t;
            e.kind = "Service";
            e.name = name;
            e.message = message;
            log.publish(std::move(e));
            done.set_value();
        });
        done.get_future().wait();
    }
    notifier::counts stats() {
        std::promise<notifier::counts> c;
        boost::asio::post(io, [&] { c.set_value(n->stats(0)); });
        return c.get_future().get();
    }
    boost::asio::io_context io;
    event_log log;
    std::optional<notifier> n;
    std::thread thread;
};

std::string type_of(const std::string& body) { return nlohmann::json::parse(body).value("type", ""); }

notifier_options quick() {
    notifier_options o;
    o.timeout = 300ms;
    o.first_retry = 50ms;
    o.max_retry = 200ms;
    return o;
}

}  // namespace

TEST_CASE("notify: URLs and their options") {
    auto t = parse_notify("http://127.0.0.1:8080/hooks/a?x=1#events=failed,healed&format=slack");
    REQUIRE(t.ok());
    CHECK(t->host == "127.0.0.1");
    CHECK(t->port == 8080);
    CHECK(t->target == "/hooks/a?x=1");
    CHECK(t->shown == "http://127.0.0.1:8080/hooks/a?x=1");
    CHECK(t->events == std::set<event_type>{event_type::failed, event_type::healed});
    CHECK(t->form == notify_target::format::slack);
    auto d = parse_notify("http://hooks.local");
    REQUIRE(d.ok());
    CHECK(d->port == 80);
    CHECK(d->target == "/");
    CHECK(d->events.count(event_type::rolled_back));
    CHECK_FALSE(d->events.count(event_type::pass_finished));
    CHECK(parse_notify("http://[::1]:9000/x")->host == "::1");

    CHECK_FALSE(d->tls);
    auto s = parse_notify("https://hooks.example.com/services/T0/B0#format=slack");
    REQUIRE(s.ok());
    CHECK(s->tls);
    CHECK(s->port == 443);
    CHECK(s->host == "hooks.example.com");
    CHECK(s->shown == "https://hooks.example.com/services/T0/B0");
    CHECK(parse_notify("https://127.0.0.1:8443/x")->port == 8443);
    CHECK(parse_notify("ftp://x").err().message == "--notify ftp://x: expected an http:// or https:// URL");
    CHECK(parse_notify("http://u:p@host/x").err().message.find("no user name or password") != std::string::npos);
    CHECK(parse_notify("http://host:99999/").err().message.find("port must be") != std::string::npos);
    CHECK(parse_notify("http://host/#events=nope").err().message.find("\"nope\" is not an event type") != std::string::npos);
    CHECK(parse_notify("http://host/#format=xml").err().message.find("format must be json or slack") != std::string::npos);
    CHECK(parse_notify("http://host/#when=now").err().message.find("unknown option \"when\"") != std::string::npos);
}

TEST_CASE("notify: bodies in json and slack form, with what was dropped") {
    event e;
    e.id = 3;
    e.type = event_type::healed;
    e.kind = "Service";
    e.name = "web";
    e.message = "Service/web was gone: made again";
    auto json_form = parse_notify("http://h/").value();
    const auto j = nlohmann::json::parse(notify_body(json_form, e, 2));
    CHECK(j["type"] == "healed");
    CHECK(j["id"] == 3);
    CHECK(j["dropped_before"] == 2);
    auto slack = parse_notify("http://h/#format=slack").value();
    CHECK(nlohmann::json::parse(notify_body(slack, e, 0))["text"] == "driftless: healed: Service/web was gone: made again");
}

TEST_CASE("notify: a heal and a failure arrive once each, in order; the same event again within the window is not sent") {
    receiver r;
    live_notifier n("http://127.0.0.1:" + std::to_string(r.port) + "/hook", quick());
    n.publish(event_type::healed, "web", "Service/web was gone: made again");
    n.publish(event_type::pass_finished, "", "converged: 1 created");   // not in the default set
    n.publish(event_type::failed, "db", "Service/db: image not found");
    n.publish(event_type::failed, "db", "Service/db: image not found");   // a repeat
    REQUIRE(wait_until([&] { return r.bodies().size() >= 2; }, 10s));
    std::this_thread::sleep_for(300ms);   // room for a wrong third delivery to show up
    const auto b = r.bodies();
    REQUIRE(b.size() == 2);
    CHECK(type_of(b[0]) == "healed");
    CHECK(type_of(b[1]) == "failed");
    CHECK(n.stats().suppressed == 1);
}

namespace {

// A TLS front for a receiver: socat on 127.0.0.1 with a self-signed
// certificate for 127.0.0.1 (openssl), passing what it decrypts on.
struct tls_front {
    explicit tls_front(unsigned short to) {
        char tmpl[] = "/tmp/driftless-notify-tlsXXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        const std::string make = "cd " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                                 "-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem >/dev/null 2>&1 && "
                                 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                                 "-addext subjectAltName=IP:127.0.0.1 -keyout other-key.pem -out other.pem >/dev/null 2>&1";
        REQUIRE_MESSAGE(std::system(make.c_str()) == 0, "openssl is needed (scripts/install-deps.sh)");
        port = free_port();
        const std::string listen = "OPENSSL-LISTEN:" + std::to_string(port) + ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" +
                                   dir + "/cert.pem,key=" + dir + "/key.pem";
        const std::string connect = "TCP:127.0.0.1:" + std::to_string(to);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::execlp("socat", "socat", listen.c_str(), connect.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        // Listening once a connection is taken.
        REQUIRE_MESSAGE(wait_until([&] { return accepts(port); }, 10s), "socat is needed (scripts/install-deps.sh)");
    }
    ~tls_front() {
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
        std::filesystem::remove_all(dir);
    }
    std::string dir;
    unsigned short port = 0;
    pid_t pid = -1;
};

// SSL_CERT_FILE for the scope: what OpenSSL's default verify paths read.
struct trusted_file {
    explicit trusted_file(const std::string& path) { ::setenv("SSL_CERT_FILE", path.c_str(), 1); }
    ~trusted_file() { ::unsetenv("SSL_CERT_FILE"); }
};

}  // namespace

TEST_CASE("notify: https: delivered over TLS to a host whose certificate the system trusts; refused, and retried, when it does not") {
    receiver r;
    tls_front front(r.port);
    const std::string url = "https://127.0.0.1:" + std::to_string(front.port) + "/hook";
    SUBCASE("trusted") {
        trusted_file trust(front.dir + "/cert.pem");
        live_notifier n(url, quick());
        n.publish(event_type::healed, "web", "Service/web was gone: made again");
        REQUIRE(wait_until([&] { return r.bodies().size() == 1; }, 10s));
        CHECK(type_of(r.bodies()[0]) == "healed");
        CHECK(n.stats().failed_attempts == 0);
    }
    SUBCASE("a certificate nobody vouches for: never sent") {
        trusted_file trust(front.dir + "/other.pem");
        live_notifier n(url, quick());
        n.publish(event_type::healed, "web", "Service/web was gone: made again");
        REQUIRE(wait_until([&] { return n.stats().failed_attempts >= 2; }, 10s));
        CHECK(r.bodies().empty());
        CHECK(n.stats().queued == 1);   // kept, for when the certificate is fixed
    }
}

TEST_CASE("notify: a failing or hanging receiver gets the events once it recovers, up to the queue's bound") {
    receiver r;
    auto o = quick();
    o.queue = 3;
    live_notifier n("http://127.0.0.1:" + std::to_string(r.port) + "/hook", o);
    SUBCASE("answers 500") { r.code = 500; }
    SUBCASE("hangs") { r.hang = true; }
    for (int i = 1; i <= 5; ++i) n.publish(event_type::failed, "web" + std::to_string(i), "m");
    REQUIRE(wait_until([&] { return r.requests >= 2; }, 10s));   // tried, failed, tried again
    CHECK(r.bodies().empty());
    r.code = 200;
    r.hang = false;
    REQUIRE(wait_until([&] { return r.bodies().size() >= 3; }, 10s));
    // The receiver holds the last body before its answer reaches the notifier, which only then
    // takes the event off its queue.
    REQUIRE(wait_until([&] { return n.stats().queued == 0; }, 10s));
    const auto b = r.bodies();
    // The oldest went first: what is delivered is in order, and says what was dropped.
    std::vector<std::string> names;
    for (const auto& body : b) names.push_back(nlohmann::json::parse(body).value("name", ""));
    CHECK(names.back() == "web5");
    CHECK(nlohmann::json::parse(b.front()).value("dropped_before", 0) >= 1);
    const auto s = n.stats();
    CHECK(s.dropped >= 1);
    CHECK(s.failed_attempts >= 1);
}
