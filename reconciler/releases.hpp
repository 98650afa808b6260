// Registry images followed by rule (`follow:`, README "Release rules"):
// which tag each followed repository's services run, chosen from what the
// registry holds, and pinned by its digest.
//
// A check lists the repository's tags (Registry HTTP API v2), keeps those
// the rule's range contains, and from the highest down takes the first
// whose image was created at least min_age ago (its config's `created`).
// The chosen image's digest goes into the services' specs
// (REPOSITORY@DIGEST) and into their hashes, so a new release is a changed
// spec and takes the update path with its rollout rules; the same image
// picked again, or a rule edited to the same pick, changes nothing.
//
// When checks run: the first for a rule during the pass that meets it (so
// `plan` says what it would take), then every `interval` apart from passes;
// a changed pick triggers a pass (on_change). A registry that does not
// answer, refuses the credentials or has nothing in the range changes
// nothing: the last pick stands (none yet: the services are held, with the
// error at the spec's place), and the check is tried again with backoff
// (10 s doubling up to the interval; Retry-After when the registry gives
// one), never in a tight loop.
//
// Threading: everything on the loop's executor.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "desired_state/store.hpp"
#include "drivers/registry_client.hpp"
#include "reconciler/plan.hpp"
#include "reconciler/release_status.hpp"

namespace driftless::reconciler {

struct release_options {
    drivers::registry_options registry;
    std::chrono::milliseconds first_retry{10'000};   // after a check that failed; doubles up to the interval
    std::size_t max_candidates = 20;                 // tags in the range whose age is asked, highest first
};

class release_follower {
public:
    release_follower(boost::asio::any_io_executor ex, release_options options = {});
    ~release_follower();
    release_follower(const release_follower&) = delete;
    release_follower& operator=(const release_follower&) = delete;

    // Called when a check apart from the passes changed a pick or its error
    // (the loop passes again: the spec, or the status, changed).
    std::function<void(const std::string& why)> on_change;

    // `desired` with every followed service pinned to its pick, the rules
    // met for the first time checked first; a service whose rule has no
    // pick held, with an error. The same snapshot when nothing is followed.
    [[nodiscard]] boost::asio::awaitable<std::shared_ptr<const desired_state::snapshot>> prepare(
        std::shared_ptr<const desired_state::snapshot> desired);

    // The creates and updates of followed services say which release they take.
    void annotate(plan& p) const;

    // The errors of the latest prepare(): followed services held for want of a pick.
    [[nodiscard]] const std::vector<desired_state::diagnostic>& errors() const noexcept { return errors_; }

    // Checks each rule again every interval, apart from the passes (`run`).
    void start();
    // Ends the checks: none runs after it.
    void stop();

    [[nodiscard]] std::vector<release_status> releases() const;

private:
    struct followed;
    // `notify`: a changed pick calls on_change (a check apart from the passes).
    boost::asio::awaitable<void> check(std::shared_ptr<followed> f, std::shared_ptr<bool> alive, bool notify);
    boost::asio::awaitable<void> watch(std::shared_ptr<bool> alive);
    drivers::registry_client& client_for(const std::string& host);

    boost::asio::any_io_executor ex_;
    release_options options_;
    // By repository and rule (its range and min_age: the interval is the
    // shortest its services give).
    std::map<std::string, std::shared_ptr<followed>> followed_;
    std::map<desired_state::resource_key, std::string> by_service_;
    std::map<std::string, std::unique_ptr<drivers::registry_client>> clients_;   // by registry host
    // When each image was created, by digest: an image never changes.
    std::map<std::string, std::chrono::system_clock::time_point> created_;
    std::vector<desired_state::diagnostic> errors_;
    // The latest result, for the snapshot and the picks it was made from.
    std::shared_ptr<const desired_state::snapshot> prepared_from_, prepared_;
    std::string prepared_picks_;
    boost::asio::steady_timer timer_;
    bool started_ = false;
    bool stopped_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace driftless::reconciler
