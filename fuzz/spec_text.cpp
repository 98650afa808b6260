// A spec or compose file's text, as a folder source reads it: parse_text
// must never crash, throw or hang, whatever the bytes; every spec it accepts
// must hash (the hash is what every pass compares).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // "A\n---override---\nB": A is a compose.yaml and B the override file
    // beside it (merged in); every other file it names reads "s3cret".
    constexpr std::string_view marker = "\n---override---\n";
    std::string_view path = "fuzz/spec.yaml";
    if (const auto at = text.find(marker); at != std::string_view::npos) {
        const std::string over(text.substr(at + marker.size()));
        text = text.substr(0, at);
        path = "/fuzz/compose.yaml";
        options.read_file = [over](const std::string& file) {
            ds::file_read r;
            if (file == "/fuzz/compose.override.yml") r.text = over;
            else if (file.find("override") != std::string::npos || file.ends_with("/.env")) r.missing = true;
            else r.text = "s3cret";
            return r;
        };
    }
    const auto result = ds::parse_text(text, std::string(path), options);
    for (const auto& s : result.specs) {
        (void)ds::spec_hash(s);
        (void)ds::without_defaults(ds::canonical_json(s)).dump();
    }
    return 0;
}
