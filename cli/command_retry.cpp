#include "cli/commands.hpp"

#include <utility>
#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"
#include "reconciler/rollout.hpp"

namespace driftless::cli {

namespace asio = boost::asio;
using desired_state::printable;

namespace {

// Swarm keeps a failed update's status on the service: updated to its own
// spec, the status goes, and the running instance sends the wanted spec again.
asio::awaitable<int> retry_swarm(drivers::driver& d, const std::vector<drivers::actual_object>& owned, const std::string& name) {
    for (const auto& o : owned) {
        if (o.kind != desired_state::kind::service || o.name != name) continue;
        if (!reconciler::rollout::swarm_rolled_back(o) && o.update_state != "paused") break;
        drivers::rollout_request r;
        r.step = drivers::rollout_step::clear_failed_update;
        r.live = o;
        if (auto st = co_await d.rollout(r); !st) {
            spdlog::error("{}: {}", printable(name), printable(st.err().message));
            co_return 1;
        }
        std::printf("cleared swarm's %s update of Service/%s: the running instance's next pass tries it again\n",
                    printable(o.update_state).c_str(), printable(name).c_str());
        co_return 0;
    }
    std::fprintf(stderr, "%s: no rolled-back or paused update to retry\n", printable(name).c_str());
    co_return 1;
}

asio::awaitable<int> retry_names(drivers::driver& d, const std::vector<std::string> names) {
    auto listed = co_await d.list();
    if (!listed) {
        spdlog::error("engine: {}; nothing was changed", printable(listed.err().message));
        co_return 1;
    }
    int code = 0;
    for (const auto& name : names) {
        if (d.name() == "swarm") {
            code = std::max(code, co_await retry_swarm(d, listed->objects, name));
            continue;
        }
        const auto gone = reconciler::rollout::retry_removals(listed->objects, name);
        if (gone.empty()) {
            std::fprintf(stderr, "%s: no rolled-back or paused update to retry\n", printable(name).c_str());
            code = 1;
            continue;
        }
        for (const auto& o : gone) {
            const std::string shown = printable(drivers::engine_name(o.name, o.role));
            if (auto st = co_await d.remove(o); !st) {
                spdlog::error("{}: removing {} failed: {}", printable(name), shown, printable(st.err().message));
                code = 1;
            } else {
                std::printf("removed %s: Service/%s is tried again by the running instance's next pass\n", shown.c_str(),
                            printable(name).c_str());
            }
        }
    }
    co_return code;
}

}  // namespace

// Acts on the engine directly, as `down` does: the running instance sees
// the container gone (an engine event) and plans the update again.
int retry(common_flags f, const std::vector<std::string>& names) {
    if (!load_key(f)) return 1;
    f.sources.clear();
    f.policy.clear();
    auto s = open_session(f, loop_options_of(f));
    if (!s) return 1;
    int code = 1;
    asio::co_spawn(s->io, retry_names(*s->driver, names), [&code](std::exception_ptr e, int c) {
        if (e) spdlog::error("retry failed unexpectedly");
        else code = c;
    });
    s->io.run();
    return code;
}

}  // namespace driftless::cli
