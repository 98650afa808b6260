#include "desired_state/detail/dotenv.hpp"

namespace driftless::desired_state::detail {

namespace {

bool key_char(char c, bool first) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') return true;
    return !first && ((c >= '0' && c <= '9') || c == '.' || c == '-');
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

dotenv parse_dotenv(std::string_view text) {
    dotenv out;
    std::size_t at = 0;
    int line = 0;
    auto fail = [&](int where, std::string message) {
        out.error = std::move(message);
        out.error_line = where;
        return out;
    };
    while (at < text.size()) {
        ++line;
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view raw = trim(text.substr(at, end - at));
        const std::size_t next = end + 1;
        if (raw.empty() || raw.front() == '#') {
            at = next;
            continue;
        }
        if (raw.substr(0, 7) == "export ") raw = trim(raw.substr(7));
        std::size_t k = 0;
        while (k < raw.size() && key_char(raw[k], k == 0)) ++k;
        if (k == 0) return fail(line, "expected KEY=VALUE (a key is letters, digits, _ . -, not starting with a digit)");
        std::string key(raw.substr(0, k));
        std::string_view rest = trim(raw.substr(k));
        if (rest.empty()) {
            out.entries.push_back({std::move(key), std::nullopt, line});
            at = next;
            continue;
        }
        if (rest.front() != '=') return fail(line, "expected \"=\" after " + key);
        rest = trim(rest.substr(1));
        std::string value;
        const int first_line = line;
        if (!rest.empty() && rest.front() == '\'') {
            auto close = rest.find('\'', 1);
            if (close == std::string_view::npos) return fail(line, key + ": unterminated single quote");
            value = std::string(rest.substr(1, close - 1));
        } else if (!rest.empty() && rest.front() == '"') {
            // A double-quoted value may span lines: scan from the quote on.
            std::size_t i = at + (rest.data() - text.substr(at).data()) + 1;
            bool closed = false;
            for (; i < text.size(); ++i) {
                char c = text[i];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\n') ++line;
                if (c == '\\' && i + 1 < text.size()) {
                    char e = text[++i];
                    value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                    if (e == '\n') ++line;
                    continue;
                }
                value += c;
            }
            if (!closed) return fail(first_line, key + ": unterminated double quote");
            end = text.find('\n', i);
            if (end == std::string_view::npos) end = text.size();
            out.entries.push_back({std::move(key), std::move(value), first_line});
            at = end + 1;
            continue;
        } else {
            auto comment = rest.find(" #");
            value = std::string(trim(rest.substr(0, comment)));
        }
        out.entries.push_back({std::move(key), std::move(value), first_line});
        at = next;
    }
    return out;
}

}  // namespace driftless::desired_state::detail
