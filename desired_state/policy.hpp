// What specs may ask for on this host (`--policy FILE`, DESIGN.md §5). A
// spec that asks for more is an error for that spec only: it is not
// created or changed, and whatever already runs under its name is left as
// it is (its key is held, as for a name defined twice).
//
// The file is YAML; every key is optional and an absent key restricts
// nothing:
//
//   images: [registry.local/, driftless/]   # allowed image reference prefixes
//   host_network: false                     # may a service join the "host" network
//   privileged: false                       # may a container be privileged
//   bind_mounts: [/srv/, /var/lib/app]      # allowed bind-mount source folders
//
// A spec cannot ask for a privileged container at all, so `privileged`
// restricts nothing today; it is read (and must be a boolean) so that one
// policy file can serve as the spec grows.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state {

struct policy {
    std::optional<std::vector<std::string>> images;        // unset: any image
    bool host_network = true;
    bool privileged = true;
    std::optional<std::vector<std::string>> bind_mounts;   // unset: any source; empty: none
};

// Reads a policy from its text; every problem is an error naming
// path:line:col and the key, as spec errors do.
[[nodiscard]] result<policy> parse_policy(std::string_view text, const std::string& path);
[[nodiscard]] result<policy> load_policy(const std::string& path);

// What `s` asks for beyond `p`: one diagnostic per denied field, at the
// spec's origin. Empty when the spec is allowed.
[[nodiscard]] std::vector<diagnostic> check_policy(const policy& p, const spec& s);

}  // namespace driftless::desired_state
