#include "reconciler/loop.hpp"
#include "reconciler/progress.hpp"

#include <utility>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <iterator>
#include <set>

#include <time.h>

#include <spdlog/spdlog.h>

#include "reconciler/adoption.hpp"
#include "reconciler/rollout.hpp"

namespace driftless::reconciler {

namespace {

event instance_event(event_type t, std::string message) {
    event e;
    e.type = t;
    e.message = std::move(message);
    return e;
}

}  // namespace

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using desired_state::resource_key;

namespace {

// CPU time of the calling thread: the loop's io_context thread, where the
// whole pass runs (listing, diffing, the executor, the engine client).
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

bool pass_result::all_succeeded() const {
    if (!engine_ok) return false;
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        if (report.results[i].result != outcome::succeeded) return false;
    }
    return true;
}

loop::loop(asio::any_io_executor ex, drivers::driver& driver, desired_state::store& store, loop_options options)
    : ex_(ex),
      driver_(driver),
      store_(store),
      options_(options),
      rng_(std::random_device{}()),
      backoff_([this] { return std::uniform_real_distribution<double>(0, 1)(rng_); }),
      engine_backoff_([this] { return std::uniform_real_distribution<double>(0, 1)(rng_); },
                      std::chrono::milliseconds(500), std::chrono::seconds(30)),
      wake_(ex),
      debounce_(ex),
      events_retry_(ex),
      hold_(ex),
      releases_(ex, options.releases),
      builds_(ex, driver, options.builds) {
    releases_.on_change = [this](const std::string& why) {
        spdlog::debug("{}", why);
        trigger("a followed image's release or its error changed", false);
    };
    events_.subscribe([this](const event& e) { status_.histograms->count(e.type); });
    builds_.on_done = [this](const std::string& why) {
        spdlog::debug("{}", why);
        trigger("an image build ended", false);
    };
    if (options_.watch_contexts) {
        // The watcher coalesces an editor's save burst itself.
        context_watch_ = std::make_unique<watchers::folder_changes>(
            ex, watchers::folder_changes_options{}, [this] { trigger("a build context changed", false); });
        builds_.context_version = [this](const std::string& context) { return context_watch_->version(context); };
    }
}

void loop::trigger(const char* why, bool debounce) {
    if (!dirty_) spdlog::debug("pass requested: {}", why);
    if (!triggered_at_) triggered_at_ = clock::now();
    dirty_ = true;
    urgent_ = urgent_ || !debounce;
    wake_.cancel();
    // An urgent trigger does not wait out a debounce already under way.
    if (!debounce) debounce_.cancel();
}

void loop::stop() {
    stopping_ = true;
    wake_.cancel();
    debounce_.cancel();
    events_retry_.cancel();
    hold_.cancel();
    driver_.cancel_events();
    builds_.stop();
    releases_.stop();
    if (context_watch_) context_watch_->stop();
}

asio::awaitable<pass_result> loop::pass(bool dry_run) {
    const auto started = clock::now();
    const double cpu_started = thread_cpu_seconds();
    const auto requests_before = driver_.requests_sent();
    // Followed images: pinned to the release their rule takes.
    auto current = store_.current();
    auto followed = co_await releases_.prepare(current);
    // Built services: their contexts read, their build hashes in their specs'.
    auto desired = builds_.prepare(followed);
    pass_result r;
    r.build_errors = builds_.errors();
    r.release_errors = releases_.errors();
    r.releases = releases_.releases();
    status_.releases = r.releases;

    // The list is the pass's first engine request.
    if (triggered_at_) {
        status_.histograms->observe_reaction(std::chrono::duration<double>(clock::now() - *triggered_at_).count());
        triggered_at_.reset();
    }
    auto listed = co_await driver_.list();
    std::vector<drivers::actual_object> unowned;
    if (listed.ok()) {
        auto check = names_to_check(*desired, listed->objects);
        auto projects = adoption::projects_to_check(*desired, check);
        if (!check.empty()) {
            auto found = co_await driver_.find_unowned(std::move(check));
            if (found.ok()) unowned = std::move(found).value();
            else listed = std::move(found).err();
        }
        // docker compose's containers of the projects declared: taken over
        // with --adopt, conflicts without (reconciler/adoption.hpp).
        if (listed.ok() && !projects.empty()) {
            auto found = co_await driver_.find_compose_containers(std::move(projects));
            if (found.ok()) std::move(found->begin(), found->end(), std::back_inserter(unowned));
            else listed = std::move(found).err();
        }
    }
    if (!listed.ok()) {
        r.error = listed.err().message;
        const auto delay = engine_backoff_.fail({}, clock::now(), r.error);
        engine_retry_at_ = clock::now() + delay;
        if (status_.engine_error != r.error)
            spdlog::error("engine: {}; retrying in {} ms, nothing is changed meanwhile", r.error, delay.count());
        if (status_.engine_error.empty()) events_.publish(instance_event(event_type::engine_lost, "engine: " + r.error));
        status_.engine_error = r.error;
        ++status_.metrics.passes_failed;
        ++status_.metrics.passes;
        co_return r;
    }
    if (!status_.engine_error.empty()) {
        spdlog::info("engine answers again");
        events_.publish(instance_event(event_type::engine_back, "the engine answers again"));
    }
    engine_backoff_.succeed({});
    status_.engine_error.clear();
    r.engine_ok = true;

    if (!registries_checked_ || clock::now() - *registries_checked_ >= options_.resync) {
        co_await check_registries(*desired, listed->objects);
        registries_checked_ = clock::now();
    }
    auto diff_opts = options_.diff;
    diff_opts.digests = &digests_;
    // Compared with the engine's Created times, which are wall-clock.
    diff_opts.now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // Health-gated updates: compared with the engine's StartedAt times, wall-clock too.
    diff_opts.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    diff_opts.rollouts = driver_.name() == "docker" || driver_.name() == "podman";
    // Swarm's rolled-back updates: kept while the service's status says so.
    std::erase_if(swarm_rolled_back_, [&](const auto& kv) {
        return std::none_of(listed->objects.begin(), listed->objects.end(), [&](const drivers::actual_object& o) {
            return o.kind == desired_state::kind::service && o.name == kv.first && rollout::swarm_rolled_back(o);
        });
    });
    diff_opts.swarm_rolled_back = &swarm_rolled_back_;
    r.plan = diff(*desired, listed->objects, unowned, diff_opts);
    // What needs an image not built yet waits for its build, apart from the pass.
    builds_.hold(r.plan, dry_run);
    releases_.annotate(r.plan);
    for (const auto& a : r.plan.actions)
        if (a.type == action_type::rolled_back && a.have && a.want && rollout::swarm_rolled_back(*a.have))
            swarm_rolled_back_.emplace(a.key.name, a.want->hash);
    if (!r.plan.guard_message.empty() && r.plan.guard_message != status_.guard_message)
        spdlog::warn("{}", r.plan.guard_message);
    if (!dry_run && !r.plan.actions.empty()) {
        // A rollout's waits and rolled-back reports stand pass after pass:
        // logged when the object's status changes (record), not every pass.
        for (const auto& a : r.plan.actions)
            if (a.observed.empty()) spdlog::info("{}", plan_line(a));
        if (std::any_of(r.plan.actions.begin(), r.plan.actions.end(), [](const action& a) { return a.observed.empty() && a.type != action_type::wait; })) {
            event e;
            e.type = event_type::pass_started;
            e.message = std::to_string(r.plan.actions.size()) + " action(s) planned";
            e.detail = {{"actions", r.plan.actions.size()}};
            events_.publish(std::move(e));
        }
        std::optional<terminal_progress> progress;
        if (passes_run_ < options_.progress_passes) progress.emplace(ex_);
        r.report = co_await execute(r.plan, driver_, backoff_, options_.parallel, progress ? &*progress : nullptr);
        // A recreated `pull: always` container was pulled afresh, perhaps
        // past what the registry said before: ask again before comparing.
        for (const auto& a : r.plan.actions)
            if (a.type == action_type::update && a.want)
                if (const auto* svc = a.want->spec.as_service(); svc && svc->pull == desired_state::pull_policy::always)
                    digests_.erase(svc->image);
        bool stepped = false;   // a rollout step was taken: the next one may follow at once
        for (std::size_t i = 0; i < r.plan.actions.size(); ++i) {
            const auto& a = r.plan.actions[i];
            const auto& res = r.report.results[i];
            if (res.result == outcome::failed) {
                spdlog::error("{} {}: {}", to_string(a.type), a.key.to_string(), res.message);
                // The built image may have gone: looked for again.
                if (a.want && a.type != action_type::wait)
                    if (const auto* svc = a.want->spec.as_service(); svc && svc->build) builds_.forget(svc->image);
            }
            else if (res.result == outcome::reported && a.type == action_type::conflict)
                spdlog::warn("conflict {}: {}; it is left untouched", a.key.to_string(), res.message);
            if (res.result == outcome::succeeded && a.in_rollout) stepped = true;
            if (res.result == outcome::succeeded && a.rollout && a.rollout->step == drivers::rollout_step::roll_back) {
                ++status_.metrics.rollbacks;
                spdlog::warn("{}: {}; the old container serves", a.key.to_string(), a.reason);
            }
        }
        // Not every step ends in an event the loop follows (a create and a
        // start do not): look again soon.
        if (stepped) trigger("a rollout step was taken");
    }
    const double seconds = std::chrono::duration<double>(clock::now() - started).count();
    std::string summary;
    if (!dry_run) {
        ++passes_run_;
        summary = pass_summary(r.plan, r.report, seconds);
        if (!summary.empty()) spdlog::info("{}", summary);
    }
    record(desired, std::move(listed->objects), r, seconds);
    // A pass that did work (a pass with nothing to do is no news; the
    // ring would fill with them).
    if (!dry_run && !summary.empty()) {
        event e;
        e.type = event_type::pass_finished;
        e.message = summary;
        e.detail = {{"actions", r.plan.actions.size()}, {"seconds", seconds}, {"failing", status_.failing},
                    {"desired", status_.desired}, {"managed", status_.managed}};
        events_.publish(std::move(e));
    }
    if (on_pass && !dry_run) on_pass(status_, summary);
    // Measured after record(): building the status is part of a pass's cost.
    auto& m = status_.metrics;
    m.last_pass_cpu_seconds = thread_cpu_seconds() - cpu_started;
    m.pass_cpu_seconds_sum += m.last_pass_cpu_seconds;
    m.last_pass_engine_requests = driver_.requests_sent() - requests_before;
    m.engine_requests_total = driver_.requests_sent();
    spdlog::debug("pass done: {} action(s), {:.1f} ms, {:.2f} ms CPU, {} engine request(s)", r.plan.actions.size(),
                  seconds * 1000, m.last_pass_cpu_seconds * 1000, m.last_pass_engine_requests);
    last_pass_ = clock::now();
    // A candidate under watch: look again when its verdict can change by
    // time alone (its monitor ends, its healthcheck's window closes).
    recheck_at_.reset();
    if (r.plan.recheck_at_ms && !dry_run) {
        const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(*r.plan.recheck_at_ms - diff_opts.now_ms, 0) + 50);
        recheck_at_ = clock::now() + std::min<std::chrono::milliseconds>(wait, options_.resync);
    }
    const bool acted = std::any_of(r.report.results.begin(), r.report.results.end(),
                                   [](const auto& res) { return res.result == outcome::succeeded; });
    if (acted && !dry_run) {
        const auto confirm = clock::now() + options_.confirm;
        recheck_at_ = recheck_at_ ? std::min(*recheck_at_, confirm) : confirm;
    }
    co_return r;
}

