#include "desired_state/detail/quantities.hpp"

#include <array>
#include <limits>

namespace driftless::desired_state::detail {

namespace {

constexpr std::int64_t max_i64 = std::numeric_limits<std::int64_t>::max();

bool digit(char c) { return c >= '0' && c <= '9'; }

// A non-negative decimal "123", "1.5", ".5" split into integer digits and
// fraction digits. Done on the text rather than with strtod so that values
// are exact ("0.1" CPUs is exactly 100,000,000 nano-CPUs) and overflow is
// detected instead of being undefined.
struct decimal {
    std::string_view whole;
    std::string_view fraction;
};

std::optional<decimal> split_decimal(std::string_view& text) {
    std::size_t i = 0;
    while (i < text.size() && digit(text[i])) ++i;
    decimal d{text.substr(0, i), {}};
    if (i < text.size() && text[i] == '.') {
        std::size_t j = i + 1;
        while (j < text.size() && digit(text[j])) ++j;
        d.fraction = text.substr(i + 1, j - i - 1);
        i = j;
    }
    if (d.whole.empty() && d.fraction.empty()) return std::nullopt;
    text.remove_prefix(i);
    return d;
}

// value * unit, exactly, truncating any fraction of the smallest unit;
// nullopt on overflow.
std::optional<std::int64_t> scale(const decimal& d, std::int64_t unit) {
    std::int64_t whole = 0;
    for (char c : d.whole) {
        if (whole > (max_i64 - 9) / 10) return std::nullopt;
        whole = whole * 10 + (c - '0');
    }
    if (whole != 0 && unit > max_i64 / whole) return std::nullopt;
    std::int64_t result = whole * unit;
    // fraction: sum of digit * unit / 10^k, computed as a running remainder
    std::int64_t frac_num = 0;      // fraction digits as an integer (at most 18 kept)
    std::int64_t frac_den = 1;
    for (std::size_t k = 0; k < d.fraction.size() && k < 18; ++k) {
        frac_num = frac_num * 10 + (d.fraction[k] - '0');
        frac_den *= 10;
    }
    if (frac_num != 0) {
        // unit * frac_num / frac_den without overflow: split unit by frac_den
        __int128 part = static_cast<__int128>(unit) * frac_num / frac_den;
        if (part > max_i64 - result) return std::nullopt;
        result += static_cast<std::int64_t>(part);
    }
    return result;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

}  // namespace

std::optional<std::int64_t> parse_memory(std::string_view text, std::string& error) {
    std::string_view rest = text;
    while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
    if (!rest.empty() && rest[0] == '-') {
        error = "must not be negative";
        return std::nullopt;
    }
    auto d = split_decimal(rest);
    if (!d) {
        error = "expected a size such as 256Mi, 1G or 1073741824 (bytes)";
        return std::nullopt;
    }
    // Docker's convention: k, m, g, t are powers of 1024 whatever the
    // spelling, so "1G", "1GB", "1Gi" and "1GiB" are all 1 GiB.
    std::string unit = lower(rest);
    std::int64_t mult = 0;
    static constexpr std::array<std::pair<std::string_view, int>, 4> prefixes{
        {{"k", 1}, {"m", 2}, {"g", 3}, {"t", 4}}};
    if (unit.empty() || unit == "b") {
        mult = 1;
    } else {
        for (auto [p, power] : prefixes) {
            if (unit == p || unit == std::string(p) + "b" || unit == std::string(p) + "i" ||
                unit == std::string(p) + "ib") {
                mult = std::int64_t{1} << (10 * power);
            }
        }
    }
    if (mult == 0) {
        error = "unknown unit \"" + std::string(rest) + "\"; use b, k, m, g or t (powers of 1024: 1G = 1Gi = 1GB)";
        return std::nullopt;
    }
    auto v = scale(*d, mult);
    if (!v) {
        error = "too large";
        return std::nullopt;
    }
    return v;
}

std::optional<std::int64_t> parse_nano_cpus(std::string_view text, std::string& error) {
    std::string_view rest = text;
    if (!rest.empty() && rest[0] == '-') {
        error = "must not be negative";
        return std::nullopt;
    }
    auto d = split_decimal(rest);
    if (!d || !rest.empty()) {
        error = "expected a number of CPUs such as 0.5 or 2";
        return std::nullopt;
    }
    if (d->fraction.size() > 9) {
        error = "more precise than 0.000000001 CPU";
        return std::nullopt;
    }
    auto v = scale(*d, 1'000'000'000);
    if (!v || *v > std::int64_t{1'000'000} * 1'000'000'000) {
        error = "too large";
        return std::nullopt;
    }
    return v;
}

std::optional<std::int64_t> parse_duration(std::string_view text, std::string& error) {
    std::string_view rest = text;
    if (rest.empty()) {
        error = "expected a duration such as 10s, 1m30s or 500ms";
        return std::nullopt;
    }
    if (rest[0] == '-') {
        error = "must not be negative";
        return std::nullopt;
    }
    if (rest == "0") return 0;
    std::int64_t total = 0;
    while (!rest.empty()) {
        auto d = split_decimal(rest);
        if (!d) {
            error = "expected a duration such as 10s, 1m30s or 500ms";
            return std::nullopt;
        }
        std::size_t u = 0;
        while (u < rest.size() && !digit(rest[u]) && rest[u] != '.') ++u;
        std::string_view unit = rest.substr(0, u);
        rest.remove_prefix(u);
        std::int64_t mult = 0;
        if (unit == "ns") mult = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1'000;
        else if (unit == "ms") mult = 1'000'000;
        else if (unit == "s") mult = 1'000'000'000;
        else if (unit == "m") mult = 60'000'000'000;
        else if (unit == "h") mult = 3'600'000'000'000;
        if (unit.empty()) {
            error = "missing unit; write e.g. " + std::string(text) + "s (units: ns, us, ms, s, m, h)";
            return std::nullopt;
        }
        if (mult == 0) {
            error = "unknown unit \"" + std::string(unit) + "\" (units: ns, us, ms, s, m, h)";
            return std::nullopt;
        }
        auto v = scale(*d, mult);
        if (!v || *v > max_i64 - total) {
            error = "too large";
            return std::nullopt;
        }
        total += *v;
    }
    return total;
}

}  // namespace driftless::desired_state::detail
