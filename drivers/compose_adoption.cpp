#include "drivers/compose_adoption.hpp"

#include "desired_state/compose_labels.hpp"

namespace driftless::drivers {

namespace labels = desired_state::compose_labels;
using desired_state::kind;

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

bool made_by_compose(const actual_object& o) {
    return !o.compose.project.empty() && o.owner.empty() && !o.unverified && !o.swarm_task;
}

bool made_by_compose_for(const actual_object& o, const desired_state::spec& want) {
    if (!made_by_compose(o) || o.kind != want.kind()) return false;
    const std::string project = compose_label(want, labels::project);
    if (project.empty() || o.compose.project != project) return false;
    switch (o.kind) {
    case kind::service: {
        // "True" is what compose writes for `run`'s containers; driftless
        // writes "False" on its own.
        const std::string service = compose_label(want, labels::service);
        return !service.empty() && o.compose.service == service && o.compose.oneoff != "True";
    }
    case kind::network: return o.compose.key == compose_label(want, labels::network) && !o.compose.key.empty();
    case kind::volume: return o.compose.key == compose_label(want, labels::volume) && !o.compose.key.empty();
    }
    return false;
}

status refuse_unless_compose_made(const actual_object& have, const desired_state::spec* want) {
    const std::string what = "refusing to take over " + compose_object_name(have) + ": ";
    if (have.kind != kind::service) return error{"conflict", what + "only containers are taken over"};
    if (want != nullptr ? made_by_compose_for(have, *want) : made_by_compose(have) && have.compose.oneoff != "True")
        return {};
    if (!made_by_compose(have)) {
        const std::string why = !have.owner.empty() ? "it is labelled with driftless owner " + quoted(have.owner)
                                : have.swarm_task   ? std::string("it is a Swarm task container")
                                                    : std::string("no com.docker.compose.project label");
        return error{"conflict", what + "it was not made by docker compose (" + why + ")"};
    }
    if (have.compose.oneoff == "True") return error{"conflict", what + "it is a one-off container (docker compose run)"};
    return error{"conflict", what + "it was made by docker compose for project " + quoted(have.compose.project) +
                                 " (service " + quoted(have.compose.service) + "), not for project " +
                                 quoted(compose_label(*want, labels::project)) + " (service " +
                                 quoted(compose_label(*want, labels::service)) + ")"};
}

std::string compose_label(const desired_state::spec& s, const char* key) {
    const auto it = s.labels.find(key);
    return it == s.labels.end() ? std::string{} : it->second;
}

std::string compose_object_name(const actual_object& o) {
    const char* noun = o.kind == kind::service ? "container" : o.kind == kind::network ? "network" : "volume";
    return std::string(noun) + " " + quoted(o.name);
}

}  // namespace driftless::drivers