void loop::record(std::shared_ptr<const desired_state::snapshot> desired_ptr, std::vector<drivers::actual_object> actual,
                  const pass_result& r, double seconds) {
    const auto& desired = *desired_ptr;
    auto& m = status_.metrics;
    ++m.passes;
    m.last_pass_seconds = seconds;
    status_.histograms->observe_pass(seconds);
    m.pass_seconds_sum += seconds;
    for (std::size_t i = 0; i < r.report.results.size(); ++i)
        ++m.actions[{to_string(r.plan.actions[i].type), to_string(r.report.results[i].result)}];

    // The map is rebuilt every pass from nodes of the one before the last:
    // a no-op pass over 1,000 objects then allocates nothing for it.
    std::map<resource_key, object_status> objects;
    auto slot = [&](const resource_key& key, bool in_order) -> object_status& {
        if (!in_order)
            if (auto it = objects.find(key); it != objects.end()) return it->second;
        if (spare_objects_.empty()) return objects.try_emplace(key).first->second;
        auto node = spare_objects_.extract(spare_objects_.begin());
        node.key().kind = key.kind;
        node.key().name.assign(key.name);
        node.mapped().reset();
        const auto at = in_order ? objects.insert(objects.end(), std::move(node)) : objects.insert(std::move(node)).position;
        return at->second;
    };
    for (const auto& [key, entry] : desired.resources) {
        auto& o = slot(key, true);   // the snapshot's keys come sorted and unique
        o.desired_hash.assign(entry.hash);
        o.observed.assign("absent");
    }
    for (const auto& a : actual) {
        if (a.role != drivers::rollout_role::none) continue;   // a rollout's other containers: the live one speaks
        auto& o = slot(a.key(), false);
        o.actual_hash.assign(a.spec_hash);
        o.observed.assign(a.state.empty() ? std::string_view("present") : std::string_view(a.state));
    }
    for (std::size_t i = 0; i < r.plan.actions.size(); ++i) {
        const auto& a = r.plan.actions[i];
        auto& o = slot(a.key, false);
        o.drifted = true;
        o.last_action = to_string(a.type);
        if (i < r.report.results.size()) {
            const auto& res = r.report.results[i];
            o.last_result = to_string(res.result);
            if (res.result == outcome::failed || res.result == outcome::reported) o.error = res.message;
            if (res.result == outcome::skipped) o.error = res.message;
            o.failing = res.result == outcome::failed || a.type == action_type::conflict ||
                        (a.type == action_type::drifted && a.have && !a.have->task_error.empty()) ||
                        (res.result == outcome::skipped && !backoff_.due(a.key, clock::now()));
            if (res.result == outcome::succeeded) {
                o.drifted = false;
                // Made from the desired spec (an update under a rollout is
                // not, until the rollout passes).
                if (a.type == action_type::create || a.type == action_type::start || a.type == action_type::update ||
                    a.type == action_type::adopt)
                    o.made = a.observed.empty();
            }
        }
        if (a.type == action_type::conflict) o.observed = "conflict";
        if (!a.observed.empty()) {
            // A rollout under way is not a failure; a rolled-back or paused
            // one is, until a new spec or `driftless retry`.
            o.observed = a.observed;
            const bool rolling = a.observed == "rolling_out";
            o.error = rolling ? std::string() : a.reason;
            o.failing = !rolling;
        }
    }
    // docker compose's networks and volumes in use (--adopt): there, though not owned.
    for (const auto& a : r.plan.used) slot(a.key, false).observed = "present";
    // Objects that failed earlier and are still backing off keep their error.
    const auto now = clock::now();
    for (const auto& [key, st] : backoff_.all()) {
        auto it = objects.find(key);
        if (it == objects.end()) continue;
        if (st.not_before > now)
            it->second.backoff_ms = std::chrono::duration_cast<std::chrono::milliseconds>(st.not_before - now).count();
        if (it->second.error.empty()) it->second.error = st.last_error;
        it->second.failing = true;
    }
    backoff_.retain([&](const resource_key& k) { return objects.count(k) > 0; });

    // What each object's action came to, for its events.
    std::map<resource_key, acted_on> acted;
    for (std::size_t i = 0; i < r.plan.actions.size() && i < r.report.results.size(); ++i) {
        const auto res = r.report.results[i].result;
        if (res == outcome::succeeded || res == outcome::failed)
            acted[r.plan.actions[i].key] = acted_on{r.plan.actions[i].type, res == outcome::succeeded};
    }
    const auto publish = [&](const resource_key& key, const object_status* before, const object_status& after) {
        const auto a = acted.find(key);
        for (auto& e : object_events(key, before, after, a == acted.end() ? std::nullopt : std::optional<acted_on>(a->second)))
            events_.publish(std::move(e));
    };
    std::vector<resource_key> changed;
    const auto stamp = now_rfc3339();
    // Both maps are sorted by key: one walk finds what changed and what went.
    auto old = status_.objects.begin();
    for (auto& [key, o] : objects) {
        while (old != status_.objects.end() && old->first < key) changed.push_back((old++)->first);
        o.made = o.made || (!o.desired_hash.empty() && o.actual_hash == o.desired_hash);
        if (old != status_.objects.end() && old->first == key) {
            if (old->second.made && old->second.desired_hash == o.desired_hash) o.made = true;
            // The last action taken on it stands until another is.
            if (o.last_action.empty()) {
                o.last_action.assign(old->second.last_action);
                o.last_result.assign(old->second.last_result);
            }
            if (old->second == o && acted.count(key) == 0) o.since.assign(old->second.since);
            else {
                // Changed, or acted on: made again just as it was before it
                // went is a heal though its status reads the same.
                changed.push_back(key);
                o.since = stamp;
                log_rollout_change(key, old->second, o);
                publish(key, &old->second, o);
            }
            ++old;
        } else {
            changed.push_back(key);
            o.since = stamp;
            log_rollout_change(key, object_status{}, o);
            publish(key, nullptr, o);
        }
    }
    for (; old != status_.objects.end(); ++old) changed.push_back(old->first);
    spare_objects_ = std::move(status_.objects);
    status_.objects = std::move(objects);

    status_.ready = true;
    status_.synced = desired.synced;
    status_.desired_version = desired.version;
    status_.desired = desired.resources.size();
    status_.managed = actual.size();
    status_.drifted = static_cast<std::size_t>(std::count_if(status_.objects.begin(), status_.objects.end(), [](const auto& kv) { return kv.second.drifted; }));
    status_.rolling_out = status_.rolled_back = status_.paused = 0;
    for (const auto& [key, o] : status_.objects) {
        if (o.observed == "rolling_out") ++status_.rolling_out;
        else if (o.observed == "rolled_back") ++status_.rolled_back;
        else if (o.observed == "paused") ++status_.paused;
    }
    status_.failing = static_cast<std::size_t>(std::count_if(status_.objects.begin(), status_.objects.end(), [](const auto& kv) { return kv.second.failing; }));
    if (status_.source_errors != desired.errors) {
        m.source_errors_total += desired.errors.size();
        // One event per error that appeared and per one that went.
        for (const auto& e : desired.errors)
            if (std::find(status_.source_errors.begin(), status_.source_errors.end(), e) == status_.source_errors.end()) {
                auto ev = instance_event(event_type::source_error, e.to_string());
                ev.name = e.where.to_string();
                events_.publish(std::move(ev));
            }
        for (const auto& e : status_.source_errors)
            if (std::find(desired.errors.begin(), desired.errors.end(), e) == desired.errors.end()) {
                auto ev = instance_event(event_type::source_recovered, e.where.to_string() + ": no longer in error");
                ev.name = e.where.to_string();
                events_.publish(std::move(ev));
            }
    }
    if (!r.plan.guard_message.empty() && r.plan.guard_message != status_.guard_message)
        events_.publish(instance_event(event_type::held, r.plan.guard_message));
    status_.source_errors = desired.errors;
    status_.guard_message = r.plan.guard_message;
    status_.last_pass_at = stamp;
    status_.last_plan.clear();
    for (const auto& a : r.plan.actions) status_.last_plan.push_back(plan_line(a));
    for (const auto& a : r.plan.used) status_.last_plan.push_back(plan_line(a));
    if (r.plan.removals_held) status_.last_plan.push_back("  (" + r.plan.guard_message + ")");

    status_.desired_snapshot = std::move(desired_ptr);
    // The canonical specs are read by diff only; /api/v1/state does not show them.
    for (auto& a : actual) {
        a.spec_json.clear();
        a.spec_json.shrink_to_fit();
    }
    status_.actual = std::move(actual);

    if (!changed.empty()) events_.state_changed();
    if (on_status_change && !changed.empty()) on_status_change(status_, changed);
}

