#include "desired_state/detail/shell_split.hpp"

namespace driftless::desired_state::detail {

split_result shell_split(std::string_view text) {
    split_result r;
    std::string word;
    bool in_word = false;  // a word has started, even if empty ("" is a word)
    std::size_t i = 0;
    auto end_word = [&] {
        if (in_word) r.words.push_back(std::move(word));
        word.clear();
        in_word = false;
    };
    while (i < text.size()) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            end_word();
            ++i;
        } else if (c == '\\') {
            if (i + 1 >= text.size()) {
                r.error = "trailing backslash";
                return r;
            }
            if (text[i + 1] != '\n') {
                word += text[i + 1];
                in_word = true;
            }
            i += 2;
        } else if (c == '\'') {
            auto close = text.find('\'', i + 1);
            if (close == std::string_view::npos) {
                r.error = "unterminated single quote";
                return r;
            }
            word.append(text.substr(i + 1, close - i - 1));
            in_word = true;
            i = close + 1;
        } else if (c == '"') {
            in_word = true;
            ++i;
            bool closed = false;
            while (i < text.size()) {
                char d = text[i];
                if (d == '"') {
                    closed = true;
                    ++i;
                    break;
                }
                if (d == '\\' && i + 1 < text.size()) {
                    char e = text[i + 1];
                    if (e == '$' || e == '`' || e == '"' || e == '\\') {
                        word += e;
                        i += 2;
                        continue;
                    }
                    if (e == '\n') {
                        i += 2;
                        continue;
                    }
                }
                word += d;
                ++i;
            }
            if (!closed) {
                r.error = "unterminated double quote";
                return r;
            }
        } else {
            word += c;
            in_word = true;
            ++i;
        }
    }
    end_word();
    return r;
}

}  // namespace driftless::desired_state::detail
