// The Docker Swarm driver: one swarm service per Service, one overlay
// network per Network, one volume per Volume, through a swarm manager's
// Engine API (API 1.41: dockerd 20.10 or newer; older engines are refused
// with an error saying so).
//
// Services are named after their spec and carry the ownership labels
// (DESIGN.md §4) on the service and, without the spec hash, on their task
// containers. A changed spec updates the service in place (same service
// ID; Swarm rolls its tasks per the service's update config); it is never
// removed and created again. Only objects carrying this driver's owner are
// ever changed or removed.
//
// Convergence is judged on tasks: a service runs (running = true) when its
// running tasks reach the desired count (global: one per eligible node).
// One that does not carries why in task_error, from the tasks that cannot
// be scheduled or keep failing; start() has nothing to start (Swarm's own
// orchestrator restarts tasks) and reports that error.
//
// Networks under swarm are overlay networks, attachable so that plain
// containers may join them too: a Network spec's default driver "bridge"
// becomes "overlay". Volumes are plain volumes on the manager; a service's
// volume mount carries the volume's driver and options (VolumeOptions.
// DriverConfig), so a node that runs a task makes the volume the same way
// (an NFS volume mounts the same export everywhere).
//
// Threading: as engine_client: all calls on one single-threaded executor,
// any number in flight at once. The driver must outlive its calls.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/docker_host.hpp"
#include "drivers/driver.hpp"
#include "drivers/engine_client.hpp"
#include "drivers/image_build.hpp"
#include "drivers/ownership.hpp"
#include "drivers/swarm_service_body.hpp"

namespace driftless::drivers::swarm {

struct swarm_driver_options {
    std::string owner = "driftless";
    std::string key;   // the installation key (ownership.hpp)
    docker::docker_host host;
    std::chrono::milliseconds timeout{30'000};            // each API call
    // Removing a service waits for its task containers to be gone (so the
    // networks it used can go next), at most this long on top of `timeout`.
    std::chrono::milliseconds stop_wait{300'000};
    // How often a removal looks whether the task containers are gone.
    std::chrono::milliseconds poll_interval{200};    // A whole push of a built image to its registry.
    std::chrono::milliseconds push_timeout{600'000};
};

class swarm_driver final : public driver {
public:
    // Does no I/O; the engine is first contacted by the first call.
    swarm_driver(asio::any_io_executor ex, swarm_driver_options options);
    ~swarm_driver() override;

    [[nodiscard]] std::string name() const override { return "swarm"; }
    [[nodiscard]] std::string owner() const override { return options_.owner; }

    // Owned services (one GET /services?status=true), and when any of them
    // is not converged one GET /tasks for all owned services' tasks; then
    // owned networks and volumes. An engine that is not a swarm manager is
    // an "engine" error saying how to make it one.
    asio::awaitable<result<actual_state>> list() override;
    asio::awaitable<result<std::vector<actual_object>>> find_unowned(std::vector<resource_key> keys) override;

    // Services: POST /services/create. A name in use is a "conflict".
    asio::awaitable<status> create(const desired_entry& want) override;
    // Services: POST /services/{id}/update?version=N with the whole new spec.
    // When the service changed meanwhile ("update out of sequence"), its
    // version is read again and the update retried (a few times).
    // Networks and volumes are not updated: "invalid". With want's hash
    // equal to have's there is nothing to update: it answers as start().
    asio::awaitable<status> update(const desired_entry& want, const actual_object& have) override;
    // Nothing to start: success while the tasks converge, or the service's
    // task_error as an "engine" error when they cannot.
    asio::awaitable<status> start(const actual_object& have) override;
    // Only clear_failed_update: swarm carries out its own rollouts from
    // UpdateConfig and RollbackConfig.
    asio::awaitable<status> rollout(const rollout_request& r) override;
    // Services: DELETE /services/{id}, then waits for the task containers
    // to be gone. Not an error if the service is already gone.
    asio::awaitable<status> remove(const actual_object& have) override;

    // GET /events for service, node and container events; service and node
    // events carry no labels, so they all count, and container events count
    // when the container is a task of an owned service (as of the latest
    // list()).
    // Returns "unreachable" when the engine ends the stream, "cancelled"
    // after cancel_events().
    asio::awaitable<status> watch_events(event_handler on_event) override;
    void cancel_events() override;

    // Builds on the manager's own engine, as the docker driver does
    // (image_build.hpp; swarm_builds.cpp). When the image names a registry
    // (swarm_images.hpp), the image is pushed there, after a build and
    // when one is found (a push of what the registry has is quick), and
    // its reference is REPOSITORY@DIGEST: every node pulls that image. An
    // image that names no registry is deployed by its tag on a swarm of
    // one node, and is an "invalid" error on a larger one, before building.
    asio::awaitable<result<std::optional<built_image>>> find_built(const std::string& tag,
                                                                   const std::string& build_hash) override;
    asio::awaitable<result<built_image>> build(const build_request& r, build_output output) override;
    void cancel_builds() override;

    [[nodiscard]] docker::engine_client& client() noexcept { return client_; }
    [[nodiscard]] std::uint64_t requests_sent() const noexcept override { return client_.requests_sent(); }

private:
    asio::awaitable<status> check_engine();
    // Builds (swarm_builds.cpp): the error for an image that names no
    // registry on a swarm of several nodes; `image` pushed, its reference
    // the pushed digest.
    asio::awaitable<status> check_unpushed(const std::string& tag);
    asio::awaitable<result<built_image>> push_built(built_image image);
    // X-Registry-Auth for the service's image, when docker's config.json has
    // credentials for its registry: swarm hands them to the nodes that pull it.
    asio::awaitable<result<docker::request_headers>> pull_auth(const std::string& image);
    asio::awaitable<status> create_service(const desired_entry& want);
    asio::awaitable<result<volume_configs>> volume_configs_for(const desired_state::service& svc);
    asio::awaitable<status> wait_tasks_gone(const std::string& service_id, const std::string& name);
    // Secrets and configs (swarm_secrets.cpp): each made when missing; their ids by name.
    asio::awaitable<result<secret_ids>> ensure_secrets(const desired_state::service& svc);
    // Removes the owned secrets and configs an object's previous spec (its
    // io.driftless.spec label) named and `now` does not; Swarm keeps one a
    // service still uses.
    asio::awaitable<void> drop_old_secrets(const std::string& old_spec_json, const desired_state::service* now);

    swarm_driver_options options_;
    ownership who_;
    docker::engine_client client_;
    bool engine_checked_ = false;
    docker::engine_builds builds_{client_, options_.owner};
    std::shared_ptr<docker::stream_cancel> events_cancel_;   // the watch in flight, if any
    // The ids of the owned services the latest list() found: task
    // containers carry no driftless label, only Swarm's service id. Read
    // and written on the io_context's thread only.
    std::shared_ptr<std::set<std::string>> owned_service_ids_ = std::make_shared<std::set<std::string>>();
};

}  // namespace driftless::drivers::swarm
