// The body of GET /events as it arrives: the input is cut into reads at
// bytes the input itself chooses, fed through the line splitter, and each
// line read as the docker and the swarm watchers read it. Nothing may crash
// or throw; every byte that is not a line break reaches exactly one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "drivers/engine_events.hpp"
#include "drivers/line_splitter.hpp"

namespace d = driftless::drivers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t seen = 0;
    const d::docker::line_splitter::handler each = [&seen](std::string_view line) -> driftless::status {
        if (line.empty() || line.find('\n') != std::string_view::npos) std::abort();
        seen += line.size();
        (void)d::container_event(line);
        (void)d::swarm_event(line, {"fuzz"});
        return {};
    };
    d::docker::line_splitter lines;
    // Read sizes come from the input's own bytes (1-16), so the fuzzer
    // controls where the engine's writes split a line.
    std::size_t at = 0, step = 0;
    while (at < input.size()) {
        const std::size_t n = std::min<std::size_t>(1 + (static_cast<unsigned char>(input[step++ % input.size()]) % 16),
                                                    input.size() - at);
        if (!lines.feed(input.substr(at, n), each)) std::abort();
        at += n;
    }
    if (!lines.finish(each)) std::abort();
    // Line breaks and the "\r" before them are the only bytes not handed over.
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (input[i] == '\n') ++dropped;
        else if (input[i] == '\r' && (i + 1 == input.size() || input[i + 1] == '\n')) ++dropped;
    }
    if (seen + dropped != input.size()) std::abort();
    return 0;
}