void loop::log_rollout_change(const resource_key& key, const object_status& before, const object_status& now) {
    if (now.observed == before.observed && now.error == before.error) return;
    if (now.observed == "rolled_back" || now.observed == "paused") spdlog::warn("{} {}: {}", key.to_string(), now.observed, now.error);
    else if (now.observed == "rolling_out" && before.observed != "rolling_out") spdlog::info("{} rolling out", key.to_string());
}

asio::awaitable<void> loop::check_registries(const desired_state::snapshot& desired,
                                             const std::vector<drivers::actual_object>& actual) {
    registry_digests now;
    std::map<std::string, std::string> errors;
    for (const auto& image : images_to_check(desired, actual)) {
        auto d = co_await driver_.registry_digest(image);
        if (d) {
            now.emplace(image, std::move(*d));
            continue;
        }
        // Not knowing is not drift: its containers stay as they are.
        const auto& message = d.err().message;
        if (auto it = registry_errors_.find(image); it == registry_errors_.end() || it->second != message) {
            if (d.err().code == "unsupported") spdlog::debug("{}", message);
            else spdlog::warn("{}; containers of {} are kept as they are", message, image);
        }
        errors.emplace(image, message);
    }
    digests_ = std::move(now);
    registry_errors_ = std::move(errors);
}

