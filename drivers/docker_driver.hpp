// The plain Docker driver: one container per Service, one network per
// Network, one volume per Volume, on a Docker Engine (API >= 1.30). With
// the podman flavour it is the podman driver, over podman's
// Docker-compatible API.
//
// Containers are named after their spec; networks and volumes too. Every
// object is created with the ownership labels (DESIGN.md §4) and only
// objects carrying this driver's owner are ever changed or removed: update,
// start and remove refuse an object of another owner without calling the
// engine.
//
// replicas: 0 creates the container without starting it; such a container
// is labelled io.driftless.replicas=0 and listed as running = true with
// tasks_desired = 0 (nothing to start). replicas > 1 is an "invalid" error
// for that spec: plain Docker runs one container per name.
//
// Threading: as engine_client: all calls on one single-threaded executor,
// any number in flight at once. The driver must outlive its calls.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "drivers/docker_host.hpp"
#include "drivers/driver.hpp"
#include "drivers/docker_listing.hpp"
#include "drivers/engine_client.hpp"
#include "drivers/image_build.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// Which engine speaks the API. Podman's Docker-compatible API (4.3) differs
// in places, each handled where it arises: a name in use is HTTP 500 "...
// already in use" / "network already exists" rather than 409 (both read as
// "conflict"); the container name filter matches "NAME", not "/NAME"
// (names.hpp's regex allows both); once a create names a ulimit, podman
// sets nproc above what the host permits (podman_container_body.hpp adds
// the nproc podman would otherwise use). Images imported as NAME live
// under localhost/NAME; the short name finds them.
enum class engine_flavour { docker, podman };

