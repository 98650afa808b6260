// Images built for services with build: (README "Builds"), apart from
// the passes that need them.
//
// Each pass, prepare() reads every built service's context (what its
// .dockerignore keeps; unchanged files are known by their stat and not
// read again; a watched context that reported nothing is not read at all,
// see `context_version`) and folds the build hash (the build settings and the
// context's digest) into the service's desired hash: a changed source file
// is a changed spec, an unchanged or ignored one is not. A context that
// cannot be read holds its service (nothing is changed) with an error at
// the spec's place.
//
// After the plan, hold() lets through the creates and updates whose image
// is built, and turns the others into waits while their build runs (at
// most `parallel` at once, the rest queued): the rest of the plan goes on
// meanwhile. A build is looked for first (the tag carrying the build hash
// is used as it is, after a restart too). A failed build fails its
// services' actions with the failing step and the last lines of output,
// and is tried again with backoff, or at once for another build hash; the
// containers that run meanwhile are left as they are.
//
// Threading: everything on the loop's executor.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "desired_state/build_context.hpp"
#include "desired_state/store.hpp"
#include "drivers/driver.hpp"
#include "reconciler/plan.hpp"

namespace driftless::reconciler {

struct build_options {
    std::size_t parallel = 1;                          // --build-parallel
    std::chrono::milliseconds first_retry{10'000};     // after a failed build
    std::chrono::milliseconds max_retry{300'000};
    // A watched context is read again at least this often all the same:
    // inotify does not see everything (writes through a shared mapping,
    // network file systems).
    std::chrono::milliseconds reread{600'000};
};

// The build hash of `spec` over a context whose listing digests to `context_digest`.
[[nodiscard]] std::string build_hash(const desired_state::build_spec& spec, const std::string& context_digest);

class image_builds {
public:
    image_builds(boost::asio::any_io_executor ex, drivers::image_builder& builder, build_options options = {});
    ~image_builds();
    image_builds(const image_builds&) = delete;
    image_builds& operator=(const image_builds&) = delete;

    // Called when a build ends (the loop passes again).
    std::function<void(const std::string& why)> on_done;

    // When set (`run` watches the contexts, watchers/folder_changes.hpp): a
    // number that changes whenever something in a context folder may have
    // changed, nullopt when that is not known. prepare() does not read again
    // a context whose number is the same as when it was last read.
    std::function<std::optional<std::uint64_t>(const std::string& context)> context_version;

    // The context folders of the latest prepare().
    [[nodiscard]] std::set<std::string> contexts() const;

    // `desired` with every built service's hash folded with its build hash,
    // and the services whose context cannot be read held with an error.
    // The same snapshot when nothing is built.
    [[nodiscard]] std::shared_ptr<const desired_state::snapshot> prepare(std::shared_ptr<const desired_state::snapshot> desired);

    // The creates, updates and adopts of built services whose image is not
    // built yet become waits (or fail with the build's error), and their
    // builds start. A dry run starts nothing: its actions say what would be built.
    void hold(plan& p, bool dry_run);

    // The errors of the latest prepare(): contexts that could not be read.
    [[nodiscard]] const std::vector<desired_state::diagnostic>& errors() const noexcept { return errors_; }

    // A create or update of `tag` failed: the image may have gone, look again.
    void forget(const std::string& tag);

    // Ends the builds in flight and starts no more.
    void stop();

    struct image_status {
        std::string tag;
        std::string hash;                 // the build hash being built, or built
        std::string state;                // queued | building | built | failed
        std::string error;                // failed: why
        std::string context;
    };
    [[nodiscard]] std::vector<image_status> images() const;
    [[nodiscard]] std::size_t builds_run() const noexcept { return builds_run_; }

private:
    struct job;
    struct context_read {
        std::optional<std::uint64_t> version;   // context_version() before it was read
        std::chrono::steady_clock::time_point at;
        desired_state::context_listing listing;
    };
    [[nodiscard]] result<desired_state::context_listing> read_context(const desired_state::build_spec& b,
                                                                      std::chrono::steady_clock::time_point now);
    [[nodiscard]] bool contexts_unchanged(std::chrono::steady_clock::time_point now) const;
    void start_queued();
    void run(std::shared_ptr<job> j);
    boost::asio::awaitable<void> run_job(std::shared_ptr<job> j, std::shared_ptr<bool> alive);

    boost::asio::any_io_executor ex_;
    drivers::image_builder& builder_;
    build_options options_;
    desired_state::context_digester digester_;
    // By (context, Dockerfile): what it was the last time it was read.
    std::map<std::pair<std::string, std::string>, context_read> reads_;
    // The latest prepare()'s snapshot, and what it made of it.
    std::shared_ptr<const desired_state::snapshot> prepared_from_, prepared_;
    // By service key, from the latest prepare(): what its image is built from.
    std::map<desired_state::resource_key, drivers::build_request> requests_;
    // By tag: the latest job for it.
    std::map<std::string, std::shared_ptr<job>> jobs_;
    std::vector<desired_state::diagnostic> errors_;
    std::size_t running_ = 0;
    std::size_t builds_run_ = 0;
    bool stopped_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace driftless::reconciler
