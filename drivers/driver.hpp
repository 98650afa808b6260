// The seam between the reconciler and a container runtime.
//
// A driver speaks one runtime's API and knows nothing of files or Kafka.
// It only ever reads, changes or removes objects it owns (ownership.hpp:
// the owner label equals its owner id and the io.driftless.mac label
// verifies under the installation key); an unowned object is reported,
// never touched.
//
// Every call is a coroutine on the reconciler's io_context and never blocks
// the thread. Every call has a timeout and returns its failure as a value.
//
// Retry contract, by error::code:
//   "unreachable", "timeout"  the engine did not answer: the whole pass is
//                             abandoned and retried with backoff.
//   "conflict"                an unowned object holds the name: reported,
//                             retried with backoff (it may go away).
//   "not_found"               the object vanished meanwhile: not an error for
//                             remove; for other calls the next pass re-lists.
//   "invalid", "engine", ...  the engine refused: retried per object with
//                             exponential backoff, the rest goes on.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/build_context.hpp"
#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "desired_state/store.hpp"

namespace driftless::drivers {

namespace asio = boost::asio;
using desired_state::desired_entry;
using desired_state::resource_key;

// What docker compose's labels (com.docker.compose.*) say about an object;
// each "" when the label is absent. What --adopt matches against a spec's
// own compose labels (compose_adoption.hpp).
struct compose_origin {
    std::string project;           // com.docker.compose.project
    std::string service;           // containers: com.docker.compose.service
    std::string number;            // containers: com.docker.compose.container-number
    std::string oneoff;            // containers: com.docker.compose.oneoff ("True": made by `compose run`)
    std::string key;               // networks: com.docker.compose.network; volumes: com.docker.compose.volume
};

// A container's part in a health-gated update (DESIGN.md §4, rollouts),
// read from its name: the spec's name plus a reserved suffix. Spec names are
// lower case (desired_state/names.cpp), so an upper-case suffix never
// collides with one.
enum class rollout_role {
    none,       // NAME: the live container
    previous,   // NAME--PREVIOUS: the old container, kept stopped during a stop-first update
    next,       // NAME--NEXT: a start-first candidate, renamed NAME once it passed
    failed,     // NAME--FAILED: a rolled-back candidate, kept stopped (its hash is not tried again)
};
[[nodiscard]] const char* suffix_of(rollout_role r) noexcept;        // "", "--PREVIOUS", "--NEXT", "--FAILED"
[[nodiscard]] const char* to_string(rollout_role r) noexcept;        // "", "previous", "next", "failed"
// The engine's name for a spec's container in that role.
[[nodiscard]] std::string engine_name(const std::string& spec_name, rollout_role r);
// The role of a container the engine names `engine_name` and whose
// io.driftless.name label is `labelled`; nullopt when the name is neither
// the label nor the label plus a role's suffix.
[[nodiscard]] std::optional<rollout_role> role_of(std::string_view engine_name, std::string_view labelled) noexcept;

// What an inspect tells of a container in a rollout (docker, podman): read
// for the containers of a name that has one in a rollout role only.
struct rollout_details {
    bool inspected = false;
    std::int64_t started_at_ms = 0;    // State.StartedAt, Unix milliseconds; 0 when never started
    int restart_count = 0;             // RestartCount: restarts by its restart policy since it was created
    bool oom_killed = false;
    std::string error;                 // State.Error: why the engine could not start it
    bool has_healthcheck = false;      // State.Health is reported
    std::string health_status;         // State.Health.Status, running or not
    std::string health_output;         // the latest health probe's output, trimmed
    // How long its healthcheck may take to pass: start_period + (interval +
    // timeout) x retries, with the engine's defaults for what is unset.
    std::int64_t health_window_ms = 0;
    std::int64_t health_interval_ms = 0;  // its healthcheck's interval (engine default 30 s)
    std::string log_tail;              // a failed one's last log lines (not running, restarted or unhealthy)
    std::string recorded_reason;       // io.driftless.rollback-reason: a NAME--FAILED marker's record of why (podman)
};

// One object as the runtime reports it.
struct actual_object {
    desired_state::kind kind = desired_state::kind::service;
    std::string name;
    std::string id;
    std::string owner;             // io.driftless.owner label, "" if unowned
    std::string spec_hash;         // io.driftless.spec-hash label
    std::string spec_json;         // io.driftless.spec label ("" if absent)
    std::string state;             // container: created|running|exited|paused|restarting|dead
    bool running = true;           // containers: state == running; swarm: running tasks == desired
    int tasks_running = 0;         // swarm
    int tasks_desired = 0;         // swarm
    std::string task_error;        // swarm: latest failed task's reason
    // Swarm: UpdateStatus.State of the service's latest update ("" when it
    // has had none), and its Message: paused, rollback_started,
    // rollback_paused, rollback_completed are what a failed update leaves.
    std::string update_state;
    std::string update_message;
    std::uint64_t version = 0;     // swarm: version index for updates
    bool self_healing = false;     // swarm: the runtime restarts tasks itself; never `start`ed
    std::string image_digest;      // io.driftless.image-digest label: what a `pull: always` create pulled
    // Containers, read from the list's Status text and Created time (no
    // inspect): what depends_on conditions wait for.
    std::string health;            // "" (no healthcheck, or not running) | starting | healthy | unhealthy
    int exit_code = -1;            // state exited: its exit code; -1 when not known
    std::int64_t created = 0;      // Unix seconds the container was created; 0 when not known
    std::string mac;               // io.driftless.mac label ("" if absent)
    bool name_matches = false;     // the io.driftless.name label equals the engine's name for it
    bool swarm_task = false;       // a container Swarm made for a service's task
    bool unverified = false;       // find_unowned: labelled with this owner, but not owned (ownership.hpp)
    compose_origin compose;        // docker compose's labels, if any
    rollout_role role = rollout_role::none;   // containers: from the engine's name (name_matches covers the suffix)
    rollout_details rollout;       // containers of a name with one in a rollout role

