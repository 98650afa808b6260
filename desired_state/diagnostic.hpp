// A problem found in a source document, for a person to act on.
#pragma once

#include <string>

#include "desired_state/spec.hpp"

namespace driftless::desired_state {

struct diagnostic {
    source_location where;
    std::string field;     // dotted path inside the document, e.g. "ports[1]" or "resources.memory"; may be empty
    std::string message;   // what is wrong and, where it helps, what to do

    // "path:line:col: field: message" (the field part omitted when empty),
    // with control characters and invalid UTF-8 escaped (printable.hpp): one
    // line, safe for a terminal.
    [[nodiscard]] std::string to_string() const;
    bool operator==(const diagnostic&) const = default;
};

}  // namespace driftless::desired_state
