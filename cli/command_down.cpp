#include "cli/commands.hpp"

#include <unistd.h>

#include <utility>
#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"
#include "reconciler/teardown.hpp"
#include "reconciler/teardown_executor.hpp"

namespace driftless::cli {

namespace asio = boost::asio;
using desired_state::printable;

namespace {

std::string objects(std::size_t n) { return std::to_string(n) + (n == 1 ? " object" : " objects"); }

asio::awaitable<void> list_into(drivers::driver& d, std::optional<result<drivers::actual_state>>& out) {
    out = co_await d.list();
}

// Asks on the terminal; true on "y" or "yes".
bool confirmed(const std::string& question) {
    std::fprintf(stderr, "%s [y/N] ", question.c_str());
    std::fflush(stderr);
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    std::transform(answer.begin(), answer.end(), answer.begin(), [](unsigned char c) { return std::tolower(c); });
    return answer == "y" || answer == "yes";
}

}  // namespace

// What the sources declare (or, with --all, everything owned) is listed,
// confirmed, then removed dependents first (reconciler/teardown.hpp).
int down(common_flags f, const down_flags& d) {
    if (!d.all && f.sources.empty()) {
        std::fprintf(stderr, "driftless down: name the sources whose objects to remove (-s SRC), "
                             "or pass --all to remove everything the owner manages\n");
        return 1;
    }
    if (!load_key(f)) return 1;
    f.policy.clear();               // removing asks no policy's permission
    if (d.all) f.sources.clear();   // --all reads no source: what is owned is what goes
    auto s = open_session(f, loop_options_of(f));
    if (!s) return 1;

    auto snap = std::make_shared<const desired_state::snapshot>();
    if (!f.sources.empty()) {
        s->srcs.scan_once();
        const auto sync_limit = parse_duration_flag(f.kafka_sync_timeout).value_or(std::chrono::seconds(60));
        const bool synced = wait_for_kafka(*s, sync_limit);
        s->srcs.stop();
        snap = s->store.current();
        for (const auto& e : snap->errors) std::fprintf(stderr, "%s\n", printable(e.to_string()).c_str());
        if (!synced) {
            spdlog::error("the Kafka sources were not read through within {} ms; nothing was removed", sync_limit.count());
            return 1;
        }
    }
    const bool source_errors = !snap->errors.empty();

    std::optional<result<drivers::actual_state>> listed;
    asio::co_spawn(s->io, list_into(*s->driver, listed), [](std::exception_ptr e) {
        if (e) spdlog::error("listing the engine's objects failed unexpectedly");
    });
    s->io.run();
    s->io.restart();
    if (!listed) return 1;
    if (!listed->ok()) {
        spdlog::error("engine: {}; nothing was removed", printable(listed->err().message));
        return 1;
    }

    reconciler::teardown_options o;
    o.all = d.all;
    o.volumes = d.volumes;
    o.owner = f.owner;
    const auto tp = reconciler::plan_teardown(*snap, (*listed)->objects, o);
    for (const auto& r : tp.removals) std::printf("%s\n", printable(reconciler::removal_line(r)).c_str());
    for (const auto& k : tp.kept) std::printf("%s\n", printable(reconciler::kept_line(k)).c_str());
    for (const auto& n : tp.notes) spdlog::warn("{}", printable(n));
    const std::string of_owner = " of owner \"" + printable(f.owner) + "\"";
    if (tp.removals.empty()) {
        std::printf("nothing to remove\n");
        return source_errors ? 1 : 0;
    }
    std::fflush(stdout);
    const std::string what = objects(tp.removals.size()) + of_owner;
    if (!d.yes) {
        if (!::isatty(STDIN_FILENO)) {
            std::fprintf(stderr, "driftless down: not removing %s: stdin is not a terminal to confirm on; pass --yes to remove them\n",
                         what.c_str());
            return 1;
        }
        if (!confirmed("remove " + what + "?")) {
            std::fprintf(stderr, "nothing was removed\n");
            return 1;
        }
    }

    auto report_one = [&tp](std::size_t i, const reconciler::action_result& r) {
        const std::string key = printable(tp.removals[i].have.key().to_string());
        if (r.result == reconciler::outcome::succeeded) std::printf("removed %s\n", key.c_str());
        else if (r.result == reconciler::outcome::skipped) spdlog::warn("{} not removed: {}", key, printable(r.message));
        else spdlog::error("{} not removed: {}", key, printable(r.message));
        std::fflush(stdout);
    };
    reconciler::execution_report report;
    asio::co_spawn(s->io, reconciler::execute_teardown(tp, *s->driver, f.parallel, report_one),
                   [&report](std::exception_ptr e, reconciler::execution_report r) {
                       if (e) spdlog::error("removing failed unexpectedly");
                       else report = std::move(r);
                   });
    s->io.run();
    const auto removed = report.count(reconciler::outcome::succeeded);
    if (removed == tp.removals.size()) {
        std::printf("removed %s\n", what.c_str());
        return source_errors ? 1 : 0;
    }
    std::string why;
    if (const auto n = report.count(reconciler::outcome::failed)) why += "; " + std::to_string(n) + " failed";
    if (const auto n = report.count(reconciler::outcome::skipped)) why += "; " + objects(n) + " kept for what uses them";
    std::printf("removed %zu of %s%s\n", removed, what.c_str(), why.c_str());
    return 1;
}

}  // namespace driftless::cli
