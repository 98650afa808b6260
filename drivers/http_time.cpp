#include "drivers/http_time.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace driftless::drivers {

namespace chr = std::chrono;
using time_point = chr::system_clock::time_point;

namespace {

// A cursor over the text: each reader takes what it wants or fails.
struct reader {
    std::string_view s;
    bool failed = false;

    int digits(std::size_t n) {
        int v = 0;
        if (s.size() < n) failed = true;
        for (std::size_t i = 0; !failed && i < n; ++i) {
            if (s[i] < '0' || s[i] > '9') failed = true;
            else v = v * 10 + (s[i] - '0');
        }
        if (!failed) s.remove_prefix(n);
        return v;
    }
    // One or two digits (asctime pads a day with a space instead).
    int short_number() {
        if (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        return s.size() >= 2 && s[1] >= '0' && s[1] <= '9' ? digits(2) : digits(1);
    }
    void expect(std::string_view what) {
        if (s.substr(0, what.size()) != what) failed = true;
        else s.remove_prefix(what.size());
    }
    bool take_one_of(std::string_view chars) {
        if (s.empty() || chars.find(s.front()) == std::string_view::npos) return false;
        s.remove_prefix(1);
        return true;
    }
    int month_name() {
        static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (std::size_t i = 0; i < names.size(); ++i)
            if (s.substr(0, 3) == names[i]) {
                s.remove_prefix(3);
                return static_cast<int>(i) + 1;
            }
        failed = true;
        return 0;
    }
    void skip_word() {
        while (!s.empty() && s.front() != ' ' && s.front() != ',') s.remove_prefix(1);
    }
};

std::optional<time_point> make_time(int y, int mo, int d, int h, int mi, int sec) {
    // What the clock holds: nanoseconds in 64 bits, 1677 to 2262.
    if (y < 1678 || y > 2261) return std::nullopt;
    const chr::year_month_day date{chr::year{y}, chr::month{static_cast<unsigned>(mo)}, chr::day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return time_point(chr::sys_days(date)) + chr::hours(h) + chr::minutes(mi) + chr::seconds(sec);
}

// "hh:mm:ss"
bool clock_time(reader& r, int& h, int& mi, int& sec) {
    h = r.digits(2);
    r.expect(":");
    mi = r.digits(2);
    r.expect(":");
    sec = r.digits(2);
    return !r.failed;
}

}  // namespace

std::optional<time_point> parse_rfc3339(std::string_view text) {
    reader r{text};
    const int y = r.digits(4);
    r.expect("-");
    const int mo = r.digits(2);
    r.expect("-");
    const int d = r.digits(2);
    if (r.failed || !r.take_one_of("Tt ")) return std::nullopt;
    int h = 0, mi = 0, sec = 0;
    if (!clock_time(r, h, mi, sec)) return std::nullopt;
    chr::nanoseconds fraction{0};
    if (r.take_one_of(".")) {
        std::int64_t ns = 0;
        int n = 0;
        for (; !r.s.empty() && r.s.front() >= '0' && r.s.front() <= '9'; r.s.remove_prefix(1), ++n)
            if (n < 9) ns = ns * 10 + (r.s.front() - '0');
        if (n == 0) return std::nullopt;
        for (int i = n; i < 9; ++i) ns *= 10;
        fraction = chr::nanoseconds(ns);
    }
    chr::minutes offset{0};
    if (!r.take_one_of("Zz")) {
        if (r.s.empty()) return std::nullopt;
        const int sign = r.s.front() == '-' ? -1 : 1;
        if (!r.take_one_of("+-")) return std::nullopt;
        const int oh = r.digits(2);
        r.expect(":");
        const int om = r.digits(2);
        if (r.failed || oh > 23 || om > 59) return std::nullopt;
        offset = chr::minutes(sign * (oh * 60 + om));
    }
    if (!r.s.empty()) return std::nullopt;
    const auto t = make_time(y, mo, d, h, mi, sec);
    if (!t) return std::nullopt;
    return *t + chr::duration_cast<time_point::duration>(fraction) - offset;
}

std::optional<time_point> parse_http_date(std::string_view text) {
    reader r{text};
    r.skip_word();   // the day's name, which the date decides anyway
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (r.take_one_of(",")) {
        r.expect(" ");
        d = r.digits(2);
        if (r.take_one_of(" ")) {   // IMF-fixdate: 06 Nov 1994
            mo = r.month_name();
            r.expect(" ");
            y = r.digits(4);
        } else {                    // RFC 850: 06-Nov-94
            r.expect("-");
            mo = r.month_name();
            r.expect("-");
            y = r.digits(2);
            // The nearest past year with those digits, as HTTP asks.
            const int now = static_cast<int>(chr::year_month_day(chr::floor<chr::days>(chr::system_clock::now())).year());
            y += now / 100 * 100;
            if (y > now) y -= 100;
        }
        r.expect(" ");
        if (!clock_time(r, h, mi, sec)) return std::nullopt;
        r.expect(" GMT");
    } else {                        // asctime: Nov  6 08:49:37 1994
        r.expect(" ");
        mo = r.month_name();
        r.expect(" ");
        d = r.short_number();
        r.expect(" ");
        if (!clock_time(r, h, mi, sec)) return std::nullopt;
        r.expect(" ");
        y = r.digits(4);
    }
    if (r.failed || !r.s.empty()) return std::nullopt;
    return make_time(y, mo, d, h, mi, sec);
}

}  // namespace driftless::drivers
