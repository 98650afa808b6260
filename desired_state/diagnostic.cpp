#include "desired_state/diagnostic.hpp"

namespace driftless::desired_state {

std::string diagnostic::to_string() const {
    std::string s = where.to_string();
    s += ": ";
    if (!field.empty()) {
        s += field;
        s += ": ";
    }
    s += message;
    return s;
}

}  // namespace driftless::desired_state
