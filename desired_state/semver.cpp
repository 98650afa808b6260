#include "desired_state/semver.hpp"

#include <charconv>

namespace driftless::desired_state {

namespace {

bool digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::optional<std::uint64_t> number(std::string_view s) {
    if (!digits(s) || (s.size() > 1 && s.front() == '0')) return std::nullopt;   // no leading zeros
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        const auto next = s.find(sep, at);
        out.push_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
        if (next == std::string_view::npos) return out;
        at = next + 1;
    }
}

bool identifier(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == std::string_view::npos;
}

// The pre-release part after '-' ("rc.1"); false when it is not one.
bool read_pre(std::string_view s, std::vector<std::string>& out) {
    for (const auto id : split(s, '.')) {
        if (!identifier(id) || (digits(id) && id.size() > 1 && id.front() == '0')) return false;
        out.emplace_back(id);
    }
    return true;
}

// A version some of whose parts may be missing or wild: "1", "1.4",
// "1.4.x", "1.4.2-rc.1". `given`: how many of major, minor, patch are
// numbers (the rest are 0 in `v`).
struct partial {
    version v;
    int given = 0;
};

std::optional<partial> read_partial(std::string_view s) {
    partial p;
    if (!s.empty() && (s.front() == 'v' || s.front() == 'V')) s.remove_prefix(1);
    if (const auto plus = s.find('+'); plus != std::string_view::npos) s = s.substr(0, plus);
    std::string_view pre;
    if (const auto dash = s.find('-'); dash != std::string_view::npos) {
        pre = s.substr(dash + 1);
        s = s.substr(0, dash);
        if (pre.empty()) return std::nullopt;
    }
    if (s.empty()) return std::nullopt;
    const auto parts = split(s, '.');
    if (parts.size() > 3) return std::nullopt;
    bool wild = false;
    std::uint64_t* fields[] = {&p.v.major, &p.v.minor, &p.v.patch};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] == "x" || parts[i] == "X" || parts[i] == "*") {
            wild = true;
            continue;
        }
        if (wild) return std::nullopt;   // "1.x.4"
        const auto n = number(parts[i]);
        if (!n) return std::nullopt;
        *fields[i] = *n;
        ++p.given;
    }
    if (!pre.empty()) {
        if (p.given < 3 || !read_pre(pre, p.v.pre)) return std::nullopt;
    }
    return p;
}

// The next version up at the last given part: 1.4 -> 1.5.0, 1 -> 2.0.0.
version bump(const partial& p) {
    version v;
    v.major = p.v.major;
    if (p.given <= 1) {
        v.major = p.v.major + 1;
    } else if (p.given == 2) {
        v.minor = p.v.minor + 1;
    } else {
        v.minor = p.v.minor;
        v.patch = p.v.patch + 1;
    }
    return v;
}

}  // namespace

std::string version::to_string() const {
    std::string out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    for (std::size_t i = 0; i < pre.size(); ++i) out += (i ? "." : "-") + pre[i];
    return out;
}

