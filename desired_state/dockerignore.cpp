#include "desired_state/dockerignore.hpp"

#include <algorithm>
#include <cstdint>

namespace driftless::desired_state {

namespace {

enum class token_kind : std::uint8_t {
    literal,    // one character
    one,        // '?': one character but '/'
    run,        // '*': any run of characters but '/'
    any_folders,// "**" before more of the pattern: "", or any run ending in '/'
    rest,       // "**" at the end: anything
    klass,      // '[...]'
};

struct token {
    token_kind kind = token_kind::literal;
    char c = 0;
    bool negated = false;                          // klass
    std::vector<std::pair<char, char>> ranges;     // klass: inclusive ranges
};

bool in_class(const token& t, char c) {
    const bool hit = std::any_of(t.ranges.begin(), t.ranges.end(), [c](const auto& r) { return c >= r.first && c <= r.second; });
    return hit != t.negated;
}

// A pattern's tokens; an error for an unclosed class or a dangling '\'.
result<std::vector<token>> compile(std::string_view p) {
    std::vector<token> out;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        token t;
        if (c == '*') {
            if (i + 1 < p.size() && p[i + 1] == '*') {
                ++i;
                if (i + 1 < p.size() && p[i + 1] == '/') ++i;   // "**/" is "**"
                t.kind = i + 1 == p.size() ? token_kind::rest : token_kind::any_folders;
            } else {
                t.kind = token_kind::run;
            }
        } else if (c == '?') {
            t.kind = token_kind::one;
        } else if (c == '\\') {
            if (i + 1 == p.size()) return error{"invalid", "ends with '\\', which escapes nothing"};
            t.c = p[++i];
        } else if (c == '[') {
            t.kind = token_kind::klass;
            std::size_t j = i + 1;
            if (j < p.size() && p[j] == '^') {
                t.negated = true;
                ++j;
            }
            bool closed = false;
            bool first = true;
            while (j < p.size()) {
                char lo = p[j];
                if (lo == ']' && !first) {
                    closed = true;
                    break;
                }
                first = false;
                if (lo == '\\') {
                    if (++j == p.size()) break;
                    lo = p[j];
                }
                char hi = lo;
                if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
                    j += 2;
                    hi = p[j];
                    if (hi == '\\') {
                        if (++j == p.size()) break;
                        hi = p[j];
                    }
                    if (hi < lo) return error{"invalid", "the range " + std::string{lo} + "-" + std::string{hi} + " runs backwards"};
                }
                t.ranges.emplace_back(lo, hi);
                ++j;
            }
            if (!closed) return error{"invalid", "'[' is not closed by ']'"};
            i = j;
        } else {
            t.c = c;
        }
        out.push_back(std::move(t));
    }
    return out;
}

// Whether `tokens` match all of `path`. Backtracking over '*' and "**",
// with the failures met remembered, so no pattern costs more than
// tokens x path steps.
class matcher {
public:
    matcher(const std::vector<token>& tokens, std::string_view path)
        : t_(tokens), p_(path), failed_((tokens.size() + 1) * (path.size() + 1), 0) {}
    bool at(std::size_t ti, std::size_t pi) {
        if (ti == t_.size()) return pi == p_.size();
        char& memo = failed_[ti * (p_.size() + 1) + pi];
        if (memo) return false;
        const bool ok = step(ti, pi);
        if (!ok) memo = 1;
        return ok;
    }

private:
    bool step(std::size_t ti, std::size_t pi) {
        const token& t = t_[ti];
        const std::size_t n = p_.size();
        switch (t.kind) {
        case token_kind::literal: return pi < n && p_[pi] == t.c && at(ti + 1, pi + 1);
        case token_kind::one: return pi < n && p_[pi] != '/' && at(ti + 1, pi + 1);
        case token_kind::klass: return pi < n && in_class(t, p_[pi]) && at(ti + 1, pi + 1);
        case token_kind::rest: return true;
        case token_kind::run:
            for (std::size_t k = pi;; ++k) {
                if (at(ti + 1, k)) return true;
                if (k == n || p_[k] == '/') return false;
            }
        case token_kind::any_folders:
            if (at(ti + 1, pi)) return true;
            for (std::size_t k = pi; k < n; ++k)
                if (p_[k] == '/' && at(ti + 1, k + 1)) return true;
            return false;
        }
        return false;
    }
    const std::vector<token>& t_;
    std::string_view p_;
    std::vector<char> failed_;
};

