#include "desired_state/diagnostic.hpp"

#include "desired_state/printable.hpp"

namespace driftless::desired_state {

// Escaped here, once, rather than where each message is built: paths, keys
// and values come from files and Kafka records, and this is what reaches a
// terminal or a log.
std::string diagnostic::to_string() const {
    std::string s = where.to_string();
    s += ": ";
    if (!field.empty()) {
        s += field;
        s += ": ";
    }
    s += message;
    return printable(s);
}

}  // namespace driftless::desired_state
