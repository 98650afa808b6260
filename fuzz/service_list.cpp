// Swarm's answers to GET /services?status=true and GET /tasks: the input up
// to the first NUL byte is the services body, the rest the tasks body.
// Neither reader may crash or throw; a failed read is an "engine" error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/swarm_listing.hpp"

namespace dk = driftless::drivers::docker;
namespace sw = driftless::drivers::swarm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto cut = input.find('\0');
    const std::string_view services = cut == std::string_view::npos ? input : input.substr(0, cut);
    const std::string_view tasks = cut == std::string_view::npos ? std::string_view{} : input.substr(cut + 1);
    auto r = sw::parse_service_list(services, (size & 1) != 0 ? dk::naming::by_engine : dk::naming::by_label);
    if (!r) {
        if (r.err().code != "engine") std::abort();
        return 0;
    }
    if (auto st = sw::apply_tasks(*r, tasks); !st && st.err().code != "engine") std::abort();
    for (const auto& s : *r) (void)sw::tasks_state(s.tasks_running, s.tasks_desired);
    return 0;
}