asio::awaitable<void> loop::follow_events() {
    while (!stopping_) {
        bool connected = false;
        auto st = co_await driver_.watch_events([this, &connected](drivers::event_kind kind) {
            connected = true;
            ++status_.metrics.engine_events;
            // An object gone is put back at once; other events wait out the
            // debounce, since more of them usually follow (die, then a
            // restart or a removal).
            if (kind == drivers::event_kind::gone) trigger("engine event: an object is gone", false);
            else trigger("engine event");
        });
        if (stopping_) break;
        if (!st.ok()) spdlog::debug("event stream ended: {}", st.err().message);
        // The engine may have changed while we were not listening.
        trigger("event stream reconnect");
        events_retry_.expires_after(connected ? std::chrono::milliseconds(200) : std::chrono::seconds(1));
        { boost::system::error_code ignored; co_await events_retry_.async_wait(asio::redirect_error(asio::use_awaitable, ignored)); }
    }
}

asio::awaitable<void> loop::run() {
    asio::co_spawn(ex_, follow_events(), asio::detached);
    releases_.start();
    while (!stopping_) {
        if (!dirty_) {
            auto deadline = last_pass_ + options_.resync;
            if (auto due = backoff_.next_due(clock::now())) deadline = std::min(deadline, *due);
            if (recheck_at_) deadline = std::min(deadline, *recheck_at_);
            if (!status_.engine_error.empty()) deadline = std::min(deadline, engine_retry_at_);
            wake_.expires_at(deadline);
            boost::system::error_code ec;
            co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (stopping_) break;
            if (!ec) dirty_ = true;   // a deadline came due
        }
        if (!dirty_) continue;
        if (!status_.engine_error.empty() && clock::now() < engine_retry_at_) {
            // The engine is down: wait for the retry time, however often we are poked.
            hold_.expires_at(engine_retry_at_);
            { boost::system::error_code ignored; co_await hold_.async_wait(asio::redirect_error(asio::use_awaitable, ignored)); }
            if (stopping_) break;
        }
        // Coalesce a burst of triggers into one pass.
        if (!urgent_) {
            debounce_.expires_after(options_.debounce);
            { boost::system::error_code ignored; co_await debounce_.async_wait(asio::redirect_error(asio::use_awaitable, ignored)); }
            if (stopping_) break;
        }
        dirty_ = false;
        urgent_ = false;
        co_await pass(false);
        // Contexts added or dropped by this pass's specs.
        if (context_watch_ && !stopping_) context_watch_->watch(builds_.contexts());
    }
}

}  // namespace driftless::reconciler