std::string literal_pattern(std::string_view path) {
    std::string out;
    for (const char c : path) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

struct dockerignore::rule {
    std::vector<token> tokens;
    bool exception = false;
    bool matches(std::string_view path) const { return matcher(tokens, path).at(0, 0); }
};

dockerignore::dockerignore() = default;
dockerignore::~dockerignore() = default;
dockerignore::dockerignore(dockerignore&&) noexcept = default;
dockerignore& dockerignore::operator=(dockerignore&&) noexcept = default;

std::string clean_pattern(std::string_view pattern) {
    const bool rooted = !pattern.empty() && pattern.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t at = 0;
    while (at <= pattern.size()) {
        const auto slash = pattern.find('/', at);
        const auto part = pattern.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
        at = slash == std::string_view::npos ? pattern.size() + 1 : slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else if (!rooted) parts.push_back(part);   // "/.." is "/"
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += '/';
        out += p;
    }
    // A leading '/' means the context's root, which every pattern starts at.
    return out.empty() ? (rooted ? "/" : ".") : out;
}

result<dockerignore> dockerignore::parse(std::string_view text, const std::vector<std::string>& keep) {
    dockerignore out;
    std::size_t line_no = 0;
    for (std::size_t at = 0; at < text.size();) {
        const auto nl = text.find('\n', at);
        const auto raw = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        auto line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        auto r = std::make_unique<rule>();
        if (line.front() == '!') {
            r->exception = true;
            line = trim(line.substr(1));
            if (line.empty()) continue;
        }
        auto tokens = compile(clean_pattern(line));
        if (!tokens.ok()) return error{"invalid", "line " + std::to_string(line_no) + ": " + tokens.err().message};
        r->tokens = std::move(tokens).value();
        out.exceptions_ = out.exceptions_ || r->exception;
        out.rules_.push_back(std::move(r));
    }
    // The builder's own files go whatever the file says: exceptions last.
    if (!out.rules_.empty()) {
        for (const auto& k : keep) {
            auto r = std::make_unique<rule>();
            r->exception = true;
            r->tokens = compile(literal_pattern(clean_pattern(k))).value();
            out.rules_.push_back(std::move(r));
            out.keep_.push_back(clean_pattern(k));
        }
    }
    return out;
}

bool dockerignore::excluded(std::string_view path) const {
    bool matched = false;
    for (const auto& r : rules_) {
        // An exclusion cannot change a path already excluded, nor an
        // exception one that is not.
        if (r->exception != matched) continue;
        bool hit = r->matches(path);
        // A pattern that matches a folder above the path matches the path.
        for (std::size_t slash = path.find('/'); !hit && slash != std::string_view::npos; slash = path.find('/', slash + 1))
            hit = r->matches(path.substr(0, slash));
        if (hit) matched = !r->exception;
    }
    return matched;
}

bool dockerignore::skip_folder(std::string_view path) const {
    if (exceptions_ || !excluded(path)) return false;
    // Unless a file always sent lies under it.
    return std::none_of(keep_.begin(), keep_.end(), [&](const std::string& k) {
        return k.size() > path.size() && k.compare(0, path.size(), path) == 0 && k[path.size()] == '/';
    });
}

bool dockerignore::empty() const noexcept { return rules_.empty(); }

}  // namespace driftless::desired_state