    [[nodiscard]] resource_key key() const { return {kind, name}; }
};

struct actual_state {
    std::vector<actual_object> objects;   // owned objects only
};

// The reading side. Never changes anything.
class reader {
public:
    virtual ~reader() = default;

    // Owned objects of every kind: one list call per kind, filtered by the
    // owner label.
    virtual asio::awaitable<result<actual_state>> list() = 0;

    // Unowned objects holding any of `keys`' names (at most one call per
    // kind; none when keys is empty). Used to report conflicts before create.
    virtual asio::awaitable<result<std::vector<actual_object>>> find_unowned(
        std::vector<resource_key> keys) = 0;

    // Unowned containers labelled com.docker.compose.project with one of
    // `projects` (one call; none when `projects` is empty): what docker
    // compose made for them, which --adopt takes over and which are
    // conflicts without it. A driver that runs no such containers (swarm)
    // finds none (the default, in make_driver.cpp).
    virtual asio::awaitable<result<std::vector<actual_object>>> find_compose_containers(
        std::vector<std::string> projects);

    // The digest (sha256:...) the image's registry now gives its tag, without
    // pulling it. For `pull: always` specs, whose objects carry the digest
    // they were made from. A driver that cannot tell answers "unsupported"
    // (the default, in make_driver.cpp).
    virtual asio::awaitable<result<std::string>> registry_digest(const std::string& image);
};

// One step of a health-gated update on docker or podman, as the plan
// (reconciler/rollout.hpp) chose it from what the engine holds. Each step
// is a few engine calls; driftless may be killed between any two, and the
// next pass finds the state it left and goes on from there.
enum class rollout_step {
    begin_stop_first,    // stop `live`, rename it NAME--PREVIOUS, create and start the candidate as NAME
    begin_start_first,   // create and start the candidate as NAME--NEXT, `live` untouched
    create_candidate,    // `previous` holds the old one and NAME is free: create and start the candidate as NAME
    promote,             // `candidate` (NAME--NEXT) passed: remove `live` (if any), rename the candidate NAME
    finish,              // the candidate (NAME) passed: remove `previous`
    roll_back,           // `candidate` failed: stop it, rename it NAME--FAILED; `previous`, if any, back to NAME and started
    restore,             // `previous` back to NAME and started (a roll_back cut short, or the old spec wanted again)
    quiet,               // stop `failed`: its restart policy started NAME--FAILED again (podman, when it exited just before the stop)
    // Swarm: update `live` to the spec it has, which clears the status its
    // failed update left (rolled back, paused), so the wanted spec is tried
    // again (`driftless retry`).
    clear_failed_update,
};
[[nodiscard]] const char* to_string(rollout_step s) noexcept;

struct rollout_request {
    rollout_step step = rollout_step::begin_stop_first;
    std::optional<desired_entry> want;          // begin_*, create_candidate
    std::optional<actual_object> live;          // NAME, when it holds the old spec
    std::optional<actual_object> candidate;     // the new container: NAME--NEXT, or NAME after a stop-first begin
    std::optional<actual_object> previous;      // NAME--PREVIOUS
    std::optional<actual_object> failed;        // an NAME--FAILED to remove first (begin_*, roll_back)
    std::string reason;                         // roll_back: which check failed (podman's NAME--FAILED marker keeps it)
};

// The writing side. Each call acts on one object.
class writer {
public:
    virtual ~writer() = default;

