#include "reconciler/builds.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "desired_state/printable.hpp"
#include "reconciler/backoff.hpp"

namespace driftless::reconciler {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

struct image_builds::job {
    enum class phase { queued, looking, building, built, failed };
    drivers::build_request request;
    phase state = phase::queued;
    std::optional<drivers::built_image> image;
    std::string error;
    int failures = 0;
    clock_type::time_point retry_at{};
};

namespace {

std::string phase_name(int p) {
    static const char* names[] = {"queued", "building", "building", "built", "failed"};
    return names[p];
}

void make_wait(action& a, std::string reason, std::string failure = {}) {
    a.type = action_type::wait;
    a.after.clear();
    a.rollout.reset();
    a.in_rollout = false;
    a.reason = std::move(reason);
    a.failure = std::move(failure);
}

}  // namespace

std::string build_hash(const desired_state::build_spec& spec, const std::string& context_digest) {
    return desired_state::hmac_sha256_hex(context_digest, desired_state::build_json(spec).dump());
}

image_builds::image_builds(asio::any_io_executor ex, drivers::image_builder& builder, build_options options)
    : ex_(std::move(ex)), builder_(builder), options_(options) {
    options_.parallel = std::max<std::size_t>(options_.parallel, 1);
}

image_builds::~image_builds() {
    *alive_ = false;
}

std::set<std::string> image_builds::contexts() const {
    // Unreadable ones too: their fix is seen as soon as it is made.
    std::set<std::string> out;
    for (const auto& [key, read] : reads_) out.insert(key.first);
    return out;
}

result<desired_state::context_listing> image_builds::read_context(const desired_state::build_spec& b,
                                                                  clock_type::time_point now) {
    const auto version = context_version ? context_version(b.context) : std::nullopt;
    auto& last = reads_[{b.context, b.dockerfile}];
    if (version && last.version == version && now - last.at < options_.reread) return last.listing;
    // Asked before reading: whatever happens during the read changes it again.
    last.version.reset();
    auto listing = digester_.read(b.context, b.dockerfile);
    if (listing) last = {version, now, *listing};
    return listing;
}

bool image_builds::contexts_unchanged(clock_type::time_point now) const {
    if (!context_version) return false;
    return std::all_of(reads_.begin(), reads_.end(), [&](const auto& kv) {
        const auto& last = kv.second;
        return last.version && last.version == context_version(kv.first.first) && now - last.at < options_.reread;
    });
}

std::shared_ptr<const desired_state::snapshot> image_builds::prepare(
    std::shared_ptr<const desired_state::snapshot> desired) {
    // The same snapshot over the same contexts: the same answer, and no copy.
    const auto now = clock_type::now();
    if (prepared_ && desired == prepared_from_ && contexts_unchanged(now)) return prepared_;
    prepared_from_ = desired;
    prepared_.reset();
    const bool any = std::any_of(desired->resources.begin(), desired->resources.end(), [](const auto& kv) {
        const auto* s = kv.second.spec.as_service();
        return s != nullptr && s->build.has_value();
    });
    requests_.clear();
    errors_.clear();
    if (!any) {
        reads_.clear();
        return desired;
    }
    auto copy = std::make_shared<desired_state::snapshot>(*desired);
    std::set<std::pair<std::string, std::string>> used;   // (context, Dockerfile)
    for (auto it = copy->resources.begin(); it != copy->resources.end();) {
        auto& entry = it->second;
        const auto* svc = entry.spec.as_service();
        if (svc == nullptr || !svc->build) {
            ++it;
            continue;
        }
        const auto& b = *svc->build;
        used.emplace(b.context, b.dockerfile);
        auto listing = read_context(b, now);
        std::string problem;
        if (!listing)
            problem = listing.err().message;
        else if (std::none_of(listing->entries.begin(), listing->entries.end(),
                              [&](const desired_state::context_entry& e) {
                                  return e.path == b.dockerfile && e.kind == desired_state::context_entry::type::file;
                              }))
            problem = "no Dockerfile at " + b.context + "/" + b.dockerfile;
        if (!problem.empty()) {
            // Nothing is changed for it while its context cannot be read.
            errors_.push_back({entry.spec.origin, "build", "cannot read the build context: " + problem});
            copy->errors.push_back(errors_.back());
            copy->held.insert(it->first);
            it = copy->resources.erase(it);
            continue;
        }
        drivers::build_request r;
        r.service = entry.spec.name;
        r.tag = svc->image;
        r.spec = b;
        r.build_hash = build_hash(b, listing->digest);
        r.listing = std::move(*listing);
        // A changed context is a changed spec.
        entry.hash = desired_state::hmac_sha256_hex(entry.hash, r.build_hash);
        requests_.emplace(it->first, std::move(r));
        ++it;
    }
    std::erase_if(reads_, [&](const auto& kv) { return !used.contains(kv.first); });
    prepared_ = copy;
    return copy;
}

void image_builds::hold(plan& p, bool dry_run) {
    const auto now = clock_type::now();
    for (auto& a : p.actions) {
        if (a.type != action_type::create && a.type != action_type::update && a.type != action_type::adopt) continue;
        if (!a.want) continue;
        const auto r = requests_.find(a.key);
        if (r == requests_.end()) continue;
        const auto& req = r->second;
        auto& j = jobs_[req.tag];
        if (!j || j->request.build_hash != req.build_hash) {
            if (dry_run) {
                a.reason += a.reason.empty() ? "" : "; ";
                a.reason += "image " + req.tag + " is built first";
                continue;
            }
            j = std::make_shared<job>();
            j->request = req;
        }
        switch (j->state) {
            case job::phase::built:
                // Swarm with a registry: the digest pushed there.
                if (j->image && !j->image->reference.empty() && j->image->reference != req.tag)
                    if (auto* svc = std::get_if<desired_state::service>(&a.want->spec.body))
                        svc->image = j->image->reference;
                break;
            case job::phase::failed:
                if (!dry_run && now >= j->retry_at) {
                    j->state = job::phase::queued;
                    make_wait(a, "building image " + req.tag + " again");
                } else {
                    make_wait(a, "the build of image " + req.tag + " failed", j->error);
                }
                break;
            case job::phase::queued:
                make_wait(a, "image " + req.tag + " is queued to be built");
                break;
            case job::phase::looking:
            case job::phase::building:
                make_wait(a, "building image " + req.tag);
                break;
        }
    }
    if (!dry_run) start_queued();
}

void image_builds::forget(const std::string& tag) {
    if (const auto it = jobs_.find(tag); it != jobs_.end() && it->second->state == job::phase::built) jobs_.erase(it);
}

void image_builds::stop() {
    stopped_ = true;
    builder_.cancel_builds();
}

std::vector<image_builds::image_status> image_builds::images() const {
    std::vector<image_status> out;
    for (const auto& [tag, j] : jobs_)
        out.push_back(
            {tag, j->request.build_hash, phase_name(static_cast<int>(j->state)), j->error, j->request.spec.context});
    return out;
}

void image_builds::start_queued() {
    for (auto& [tag, j] : jobs_) {
        if (stopped_ || running_ >= options_.parallel) return;
        if (j->state != job::phase::queued) continue;
        run(j);
    }
}

void image_builds::run(std::shared_ptr<job> j) {
    j->state = job::phase::looking;
    ++running_;
    // A member coroutine: its arguments live in its frame (a lambda's
    // captures would die with the lambda).
    asio::co_spawn(ex_, run_job(std::move(j), alive_), asio::detached);
}

asio::awaitable<void> image_builds::run_job(std::shared_ptr<job> j, std::shared_ptr<bool> alive) {
    const auto& req = j->request;
    auto found = co_await builder_.find_built(req.tag, req.build_hash);
    if (!*alive) co_return;
    std::optional<drivers::built_image> image;
    std::string error;
    if (!found) {
        error = found.err().message;
    } else if (*found) {
        image = **found;
    } else {
        j->state = job::phase::building;
        ++builds_run_;
        spdlog::info("building image {} for {} from {}", req.tag, req.service, req.spec.context);
        const auto started = clock_type::now();
        const std::string tag = req.tag;
        // Named: GCC 12 frees a temporary std::function made inside co_await twice.
        drivers::build_output output = [tag](std::string_view line) {
            spdlog::debug("build {}: {}", tag, desired_state::printable(line));
        };
        auto built = co_await builder_.build(req, std::move(output));
        if (!*alive) co_return;
        if (built) {
            image = std::move(*built);
            spdlog::info("built image {} in {:.1f} s", req.tag,
                         std::chrono::duration<double>(clock_type::now() - started).count());
        } else {
            error = built.err().message;
        }
    }
    --running_;
    if (image) {
        j->state = job::phase::built;
        j->image = std::move(image);
        j->error.clear();
        j->failures = 0;
    } else {
        j->state = job::phase::failed;
        j->error = error;
        ++j->failures;
        j->retry_at = clock_type::now() + doubling_delay(options_.first_retry, options_.max_retry, j->failures);
        if (!stopped_) spdlog::error("image {}: {}", req.tag, desired_state::printable(error));
    }
    start_queued();
    if (on_done && !stopped_) on_done(image ? "image " + req.tag + " is built" : "the build of " + req.tag + " failed");
}

}  // namespace driftless::reconciler
