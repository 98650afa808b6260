// What a person sees while a pass works: the progress line and the pass's
// summary (progress.hpp), and `driftless status`'s table (status_surface/status_table.hpp).
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "reconciler/progress.hpp"
#include "status_surface/status_client.hpp"
#include "status_surface/status_table.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::status_surface;
using namespace std::chrono_literals;

namespace {

action make(action_type t, const std::string& name) {
    action a;
    a.type = t;
    a.key = {desired_state::kind::service, name};
    return a;
}

action_result result_of(outcome o, std::chrono::milliseconds took = 0ms) {
    action_result r;
    r.result = o;
    r.took = took;
    return r;
}

}  // namespace

TEST_CASE("progress: the summary counts what was carried out, names the slowest, and says converged only when all went through") {
    plan p;
    p.actions = {make(action_type::create, "web"), make(action_type::create, "db"), make(action_type::update, "cache"),
                 make(action_type::remove, "old")};
    execution_report r;
    r.results = {result_of(outcome::succeeded, 1200ms), result_of(outcome::succeeded, 2400ms), result_of(outcome::succeeded, 300ms),
                 result_of(outcome::succeeded, 100ms)};
    CHECK(pass_summary(p, r, 2.46) == "converged: 2 created, 1 updated, 1 removed in 2.5 s (slowest: create Service/db, 2.4 s)");

    r.results[2] = result_of(outcome::failed, 50ms);
    CHECK(pass_summary(p, r, 2.46) == "pass done: 2 created, 1 removed, 1 failed in 2.5 s (slowest: create Service/db, 2.4 s)");

    plan one;
    one.actions = {make(action_type::start, "web")};
    execution_report started;
    started.results = {result_of(outcome::succeeded, 80ms)};
    CHECK(pass_summary(one, started, 0.09) == "converged: 1 started in 0.1 s");
}

TEST_CASE("progress: a pass that carried nothing out has no summary") {
    plan p;
    p.actions = {make(action_type::conflict, "web"), make(action_type::wait, "api")};
    execution_report r;
    r.results = {result_of(outcome::reported), result_of(outcome::skipped)};
    CHECK(pass_summary(p, r, 0.01).empty());
    CHECK(pass_summary(plan{}, execution_report{}, 0.01).empty());
}

TEST_CASE("progress: the line counts finished actions and names the one running longest") {
    boost::asio::io_context io;
    plan p;
    p.actions = {make(action_type::create, "web"), make(action_type::create, "db"), make(action_type::remove, "old")};
    terminal_progress progress(io.get_executor());
    progress.starting(p, 3);
    progress.started(0);
    progress.started(1);
    progress.finished(0, result_of(outcome::succeeded, 10ms));
    const auto line = progress.line(std::chrono::steady_clock::now() + 3s);
    CHECK(line.rfind("1/3: 1 created\xe2\x80\xa6 slowest: create Service/db 3.", 0) == 0);
    progress.started(2);
    progress.finished(2, result_of(outcome::failed, 10ms));
    progress.finished(1, result_of(outcome::succeeded, 10ms));
    CHECK(progress.line(std::chrono::steady_clock::now()) == "3/3: 2 created, 1 failed\xe2\x80\xa6");
    progress.done();
}

TEST_CASE("status table: a summary of the instance, then one line per object; --problems keeps the failing and the drifted") {
    const auto state = nlohmann::json::parse(R"({
      "ready": true, "engine_error": "", "last_pass_at": "2026-12-01T10:00:00.000Z",
      "counts": {"desired": 3, "managed": 3, "drifted": 1, "failing": 1},
      "guard": "",
      "source_errors": [{"text": "specs/web.yaml:3:7: ports[0]: port must be 1-65535"}],
      "objects": [
        {"kind": "Service", "name": "web", "observed": "running", "last_action": "create", "last_result": "succeeded",
         "error": "", "backoff_ms": 0, "drifted": false, "failing": false, "desired_hash": "a"},
        {"kind": "Service", "name": "db", "observed": "absent", "last_action": "create", "last_result": "failed",
         "error": "no such image: db:1", "backoff_ms": 4000, "drifted": false, "failing": true, "desired_hash": "b"},
        {"kind": "Network", "name": "front\u001b[31m", "observed": "present", "last_action": "", "last_result": "",
         "error": "", "backoff_ms": 0, "drifted": true, "failing": false, "desired_hash": "c"}
      ]})");
    const auto all = status_table(state);
    CHECK(all == "ready, engine answering, last pass 2026-12-01T10:00:00.000Z\n"
                 "3 desired, 3 managed, 1 drifted, 1 failing\n"
                 "source error: specs/web.yaml:3:7: ports[0]: port must be 1-65535\n"
                 "\n"
                 "KIND     NAME           OBSERVED  LAST ACTION       ERROR\n"
                 "Service  web            running   create succeeded\n"
                 "Service  db             absent    create failed     no such image: db:1 (retry in 4s)\n"
                 "Network  front\\x1b[31m  present   -                 drifted\n");
    status_table_options problems;
    problems.problems_only = true;
    const auto some = status_table(state, problems);
    CHECK(some.find("web ") == std::string::npos);
    CHECK(some.find("db ") != std::string::npos);
    CHECK(some.find("front") != std::string::npos);
}

TEST_CASE("status table: an instance not ready and an engine away say so") {
    const auto state = nlohmann::json::parse(R"({"ready": false, "engine_error": "connect: no such file", "counts": {}, "objects": []})");
    CHECK(status_table(state) == "not ready (no pass completed yet), engine: connect: no such file\n"
                                 "0 desired, 0 managed, 0 drifted, 0 failing\nno objects\n");
}

TEST_CASE("status client: a wildcard listen address is asked on loopback") {
    CHECK(address_to_ask({"0.0.0.0", 9180}).host == "127.0.0.1");
    CHECK(address_to_ask({"::", 9180}).host == "::1");
    CHECK(address_to_ask({"10.0.0.5", 9180}).host == "10.0.0.5");
    CHECK(address_to_ask({"127.0.0.1", 9180}).port == 9180);
}

TEST_CASE("status client: nothing listening is an error naming the address, not a hang") {
    // A port just released: nothing listens there.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = a.local_endpoint().port();
    a.close();
    auto answer = http_get({"127.0.0.1", port}, "/healthz", "", 2s);
    REQUIRE_FALSE(answer.ok());
    CHECK(answer.err().code == "unreachable");
    CHECK(answer.err().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}
