// The engine's answers to GET /containers/json, /networks and /volumes: the
// first byte picks the list and the naming, the rest is the body. A reader
// must answer objects or an "engine" error, never crash or throw, whether
// simdjson parses the body in place (padded) or copies it first.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "drivers/docker_listing.hpp"

namespace dk = driftless::drivers::docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned pick = data[0];
    const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
    const dk::naming how = (pick & 1) != 0 ? dk::naming::by_engine : dk::naming::by_label;
    driftless::result<std::vector<driftless::drivers::actual_object>> r = driftless::error{"none", ""};
    switch ((pick >> 1) % 4) {
    case 0: r = dk::parse_container_list(body, how); break;
    case 1: {
        std::string padded = body;
        padded.reserve(body.size() + 64);   // simdjson's padding: parsed where it lies
        r = dk::container_list_reader{}.read(padded, how, padded.capacity());
        break;
    }
    case 2: r = dk::parse_network_list(body, how); break;
    default: r = dk::parse_volume_list(body, how); break;
    }
    if (!r) {
        if (r.err().code != "engine") std::abort();
        return 0;
    }
    (void)dk::unowned_named(std::move(*r), {"web", "db"}, driftless::drivers::ownership{"fuzz", "key"});
    return 0;
}