int compare(const version& a, const version& b) {
    if (a.major != b.major) return a.major < b.major ? -1 : 1;
    if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
    if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
    if (a.pre.empty() || b.pre.empty()) return a.pre.empty() == b.pre.empty() ? 0 : (a.pre.empty() ? 1 : -1);
    for (std::size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
        const auto& x = a.pre[i];
        const auto& y = b.pre[i];
        const bool nx = digits(x), ny = digits(y);
        if (nx && ny) {
            if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;   // no leading zeros: longer is larger
            if (x != y) return x < y ? -1 : 1;
        } else if (nx != ny) {
            return nx ? -1 : 1;   // numbers sort before words
        } else if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    if (a.pre.size() != b.pre.size()) return a.pre.size() < b.pre.size() ? -1 : 1;
    return 0;
}

std::optional<version> parse_version(std::string_view tag) {
    auto p = read_partial(tag);
    if (!p || p->given == 0) return std::nullopt;
    // Every part given must be a number: "1.x" is a range, not a tag.
    const auto core = tag.substr(0, tag.find_first_of("-+"));
    if (core.find_first_of("xX*") != std::string_view::npos) return std::nullopt;
    return p->v;
}

struct range_reader {
    using op = version_range::op;
    using comparator = version_range::comparator;

    static bool term(std::string_view t, std::vector<comparator>& out) {
        if (t == "*" || t == "x" || t == "X") return true;
        if (t.front() == '~' || t.front() == '^') {
            const bool caret = t.front() == '^';
            auto p = read_partial(t.substr(1));
            if (!p || p->given == 0) return false;
            out.push_back({op::ge, p->v});
            version upper;
            if (!caret) {
                upper = p->given >= 2 ? version{p->v.major, p->v.minor + 1, 0, {}} : version{p->v.major + 1, 0, 0, {}};
            } else if (p->v.major > 0 || p->given == 1) {
                upper = version{p->v.major + 1, 0, 0, {}};
            } else if (p->v.minor > 0 || p->given == 2) {
                upper = version{0, p->v.minor + 1, 0, {}};
            } else {
                upper = version{0, 0, p->v.patch + 1, {}};
            }
            out.push_back({op::lt, upper});
            return true;
        }
        std::string_view o;
        for (const std::string_view candidate : {">=", "<=", ">", "<", "="})
            if (t.substr(0, candidate.size()) == candidate) {
                o = candidate;
                break;
            }
        auto p = read_partial(t.substr(o.size()));
        if (!p) return false;
        if (p->given == 0) return o.empty() || o == ">=" || o == "<=";   // ">=*": any
        const bool whole = p->given == 3;
        if (o == ">=") out.push_back({op::ge, p->v});
        else if (o == ">") out.push_back(whole ? comparator{op::gt, p->v} : comparator{op::ge, bump(*p)});
        else if (o == "<") out.push_back({op::lt, p->v});
        else if (o == "<=") out.push_back(whole ? comparator{op::le, p->v} : comparator{op::lt, bump(*p)});
        else if (whole) out.push_back({op::eq, p->v});
        else {
            out.push_back({op::ge, p->v});
            out.push_back({op::lt, bump(*p)});
        }
        return true;
    }
};

result<version_range> version_range::parse(std::string_view text) {
    version_range r;
    r.text_ = std::string(text);
    std::size_t at = 0;
    while (true) {
        const auto bar = text.find("||", at);
        const auto alt = text.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at);
        std::vector<comparator> all;
        bool any_term = false;
        for (std::size_t i = 0; i < alt.size();) {
            while (i < alt.size() && alt[i] == ' ') ++i;
            if (i == alt.size()) break;
            auto end = alt.find(' ', i);
            if (end == std::string_view::npos) end = alt.size();
            auto t = alt.substr(i, end - i);
            i = end;
            // ">= 1.4": an operator alone is joined to what follows it.
            if (t.find_first_not_of("<>=~^") == std::string_view::npos) {
                while (i < alt.size() && alt[i] == ' ') ++i;
                auto next_end = alt.find(' ', i);
                if (next_end == std::string_view::npos) next_end = alt.size();
                const std::string joined = std::string(t) + std::string(alt.substr(i, next_end - i));
                i = next_end;
                if (!range_reader::term(joined, all))
                    return error{"invalid", "cannot read \"" + joined + "\" in the version range \"" + r.text_ + "\" (e.g. ~1.4, ^2, 1.4.x, >=1.4.0 <2)"};
                any_term = true;
                continue;
            }
            if (!range_reader::term(t, all))
                return error{"invalid", "cannot read \"" + std::string(t) + "\" in the version range \"" + r.text_ + "\" (e.g. ~1.4, ^2, 1.4.x, >=1.4.0 <2)"};
            any_term = true;
        }
        if (!any_term) return error{"invalid", "the version range \"" + r.text_ + "\" has an empty alternative"};
        r.any_of_.push_back(std::move(all));
        if (bar == std::string_view::npos) break;
        at = bar + 2;
    }
    return r;
}

bool version_range::holds(const comparator& c, const version& v) {
    const int k = compare(v, c.v);
    switch (c.o) {
    case op::lt: return k < 0;
    case op::le: return k <= 0;
    case op::gt: return k > 0;
    case op::ge: return k >= 0;
    case op::eq: return k == 0;
    }
    return false;
}

bool version_range::contains(const version& v) const {
    for (const auto& all : any_of_) {
        bool ok = true;
        bool pre_named = v.release();
        for (const auto& c : all) {
            if (!holds(c, v)) {
                ok = false;
                break;
            }
            if (!c.v.release() && c.v.major == v.major && c.v.minor == v.minor && c.v.patch == v.patch) pre_named = true;
        }
        if (ok && pre_named) return true;
    }
    return false;
}

std::optional<std::size_t> highest_in(const version_range& range, const std::vector<std::string>& tags) {
    std::optional<std::size_t> best;
    std::optional<version> best_v;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const auto v = parse_version(tags[i]);
        if (!v || !range.contains(*v)) continue;
        if (!best_v || compare(*v, *best_v) > 0) {
            best = i;
            best_v = v;
        }
    }
    return best;
}

}  // namespace driftless::desired_state
