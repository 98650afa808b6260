// The last check before a driver changes an object: only objects carrying
// this instance's owner label are ever touched (DESIGN.md §4). The diff never
// plans such a change; this is defence in depth at the API's edge.
#pragma once

#include <string>

#include "desired_state/result.hpp"
#include "drivers/driver.hpp"

namespace driftless::drivers {

// OK when have.owner == owner; else a "conflict" error naming both owners,
// e.g. refusing to remove Service "web": it is owned by "b", not by "a".
[[nodiscard]] status refuse_unless_owned(const actual_object& have, const std::string& owner, const char* action);

}  // namespace driftless::drivers
