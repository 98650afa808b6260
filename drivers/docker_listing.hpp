// Reading the engine's list answers (GET /containers/json, /networks,
// /volumes) into actual_objects. Pure functions.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"
#include "drivers/driver.hpp"
#include "drivers/ownership.hpp"

namespace driftless::drivers::docker {

// Which name an object is reported under.
enum class naming {
    by_label,      // io.driftless.name, else the engine's name (list of owned objects)
    by_engine,     // the engine's name (conflicts: the name is what collides)
};

// Each parser fills kind, name, id (volumes: their name), owner, spec_hash,
// spec_json, mac and compose (docker compose's labels) from the labels, and
// name_matches (the io.driftless.name
// label equals the engine's name; a container's without its leading "/").
// Containers carrying Swarm's task or service id label get swarm_task.
// Containers also get state, created, health and exit_code (the last two
// read from the Status text), and running =
// state == "running"; a container labelled io.driftless.replicas=0 is
// reported running = true (there is nothing to start) with
// tasks_desired = 0. An answer that is not the documented JSON shape is an
// "engine" error.
// `readable`: how many bytes from body.data() may be read (a string's
// capacity); when it leaves simdjson's padding after the body, the body is
// parsed where it lies instead of copied first.
[[nodiscard]] result<std::vector<actual_object>> parse_container_list(std::string_view body, naming how,
                                                                      std::size_t readable = 0);

// parse_container_list with one parser kept from call to call, so that its
// buffers are not allocated and paged in afresh for every pass.
class container_list_reader {
public:
    container_list_reader();
    ~container_list_reader();
    container_list_reader(const container_list_reader&) = delete;
    container_list_reader& operator=(const container_list_reader&) = delete;
    [[nodiscard]] result<std::vector<actual_object>> read(std::string_view body, naming how, std::size_t readable = 0);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};
[[nodiscard]] result<std::vector<actual_object>> parse_network_list(std::string_view body, naming how);
[[nodiscard]] result<std::vector<actual_object>> parse_volume_list(std::string_view body, naming how);

// The objects named exactly one of `names` that `who` does not own; those
// labelled with who's owner get `unverified`.
[[nodiscard]] std::vector<actual_object> unowned_named(std::vector<actual_object> objects,
                                                       const std::set<std::string>& names, const ownership& who);

// The objects labelled com.docker.compose.project with one of `projects`
// that `who` does not own; those labelled with who's owner get `unverified`.
[[nodiscard]] std::vector<actual_object> unowned_of_projects(std::vector<actual_object> objects,
                                                             const std::set<std::string>& projects, const ownership& who);

}  // namespace driftless::drivers::docker
