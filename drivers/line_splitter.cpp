#include "drivers/line_splitter.hpp"

namespace driftless::drivers::docker {

namespace {

std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

status line_splitter::feed(std::string_view bytes, const handler& on_line) {
    pending_.append(bytes);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
        const std::string_view line = without_cr(std::string_view(pending_).substr(start, nl - start));
        if (line.empty()) continue;
        if (status s = on_line(line); !s) {
            pending_.clear();
            return s;
        }
    }
    pending_.erase(0, start);
    return {};
}

status line_splitter::finish(const handler& on_line) {
    const std::string last = std::move(pending_);
    pending_.clear();
    const std::string_view line = without_cr(last);
    if (line.empty()) return {};
    return on_line(line);
}

}  // namespace driftless::drivers::docker
