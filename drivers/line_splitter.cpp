#include "drivers/line_splitter.hpp"

namespace driftless::drivers::docker {

namespace {

status hand_over(std::string_view line, const line_splitter::line_handler& on_line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return {};
    return on_line(line);
}

}  // namespace

status line_splitter::too_long() const {
    return error{"too_large", "a line of more than " + std::to_string(max_line_) + " bytes without a line break"};
}

status line_splitter::feed(std::string_view bytes, const line_handler& on_line) {
    std::size_t start = 0;
    for (;;) {
        const auto nl = bytes.find('\n', start);
        if (nl == std::string_view::npos) break;
        const std::string_view piece = bytes.substr(start, nl - start);
        start = nl + 1;
        const bool cr = !piece.empty() ? piece.back() == '\r' : (!pending_.empty() && pending_.back() == '\r');
        if (pending_.size() + piece.size() > max_line_ + (cr ? 1 : 0)) return too_long();   // a '\r' before the break is not the line's
        if (pending_.empty()) {
            // The common case: the whole line arrived in this read; no copy.
            if (status s = hand_over(piece, on_line); !s) return s;
            continue;
        }
        pending_.append(piece);
        const std::string line = std::move(pending_);
        pending_.clear();
        if (status s = hand_over(line, on_line); !s) return s;
    }
    scanned_ += bytes.size();
    const std::string_view rest = bytes.substr(start);
    // A '\r' at the very end may be the first half of a "\r\n".
    const bool cr_last = rest.empty() ? (!pending_.empty() && pending_.back() == '\r') : rest.back() == '\r';
    if (pending_.size() + rest.size() > max_line_ + (cr_last ? 1 : 0)) return too_long();
    pending_.append(rest);
    return {};
}

status line_splitter::finish(const line_handler& on_line) {
    const std::string line = std::move(pending_);
    pending_.clear();
    return hand_over(line, on_line);
}

}  // namespace driftless::drivers::docker