    // Creates the object (pulling the image per its pull policy) and starts it.
    virtual asio::awaitable<status> create(const desired_entry& want) = 0;
    // Brings an owned object whose hash differs to `want`: docker and podman
    // recreate the container, swarm updates the service in place.
    virtual asio::awaitable<status> update(const desired_entry& want, const actual_object& have) = 0;
    // Starts an owned container that is not running.
    virtual asio::awaitable<status> start(const actual_object& have) = 0;
    // Stops (with the grace period) and removes an owned object. Not an error
    // if it is already gone.
    virtual asio::awaitable<status> remove(const actual_object& have) = 0;
    // Takes over a container docker compose made (--adopt): stops and
    // removes `have`, then creates `want` when given (without it, `have` is
    // a replica beyond those declared). Refused as a "conflict", without
    // calling the engine, unless `have` was made by compose for want's
    // project and service (compose_adoption.hpp). Its named volumes are not
    // removed: `want` mounts them again. A driver that cannot answers
    // "unsupported" (the default, in make_driver.cpp).
    virtual asio::awaitable<status> adopt(const std::optional<desired_entry>& want, const actual_object& have);
    // Carries out one step of a health-gated update (rollout_request).
    // Every object it names must be owned; a step that fails part way
    // leaves a state the plan recognises. A start of the candidate that the
    // engine refuses rolls back at once (the candidate is kept as
    // NAME--FAILED) and is returned as an "engine" error. A driver without
    // rollouts answers "unsupported" (the default, in make_driver.cpp).
    virtual asio::awaitable<status> rollout(const rollout_request& r);
};

// A build of a service's image (reconciler/builds.hpp), from a context read
// and digested by the caller.
struct build_request {
    std::string service;                          // the spec's name, for messages
    std::string tag;                              // the service's image: what the build is tagged
    desired_state::build_spec spec;               // spec.context is the folder the listing is of
    desired_state::context_listing listing;       // what is sent, in order
    std::string build_hash;                       // io.driftless.build-hash: the settings and the listing's digest
};

struct built_image {
    std::string id;          // sha256:... on this engine
    // What a service runs it as: the tag, or (swarm, the tag naming a
    // registry) REPOSITORY@DIGEST once pushed there.
    std::string reference;
};

// A line of a build's output, as the engine says it.
using build_output = std::function<void(std::string_view line)>;

// Builds images. Blocking: a build can take minutes; callers run it apart
// from passes. Errors: "build" (the Dockerfile failed: the message names
// the step and ends with the output's last lines) is terminal for this
// context and these settings, retried only with backoff; "cancelled"
// (cancel_builds); engine errors as elsewhere.
class image_builder {
public:
    virtual ~image_builder() = default;
    // The image `tag` names, when it carries io.driftless.build-hash =
    // `build_hash`; nullopt when there is no such image or it carries
    // another. A driver that cannot build answers "unsupported" (the
    // default, in make_driver.cpp).
    virtual asio::awaitable<result<std::optional<built_image>>> find_built(const std::string& tag,
                                                                           const std::string& build_hash);
    virtual asio::awaitable<result<built_image>> build(const build_request& r, build_output output);
    // Ends the builds in flight: they return "cancelled" and the engine
    // drops what they made. Does not block.
    virtual void cancel_builds() {}
};

// Runtime events about owned objects. Events only say *when* to look
// (level-based reconcile); their payload is never acted on.
// What an engine event says about the object it concerns.
enum class event_kind {
    changed,   // it changed and may change again (died, paused, a service updated): worth a pass soon
    gone,      // it no longer exists, and nothing more will happen to it: worth a pass at once
};
using event_handler = std::function<void(event_kind)>;

class event_source {
public:
    virtual ~event_source() = default;
    // Streams events until the stream breaks (returns its error) or the
    // coroutine is cancelled. Calls on_event once per event, with its kind.
    virtual asio::awaitable<status> watch_events(event_handler on_event) = 0;
    // Ends the watch_events in flight, if any: it returns promptly with code
    // "cancelled". Does not block; call it on the io_context's thread.
    virtual void cancel_events() {}
};

class driver : public reader, public writer, public event_source, public image_builder {
public:
    [[nodiscard]] virtual std::string name() const = 0;       // "docker", "swarm", "podman"
    [[nodiscard]] virtual std::string owner() const = 0;
    // Requests sent to the runtime so far (for metrics and benchmarks).
    [[nodiscard]] virtual std::uint64_t requests_sent() const noexcept { return 0; }
};

struct driver_options {
    std::string kind = "docker";                   // docker | swarm | podman
    std::string owner = "driftless";
    std::string key;                               // the installation key (ownership.hpp); "" in unit tests
    std::string host;                              // DOCKER_HOST-style endpoint; "" = the driver's default
    std::chrono::milliseconds timeout{30'000};    // per API call (pulls get longer)
    bool engine_insecure = false;                  // --engine-insecure: plain text to a tcp:// engine off this machine
};

// Makes the driver named by options.kind; an error for an unknown kind, a
// bad host, TLS files that cannot be used (docker_host.hpp's
// DOCKER_TLS_VERIFY), or a plain-text engine off this machine without
// engine_insecure (check_plain_text).
[[nodiscard]] result<std::unique_ptr<driver>> make_driver(asio::any_io_executor ex, const driver_options& options);

}  // namespace driftless::drivers
