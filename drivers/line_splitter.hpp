// Cuts a streamed answer's body (the events stream, image pull progress)
// into lines as its bytes arrive, however the engine's writes split them.
// Pure: no I/O; one instance per stream, not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "desired_state/result.hpp"

namespace driftless::drivers::docker {

class line_splitter {
public:
    using handler = std::function<status(std::string_view line)>;

    // Appends `bytes` and hands each line now complete to `on_line`, without
    // its "\n" or "\r\n"; empty lines are skipped. Stops at, and returns, the
    // first error `on_line` returns (the rest of the bytes are dropped).
    [[nodiscard]] status feed(std::string_view bytes, const handler& on_line);

    // The body ended: hands over a last line that had no line break, if any.
    [[nodiscard]] status finish(const handler& on_line);

private:
    std::string pending_;   // the start of a line whose end has not arrived
};

}  // namespace driftless::drivers::docker
