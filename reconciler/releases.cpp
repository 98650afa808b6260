#include "reconciler/releases.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "desired_state/printable.hpp"
#include "desired_state/semver.hpp"
#include "drivers/registry_location.hpp"
#include "reconciler/backoff.hpp"
#include "reconciler/depends.hpp"
#include "reconciler/status.hpp"

namespace driftless::reconciler {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

struct release_follower::followed {
    std::string image;
    desired_state::follow_rule rule;   // interval: the shortest of its services'
    std::vector<std::string> services;
    desired_state::source_location origin;   // the first service's, for held services' errors
    bool checked = false;                // a check has ended (answered or not)
    bool checking = false;
    std::string tag, digest;
    wall::time_point created{};
    std::vector<std::string> passed_over;
    std::string checked_at;
    std::string error;
    int failures = 0;
    steady::time_point next_at{};
};

namespace {

// "3d", "5h", "12m", "40s": an age as a person reads it, rounded down.
std::string approx_age(wall::duration d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    if (s >= 2 * 86400) return std::to_string(s / 86400) + "d";
    if (s >= 2 * 3600) return std::to_string(s / 3600) + "h";
    if (s >= 120) return std::to_string(s / 60) + "m";
    return std::to_string(std::max<std::int64_t>(s, 0)) + "s";
}

std::string rule_text(const desired_state::follow_rule& r) {
    std::string out = r.semver;
    if (r.min_age_ns > 0)
        out += ", min_age " + depends::format_duration(std::chrono::seconds(r.min_age_ns / 1'000'000'000));
    return out;
}

std::string short_digest(const std::string& d) {
    return d.substr(0, std::min<std::size_t>(d.size(), 19));   // "sha256:" and 12 hex digits
}

struct tagged_version {
    desired_state::version v;
    std::string tag;
};

// Highest first; of two tags for one version ("1.4.1", "v1.4.1"), the shorter.
bool higher(const tagged_version& a, const tagged_version& b) {
    const int c = desired_state::compare(a.v, b.v);
    if (c != 0) return c > 0;
    return a.tag.size() != b.tag.size() ? a.tag.size() < b.tag.size() : a.tag < b.tag;
}

std::string key_of(const std::string& image, const desired_state::follow_rule& r) {
    return image + '\n' + r.semver + '\n' + std::to_string(r.min_age_ns);
}

}  // namespace

std::string release_line(const release_status& r) {
    std::string line = r.image + " " + rule_text(r.rule) + ": ";
    line += r.tag.empty() ? std::string("no release taken") : r.tag + " (" + short_digest(r.digest) + ")";
    if (!r.passed_over.empty()) {
        line += "; not taken:";
        for (std::size_t i = 0; i < r.passed_over.size(); ++i) line += (i ? ", " : " ") + r.passed_over[i];
    }
    if (!r.error.empty()) line += "; " + r.error;
    return line;
}

release_follower::release_follower(asio::any_io_executor ex, release_options options)
    : ex_(ex), options_(std::move(options)), timer_(ex) {
    options_.max_candidates = std::max<std::size_t>(options_.max_candidates, 1);
}

release_follower::~release_follower() {
    *alive_ = false;
}

drivers::registry_client& release_follower::client_for(const std::string& host) {
    auto& c = clients_[host];
    if (!c) c = std::make_unique<drivers::registry_client>(ex_, host, options_.registry);
    return *c;
}

asio::awaitable<std::shared_ptr<const desired_state::snapshot>> release_follower::prepare(
    std::shared_ptr<const desired_state::snapshot> desired) {
    // The rules in use now; a rule no service follows any more is dropped.
    std::map<std::string, std::shared_ptr<followed>> now;
    by_service_.clear();
    for (const auto& kv : desired->resources) {
        const auto* svc = kv.second.spec.as_service();
        if (svc == nullptr || !svc->follow) continue;
        const auto key = key_of(svc->image, *svc->follow);
        auto& f = now[key];
        if (!f) {
            const auto old = followed_.find(key);
            f = old != followed_.end() ? old->second : std::make_shared<followed>();
            if (old == followed_.end()) {
                f->image = svc->image;
                f->rule = *svc->follow;
            }
            f->services.clear();
            f->origin = kv.second.spec.origin;
            f->rule.interval_ns = svc->follow->interval_ns;
        }
        f->rule.interval_ns = std::min(f->rule.interval_ns, svc->follow->interval_ns);
        f->services.push_back(kv.first.name);
        by_service_.emplace(kv.first, key);
    }
    followed_ = std::move(now);
    if (followed_.empty()) {
        errors_.clear();
        prepared_.reset();
        prepared_from_.reset();
        co_return desired;
    }

    // A rule met for the first time is checked before the pass goes on:
    // `plan` and the first pass take what the registry holds.
    std::vector<std::shared_ptr<followed>> first;
    for (const auto& kv : followed_)
        if (!kv.second->checked && !kv.second->checking) first.push_back(kv.second);
    for (std::size_t i = 0; i < first.size(); ++i) co_await check(first[i], alive_, false);
    if (started_) timer_.cancel();   // the watch looks again at what is due

    // The same snapshot and the same picks: the same result, not copied again.
    std::string picks;
    for (const auto& kv : followed_) picks += kv.second->digest + ' ' + kv.second->error + '\n';
    if (prepared_ && desired == prepared_from_ && picks == prepared_picks_) co_return prepared_;
    prepared_from_ = desired;
    prepared_picks_ = std::move(picks);
    prepared_.reset();
    errors_.clear();
    auto copy = std::make_shared<desired_state::snapshot>(*desired);
    for (const auto& kv : by_service_) {
        const auto it = copy->resources.find(kv.first);
        if (it == copy->resources.end()) continue;
        const auto& f = *followed_.at(kv.second);
        auto& entry = it->second;
        if (f.digest.empty()) {
            // Nothing known to run: nothing is changed for it.
            const std::string why = f.error.empty() ? "no release taken yet" : f.error;
            errors_.push_back({entry.spec.origin, "follow", why + "; " + entry.spec.name + " is left as it is"});
            copy->errors.push_back(errors_.back());
            copy->held.insert(kv.first);
            copy->resources.erase(it);
            continue;
        }
        auto& svc = std::get<desired_state::service>(entry.spec.body);
        svc.image = f.image + "@" + f.digest;
        // A new release is a changed spec; the tag is not (one image may carry several).
        entry.hash = desired_state::hmac_sha256_hex(entry.hash, "follow " + f.digest);
    }
    prepared_ = copy;
    co_return copy;
}

asio::awaitable<void> release_follower::check(std::shared_ptr<followed> f, std::shared_ptr<bool> alive, bool notify) {
    f->checking = true;
    const std::string before = f->digest;
    const std::string error_before = f->error;
    std::string error;
    std::vector<std::string> passed_over;
    std::string tag, digest;
    wall::time_point created{};
    std::chrono::milliseconds retry_after{0};

    const auto located = drivers::locate_repository(f->image);
    const auto range = desired_state::version_range::parse(f->rule.semver);
    if (!located) {
        error = located.err().message;
    } else if (!range) {
        error = range.err().message;   // refused when the spec was read; kept for safety
    } else {
        auto& client = client_for(located->host);
        const std::string path = located->path;
        auto tags = co_await client.tags(path);
        if (!*alive) co_return;
        if (!tags) {
            error = tags.err().message;
            retry_after = tags.err().retry_after;
        } else {
            std::vector<tagged_version> in_range, newer_outside;
            for (const auto& t : *tags) {
                auto v = desired_state::parse_version(t);
                if (!v) continue;
                (range->contains(*v) ? in_range : newer_outside).push_back({std::move(*v), t});
            }
            std::sort(in_range.begin(), in_range.end(), higher);
            std::sort(newer_outside.begin(), newer_outside.end(), higher);
            const auto now = wall::now();
            const auto min_age = std::chrono::nanoseconds(f->rule.min_age_ns);
            // Newer tags not taken, with why.
            std::vector<std::pair<tagged_version, std::string>> notes;
            std::size_t asked = 0;
            for (std::size_t i = 0; i < in_range.size() && asked < options_.max_candidates && error.empty(); ++i) {
                const auto& c = in_range[i];
                ++asked;
                auto d = co_await client.manifest_digest(path, c.tag);
                if (!*alive) co_return;
                if (!d) {
                    if (d.err().code == "not_found") {   // deleted since the list
                        notes.push_back({c, "gone from the registry"});
                        continue;
                    }
                    error = d.err().message;
                    retry_after = d.err().retry_after;
                    break;
                }
                auto known = created_.find(*d);
                if (known == created_.end()) {
                    const std::string by_digest = *d;
                    auto at = co_await client.created(path, by_digest);
                    if (!*alive) co_return;
                    if (!at) {
                        if (at.err().code == "not_found") {   // no image for this platform
                            notes.push_back({c, at.err().message});
                            continue;
                        }
                        error = at.err().message;
                        retry_after = at.err().retry_after;
                        break;
                    }
                    known = created_.emplace(*d, *at).first;
                }
                if (now - known->second < min_age) {
                    notes.push_back({c, "created " + approx_age(now - known->second) + " ago; min_age " +
                                            depends::format_duration(std::chrono::seconds(f->rule.min_age_ns / 1'000'000'000))});
                    continue;
                }
                tag = c.tag;
                digest = *d;
                created = known->second;
                break;
            }
            if (error.empty() && tag.empty()) {
                if (in_range.empty())
                    error = "no tag of " + f->image + " is in " + f->rule.semver + " (" + std::to_string(tags->size()) +
                            " tag(s))";
                else
                    error = "no tag of " + f->image + " in " + f->rule.semver + " is old enough to take (" +
                            std::to_string(std::min(asked, in_range.size())) + " looked at)";
            }
            const auto chosen = desired_state::parse_version(tag);
            std::size_t outside = 0;
            for (const auto& o : newer_outside) {
                if (chosen && desired_state::compare(o.v, *chosen) <= 0) break;
                if (++outside <= 5) notes.push_back({o, "not in " + f->rule.semver});
            }
            std::sort(notes.begin(), notes.end(), [](const auto& a, const auto& b) { return higher(a.first, b.first); });
            for (const auto& n : notes) passed_over.push_back(n.first.tag + " (" + n.second + ")");
            if (outside > 5) passed_over.push_back("and " + std::to_string(outside - 5) + " more not in " + f->rule.semver);
        }
    }
    f->checking = false;
    f->checked = true;
    const auto now = steady::now();
    const auto interval = std::chrono::duration_cast<steady::duration>(std::chrono::nanoseconds(f->rule.interval_ns));
    if (error.empty()) {
        if (!before.empty() && before != digest)
            spdlog::info("release {} of {} is taken ({}; was {})", tag, f->image, short_digest(digest),
                         f->tag.empty() ? short_digest(before) : f->tag);
        else if (before.empty())
            spdlog::info("release {} of {} ({})", tag, f->image, short_digest(digest));
        f->tag = tag;
        f->digest = digest;
        f->created = created;
        f->passed_over = std::move(passed_over);
        f->checked_at = now_rfc3339();
        f->error.clear();
        f->failures = 0;
        f->next_at = now + interval;
    } else {
        // The last pick stands; asked again with backoff, never sooner
        // than the registry asks.
        if (error != f->error)
            spdlog::warn("follow {}: {}; {}", f->image, desired_state::printable(error),
                         f->digest.empty() ? "nothing is changed for its services" : "it stays at " + f->tag);
        f->error = error;
        if (!passed_over.empty() || f->digest.empty()) f->passed_over = std::move(passed_over);
        ++f->failures;
        const auto cap = std::chrono::duration_cast<std::chrono::milliseconds>(interval);
        f->next_at = now + std::max(doubling_delay(options_.first_retry, cap, f->failures), retry_after);
    }
    // A new pick is a changed spec; a new error, news for the status.
    if (notify && (f->digest != before || f->error != error_before) && on_change && !stopped_)
        on_change(f->digest != before ? "release " + f->tag + " of " + f->image : "follow " + f->image + ": " + f->error);
}

void release_follower::annotate(plan& p) const {
    for (auto& a : p.actions) {
        if (a.type != action_type::create && a.type != action_type::update && a.type != action_type::adopt) continue;
        const auto s = by_service_.find(a.key);
        if (s == by_service_.end()) continue;
        const auto f = followed_.find(s->second);
        if (f == followed_.end() || f->second->digest.empty()) continue;
        a.reason += a.reason.empty() ? "" : "; ";
        a.reason += "release " + f->second->tag + " (" + short_digest(f->second->digest) + ")";
        if (!f->second->passed_over.empty()) {
            a.reason += ", not taken:";
            for (std::size_t i = 0; i < f->second->passed_over.size(); ++i)
                a.reason += (i ? ", " : " ") + f->second->passed_over[i];
        }
    }
}

void release_follower::start() {
    if (started_ || stopped_) return;
    started_ = true;
    asio::co_spawn(ex_, watch(alive_), asio::detached);
}

void release_follower::stop() {
    stopped_ = true;
    timer_.cancel();
}

asio::awaitable<void> release_follower::watch(std::shared_ptr<bool> alive) {
    while (*alive && !stopped_) {
        auto due = steady::now() + std::chrono::hours(1);
        for (const auto& kv : followed_)
            if (kv.second->checked && !kv.second->checking) due = std::min(due, kv.second->next_at);
        timer_.expires_at(due);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!*alive || stopped_) co_return;
        std::vector<std::shared_ptr<followed>> ready;
        const auto now = steady::now();
        for (const auto& kv : followed_)
            if (kv.second->checked && !kv.second->checking && kv.second->next_at <= now) ready.push_back(kv.second);
        for (std::size_t i = 0; i < ready.size(); ++i) {
            co_await check(ready[i], alive, true);
            if (!*alive) co_return;
        }
    }
}

std::vector<release_status> release_follower::releases() const {
    std::vector<release_status> out;
    for (const auto& kv : followed_) {
        const auto& f = *kv.second;
        release_status r;
        r.image = f.image;
        r.rule = f.rule;
        r.services = f.services;
        r.tag = f.tag;
        r.digest = f.digest;
        if (!f.digest.empty()) r.created = to_rfc3339(f.created);
        r.passed_over = f.passed_over;
        r.checked_at = f.checked_at;
        r.error = f.error;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace driftless::reconciler
