// Grammars of names that end up in an engine: resource names, image
// references, host names, IP addresses. Internal to desired_state. Each
// returns "" when valid, else what is wrong.
#pragma once

#include <string>
#include <string_view>

namespace driftless::desired_state::detail {

// [a-z0-9][a-z0-9_.-]{1,62}
[[nodiscard]] std::string check_resource_name(std::string_view name);
// Docker's reference grammar: [host[:port]/]path[:tag][@sha256:<64 hex>],
// path components lowercase [a-z0-9]+ joined by ".", "_", "__" or "-"s.
[[nodiscard]] std::string check_image_reference(std::string_view ref);
// A DNS host name: labels of [A-Za-z0-9-], not starting or ending with "-",
// at most 63 characters each and 253 in all.
[[nodiscard]] std::string check_host_name(std::string_view host);
[[nodiscard]] bool is_ipv4(std::string_view s);
[[nodiscard]] bool is_ipv6(std::string_view s);

}  // namespace driftless::desired_state::detail
