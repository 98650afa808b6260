#include "cli/commands.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <limits>

#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"

namespace driftless::cli {

namespace asio = boost::asio;

// One pass with or without execution; the exit code per DESIGN.md §6.
int one_pass(const common_flags& f, bool dry_run) {
    auto s = open_session(f, loop_options_of(f, std::numeric_limits<std::size_t>::max()));
    if (!s) return 1;
    if (!dry_run && !open_status_topic(*s, f)) return 1;
    s->srcs.scan_once();
    const auto sync_limit = parse_duration_flag(f.kafka_sync_timeout).value_or(std::chrono::seconds(60));
    if (!wait_for_kafka(*s, sync_limit)) {
        for (const auto& e : s->store.current()->errors) spdlog::error("{}", e.to_string());
        spdlog::error("the Kafka sources were not read through within {} ms; nothing was planned", sync_limit.count());
        s->srcs.stop();
        return 1;
    }
    auto snap = s->store.current();
    print_source_errors(*snap);
    int code = 1;
    auto passes = dry_run ? s->loop->pass(true) : apply_passes(*s->loop, loop_options_of(f).diff.dependency_timeout);
    asio::co_spawn(s->io, std::move(passes), [&](std::exception_ptr e, reconciler::pass_result r) {
        s->srcs.stop();   // Kafka sources would otherwise keep posting
        if (s->status) s->status->stop(std::chrono::seconds(5));
        if (e) {
            spdlog::error("pass failed unexpectedly");
            return;
        }
        if (!r.engine_ok) {
            spdlog::error("engine: {}", r.error);
            return;
        }
        for (const auto& e : r.build_errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        for (const auto& e : r.release_errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        const bool source_errors = !snap->errors.empty() || !r.build_errors.empty() || !r.release_errors.empty();
        if (dry_run) {
            // What each followed image takes, and why not the newer tags.
            for (const auto& rel : r.releases)
                std::printf("release %s\n", desired_state::printable(reconciler::release_line(rel)).c_str());
            // Names and fields may come from engine labels: escaped like a log line.
            for (const auto& a : r.plan.actions)
                std::printf("%s\n", desired_state::printable(reconciler::plan_line(a)).c_str());
            for (const auto& a : r.plan.used)
                std::printf("%s\n", desired_state::printable(reconciler::plan_line(a)).c_str());
            if (r.plan.removals_held) std::printf("  (%s)\n", r.plan.guard_message.c_str());
            const auto changes = r.plan.actions.size();
            if (changes == 0 && r.plan.removals_held == 0) std::printf("converged: nothing to do\n");
            else {
                const auto adopting = r.plan.count(reconciler::action_type::adopt);
                const std::string taking_over =
                    adopting == 0 ? std::string() : ", " + std::to_string(adopting) + " docker compose container(s) to take over";
                std::printf("%zu to create, %zu to update, %zu to remove, %zu conflicts%s\n", r.plan.count(reconciler::action_type::create),
                            r.plan.count(reconciler::action_type::update) + r.plan.count(reconciler::action_type::start) +
                                r.plan.count(reconciler::action_type::drifted),
                            r.plan.count(reconciler::action_type::remove), r.plan.count(reconciler::action_type::conflict),
                            taking_over.c_str());
            }
            code = source_errors ? 1 : r.plan.converged() ? 0 : 2;
            return;
        }
        const bool ok = r.all_succeeded() && r.plan.removals_held == 0 && !source_errors;
        if (r.plan.actions.empty() && r.plan.removals_held == 0) spdlog::info("converged: nothing to do");
        code = ok ? 0 : 1;
    });
    s->io.run();
    return code;
}

}  // namespace driftless::cli
