// A spec or compose file's text, as a folder source reads it: parse_text
// must never crash, throw or hang, whatever the bytes; every spec it accepts
// must hash (the hash is what every pass compares).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "desired_state/hash.hpp"
#include "desired_state/parse.hpp"

namespace ds = driftless::desired_state;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ds::parse_options options;
    // A fixed environment: ${HOME} and ${IMAGE} are set, anything else unset.
    options.env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "HOME") return "/root";
        if (name == "IMAGE") return "driftless/busybox:1";
        return std::nullopt;
    };
    options.max_nodes = 100'000;   // an alias bomb is refused sooner, keeping executions fast
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto result = ds::parse_text(text, "fuzz/spec.yaml", options);
    for (const auto& s : result.specs) {
        (void)ds::spec_hash(s);
        (void)ds::without_defaults(ds::canonical_json(s)).dump();
    }
    return 0;
}
