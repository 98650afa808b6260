#include "watchers/kafka_settings.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace driftless::watchers {

namespace {

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

result<std::vector<kafka_setting>> read_file(const std::string& path, std::string_view flag) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return error{"invalid", std::string(flag) + " @" + path + ": cannot read the file; give a file of key=value lines"};
    std::vector<kafka_setting> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string_view text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        const std::string where = path + ":" + std::to_string(number) + ":";
        const auto eq = text.find('=');
        if (eq == std::string_view::npos)
            return error{"invalid", where + " \"" + shown_setting_text(text) + "\": expected key=value"};
        const std::string_view key = trim(text.substr(0, eq));
        if (key.empty()) return error{"invalid", where + " empty key; expected key=value"};
        out.push_back(kafka_setting{std::string(key), std::string(trim(text.substr(eq + 1))), where});
    }
    return out;
}

}  // namespace

bool is_secret_setting(std::string_view key) {
    const std::string k = lowered(key);
    for (std::string_view word : {"password", "secret", "token", ".key", "sasl.jaas.config", "sasl.oauthbearer.config"})
        if (k.find(word) != std::string::npos) return true;
    return false;
}

std::string shown_value(std::string_view key, std::string_view value) {
    return is_secret_setting(key) ? std::string(redacted) : std::string(value);
}

std::string shown_setting(const kafka_setting& s) { return s.origin + " " + s.key + "=" + shown_value(s.key, s.value); }

std::string shown_setting_text(std::string_view text) {
    if (!is_secret_setting(text)) return std::string(text);
    std::size_t n = 0;
    while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '.' || text[n] == '_' ||
                               text[n] == '-'))
        ++n;
    return std::string(text.substr(0, n)) + "...";
}

result<std::vector<kafka_setting>> read_kafka_settings(const std::vector<std::string>& args, std::string_view flag) {
    std::vector<kafka_setting> out;
    for (const auto& arg : args) {
        if (!arg.empty() && arg.front() == '@') {
            auto file = read_file(arg.substr(1), flag);
            if (!file) return std::move(file).err();
            out.insert(out.end(), file->begin(), file->end());
            continue;
        }
        auto s = parse_kafka_setting(arg, flag);
        if (!s) return std::move(s).err();
        out.push_back(std::move(s).value());
    }
    return out;
}

}  // namespace driftless::watchers
