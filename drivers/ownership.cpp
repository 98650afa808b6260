#include "drivers/ownership.hpp"

namespace driftless::drivers {

status refuse_unless_owned(const actual_object& have, const std::string& owner, const char* action) {
    if (have.owner == owner) return {};
    return error{"conflict", std::string("refusing to ") + action + " " + desired_state::to_string(have.kind) + " \"" +
                                 have.name + "\": it is owned by " +
                                 (have.owner.empty() ? std::string("nobody (not made by driftless)") : "\"" + have.owner + "\"") +
                                 ", not by \"" + owner + "\""};
}

}  // namespace driftless::drivers
