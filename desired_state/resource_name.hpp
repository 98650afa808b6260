// The grammar of a resource name (DESIGN.md §3), for those that receive
// names outside a document (a Kafka record's key).
#pragma once

#include <string>
#include <string_view>

namespace driftless::desired_state {

// "" when `name` is a valid resource name ([a-z0-9][a-z0-9_.-]{1,62}), else
// what is wrong with it ("must be 2-63 characters of ...").
[[nodiscard]] std::string check_resource_name(std::string_view name);

}  // namespace driftless::desired_state
