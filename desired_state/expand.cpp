#include "desired_state/detail/expand.hpp"

namespace driftless::desired_state::detail {

namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Expands `text` into `out`; `depth` bounds defaults nested in defaults.
std::string unset_message(const std::string& name) {
    return "variable " + name + " is not set (or not allowed by --env-allow); set it or write ${" + name + ":-default}";
}

std::string expand_into(std::string_view text, const env_lookup& env, bool bare, std::string& out, int depth) {
    if (depth > 16) return "variables nested too deeply";
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c != '$' || i + 1 >= text.size()) {
            out += c;
            ++i;
            continue;
        }
        char next = text[i + 1];
        if (next == '$') {
            out += '$';
            i += 2;
            continue;
        }
        if (next != '{') {
            if (bare && name_start(next)) {
                std::size_t n = i + 1;
                while (n < text.size() && name_char(text[n])) ++n;
                std::string name(text.substr(i + 1, n - i - 1));
                std::optional<std::string> value = env ? env(name) : std::nullopt;
                if (!value) return unset_message(name);
                out += *value;
                i = n;
                continue;
            }
            out += c;
            ++i;
            continue;
        }
        // Find the matching brace, skipping nested ${...} in a default.
        std::size_t j = i + 2;
        int open = 1;
        while (j < text.size()) {
            if (text[j] == '$' && j + 1 < text.size() && text[j + 1] == '$') {
                j += 2;
                continue;
            }
            if (text[j] == '$' && j + 1 < text.size() && text[j + 1] == '{') {
                ++open;
                j += 2;
                continue;
            }
            if (text[j] == '}' && --open == 0) break;
            ++j;
        }
        if (j >= text.size()) return "unterminated \"${\"; write $$ for a literal \"$\"";
        std::string_view inner = text.substr(i + 2, j - i - 2);
        std::size_t n = 0;
        if (inner.empty() || !name_start(inner[0]))
            return "\"${" + std::string(inner) + "}\": invalid variable name";
        while (n < inner.size() && name_char(inner[n])) ++n;
        std::string name(inner.substr(0, n));
        std::string_view rest = inner.substr(n);
        std::optional<std::string> value = env ? env(name) : std::nullopt;
        bool colon = !rest.empty() && rest[0] == ':';
        if (colon) rest.remove_prefix(1);
        bool set = value.has_value() && !(colon && value->empty());
        if (rest.empty() && !colon) {
            if (!value) return unset_message(name);
            out += *value;
        } else if (!rest.empty() && rest[0] == '-') {
            if (set) {
                out += *value;
            } else if (auto err = expand_into(rest.substr(1), env, bare, out, depth + 1); !err.empty()) {
                return err;
            }
        } else if (!rest.empty() && rest[0] == '?') {
            if (!set) {
                std::string message(rest.substr(1));
                return "variable " + name + (message.empty() ? std::string(" is not set") : ": " + message);
            }
            out += *value;
        } else if (!rest.empty() && rest[0] == '+') {
            if (set)
                if (auto err = expand_into(rest.substr(1), env, bare, out, depth + 1); !err.empty()) return err;
        } else {
            return "\"${" + std::string(inner) + "}\": invalid variable name";
        }
        i = j + 1;
    }
    return {};
}

}  // namespace

expansion expand_variables(std::string_view text, const env_lookup& env, bool bare) {
    expansion e;
    if (text.find('$') == std::string_view::npos) {
        e.value = text;
        return e;
    }
    e.error = expand_into(text, env, bare, e.value, 0);
    return e;
}

}  // namespace driftless::desired_state::detail
