// The services another one reaches into, as compose orders them: the one
// whose container it joins (network_mode, pid or ipc `container:NAME`, or
// compose's `service:NAME`) and those it links to (`NAME` or `NAME:ALIAS`).
// The plan makes a service after them; `down` removes it before them.
#pragma once

#include <string>
#include <string_view>

namespace driftless::desired_state {

// The service a network_mode, pid or ipc value joins; "" for none.
[[nodiscard]] inline std::string joined_service(std::string_view mode) {
    for (std::string_view prefix : {std::string_view("container:"), std::string_view("service:")})
        if (mode.substr(0, prefix.size()) == prefix) return std::string(mode.substr(prefix.size()));
    return {};
}

// The service a `links` entry names.
[[nodiscard]] inline std::string linked_service(std::string_view link) {
    return std::string(link.substr(0, link.find(':')));
}

}  // namespace driftless::desired_state