struct docker_driver_options {
    engine_flavour flavour = engine_flavour::docker;
    std::string owner = "driftless";
    std::string key;   // the installation key (ownership.hpp)
    docker_host host;
    std::chrono::milliseconds timeout{30'000};            // each API call
    std::chrono::milliseconds pull_timeout{600'000};      // a whole image pull
    // Stopping a container waits for its own stop_grace_period (the
    // engine's StopTimeout); this bounds the wait on top of `timeout`.
    std::chrono::milliseconds stop_wait{300'000};
};

class docker_driver final : public driver {
public:
    // Does no I/O; the engine is first contacted by the first call.
    docker_driver(asio::any_io_executor ex, docker_driver_options options);
    ~docker_driver() override;

    [[nodiscard]] std::string name() const override {
        return options_.flavour == engine_flavour::podman ? "podman" : "docker";
    }
    [[nodiscard]] std::string owner() const override { return options_.owner; }

    asio::awaitable<result<actual_state>> list() override;
    asio::awaitable<result<std::vector<actual_object>>> find_unowned(std::vector<resource_key> keys) override;
    // GET /containers/json filtered by compose's project label: the
    // project's own value when there is one project, else the label's
    // presence (the engine ANDs label filters), then narrowed here.
    asio::awaitable<result<std::vector<actual_object>>> find_compose_containers(std::vector<std::string> projects) override;
    // GET /distribution/IMAGE/json: the engine asks the registry, nothing is pulled.
    asio::awaitable<result<std::string>> registry_digest(const std::string& image) override;

    // Services: pulls per the pull policy, creates the container, connects
    // the networks after the first, starts it (unless replicas is 0). If a
    // step fails after the container exists, the container is removed
    // before the error is returned. A name in use is a "conflict".
    asio::awaitable<status> create(const desired_entry& want) override;
    // Recreates: stops and removes `have`, then create(want).
    asio::awaitable<status> update(const desired_entry& want, const actual_object& have) override;
    asio::awaitable<status> start(const actual_object& have) override;
    asio::awaitable<status> remove(const actual_object& have) override;
    // Checks want's spec and image before compose's container goes, as
    // update does, so a bad spec does not cost the running container.
    // Podman's compatible API takes the same calls.
    asio::awaitable<status> adopt(const std::optional<desired_entry>& want, const actual_object& have) override;
    // One step of a health-gated update (driver.hpp, rollout_step;
    // docker_rollout.cpp). Renames go through POST /containers/ID/rename,
    // which podman 4.3's compatible API takes too.
    asio::awaitable<status> rollout(const rollout_request& r) override;

    // GET /events filtered by the owner label: the events of owned
    // containers that can take them away from their spec (die, destroy,
    // oom, pause, rename, update; every event under podman). Returns
    // "unreachable" when the engine ends the stream, "cancelled" after
    // cancel_events().
    asio::awaitable<status> watch_events(event_handler on_event) override;
    void cancel_events() override;

    // POST /build (image_build.hpp); podman's compatible endpoint too.
    asio::awaitable<result<std::optional<built_image>>> find_built(const std::string& tag,
                                                                   const std::string& build_hash) override;
    asio::awaitable<result<built_image>> build(const build_request& r, build_output output) override;
    void cancel_builds() override;

    [[nodiscard]] engine_client& client() noexcept { return client_; }
    [[nodiscard]] std::uint64_t requests_sent() const noexcept override { return client_.requests_sent(); }

private:
    // `pulled`: the digest a `pull: always` image was just pulled at (it is
    // pulled here when not given).
    asio::awaitable<status> create_container(const desired_entry& want, std::optional<std::string> pulled = {});
    // create_container's work under the engine name of `role`, started
    // only when `start`: the new container's id.
    asio::awaitable<result<std::string>> make_container(const desired_entry& want, std::optional<std::string> pulled,
                                                        rollout_role role, bool start,
                                                        const std::map<std::string, std::string>& extra_labels = {});
    // Podman's roll back: its restart policy starts a crash-looping
    // container again after any stop, so the candidate is removed and a
    // NAME--FAILED made from its spec, never started, labelled with why.
    asio::awaitable<status> roll_back_podman(const rollout_request& r);
    // Rollouts (docker_rollout.cpp).
    // Inspects the containers of every name that has one in a rollout role
    // (and reads the log tail of those that look failed) into their
    // rollout details. What is known of a stopped NAME--FAILED is kept by id.
    asio::awaitable<status> inspect_rollouts(std::vector<actual_object>& containers);
    asio::awaitable<status> rename_container(const actual_object& c, const std::string& to);
    asio::awaitable<void> run_podman_healthcheck(actual_object& c);
    asio::awaitable<status> stop_container(const actual_object& c);
    asio::awaitable<status> start_container(const std::string& id, const std::string& name);
    // The candidate `id` the engine would not start: kept as NAME--FAILED,
    // `previous` (if any) back to NAME and started; the start's error.
    asio::awaitable<status> fail_start(const std::string& spec_name, const std::string& id, error why,
                                       const std::optional<actual_object>& previous);
    asio::awaitable<status> bring_back(const actual_object& previous);
    // After a start that failed: whether the engine recorded why it could
    // not start container `id` (State.Error), rather than the answer being lost.
    asio::awaitable<bool> refused_to_start(const std::string& id);
    // promote's network moves: the candidate joins the service's user
    // networks again with its aliases; the old container leaves them.
    asio::awaitable<status> give_aliases(const actual_object& candidate, const desired_state::spec& s);
    asio::awaitable<void> leave_networks(const actual_object& old, const desired_state::spec& s);
    // Checks want's spec and image first, so a bad spec does not cost the
    // running container, then removes `have` (a container) and creates
    // want: update's recreate, and adopt's.
    asio::awaitable<status> replace_container(const desired_entry& want, const actual_object& have);
    asio::awaitable<status> create_network(const desired_entry& want);
    asio::awaitable<status> create_volume(const desired_entry& want);
    // Makes the image present per the pull policy; the digest pulled, or ""
    // when nothing was pulled or the pull did not say.
    asio::awaitable<result<std::string>> ensure_image(const std::string& spec_name, const desired_state::service& svc);
    asio::awaitable<result<std::string>> pull(const std::string& image);
    asio::awaitable<status> remove_container(const std::string& id, const std::string& name);
    asio::awaitable<void> discard_container(const std::string& id);

    docker_driver_options options_;
    ownership who_;
    engine_client client_;
    std::size_t list_bytes_ = 0;   // size of the latest container list answer
    std::string list_storage_;     // its memory, for the next one
    container_list_reader list_reader_;
    std::shared_ptr<stream_cancel> events_cancel_;       // the watch in flight, if any
    engine_builds builds_{client_, options_.owner};      // the builds in flight
    // Rollout details of stopped NAME--FAILED containers, by id: a stopped
    // container's inspect and logs do not change. Rebuilt from the engine
    // when lost; pruned to the ids of the latest list.
    std::map<std::string, rollout_details> failed_details_;
    // Podman: when driftless last ran a watched candidate's healthcheck, by id.
    std::map<std::string, std::chrono::steady_clock::time_point> health_runs_;
};

}  // namespace driftless::drivers::docker
