#include "desired_state/detail/reader.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "desired_state/detail/expand.hpp"
#include "desired_state/printable.hpp"

namespace driftless::desired_state::detail {

std::string join(const std::string& prefix, std::string_view key) {
    if (prefix.empty()) return std::string(key);
    std::string s = prefix;
    s += '.';
    s += key;
    return s;
}

std::vector<std::string> split_on(std::string_view text, char sep) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto c = text.find(sep, start);
        parts.emplace_back(text.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
        if (c == std::string_view::npos) return parts;
        start = c + 1;
    }
}

std::string index(const std::string& prefix, std::size_t i) { return prefix + "[" + std::to_string(i) + "]"; }

std::string quote(std::string_view text) {
    std::string s;
    for (char c : shorten(text)) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
    }
    return '"' + printable(s) + '"';
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

// Each dotted part of a field path cut to max_echoed_chars: the parts are
// keys from the file, and one may be a whole line of something else.
std::string shorten_parts(std::string_view field) {
    std::string out;
    for (std::size_t start = 0;;) {
        const std::size_t dot = field.find('.', start);
        out += shorten(field.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return out;
        out += '.';
        start = dot + 1;
    }
}

}  // namespace

std::string closest(std::string_view word, std::span<const std::string_view> candidates) {
    if (word.size() > 64) return {};
    std::string w = lower(word);
    std::string best;
    std::size_t best_d = 0;
    for (auto c : candidates) {
        std::size_t d = edit_distance(w, lower(c));
        // Allow roughly one typo per three letters, at most three.
        std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, c.size() / 3));
        if (d <= limit && (best.empty() || d < best_d)) {
            best = std::string(c);
            best_d = d;
        }
    }
    return best;
}

context::context(std::string path, const parse_options& options, std::vector<diagnostic>& errors)
    : path_(std::move(path)), options_(options), errors_(errors), budget_(options.max_nodes) {}

void context::error(const node& at, const std::string& field, std::string message) {
    if (exhausted_) return;
    if (++reported_ > options_.max_errors) {
        exhausted_ = true;
        errors_.push_back({where(at), "", "too many errors; stopped after " + std::to_string(options_.max_errors)});
        return;
    }
    errors_.push_back({where(at), shorten_parts(field), std::move(message)});
}

void context::value_error(const node& at, const std::string& field, std::string_view value, std::string message) {
    if (at.is_scalar() && at.text.find('$') != std::string::npos && value != at.text) {
        // The message may quote a piece of the expanded value: keep what
        // comes before the first quote.
        value = at.text;
        if (auto q = message.find('"'); q != std::string::npos) {
            message.resize(q);
            while (!message.empty() && (message.back() == ' ' || message.back() == ':')) message.pop_back();
            if (message.empty()) message = "invalid value";
        }
    }
    error(at, field, quote(value) + ": " + message);
}

bool context::visit(const node& n) {
    if (exhausted_) return false;
    if (budget_ == 0) {
        exhausted_ = true;
        errors_.push_back({where(n), "", "document too complex: more than " + std::to_string(options_.max_nodes) +
                                             " nodes to read (aliases expand to too much)"});
        return false;
    }
    --budget_;
    return true;
}

std::optional<std::string> context::string(const node& n, const std::string& field, bool null_as_empty) {
    if (!visit(n)) return std::nullopt;
    if (n.is_null() && null_as_empty) return std::string();
    if (!n.is_scalar()) {
        error(n, field, std::string("expected a string, got ") + describe(n));
        return std::nullopt;
    }
    auto e = compose_ ? expand_variables(n.text, compose_->env, true) : expand_variables(n.text, options_.env);
    if (!e.error.empty()) {
        error(n, field, std::move(e.error));
        return std::nullopt;
    }
    return std::move(e.value);
}

std::optional<bool> context::boolean(const node& n, const std::string& field) {
    if (!n.is_scalar()) {
        error(n, field, std::string("expected true or false, got ") + describe(n));
        return std::nullopt;
    }
    auto s = string(n, field);
    if (!s) return std::nullopt;
    std::string l = lower(*s);
    if (l == "true") return true;
    if (l == "false") return false;
    value_error(n, field, *s, "expected true or false");
    return std::nullopt;
}

std::optional<std::int64_t> context::integer(const node& n, const std::string& field, std::int64_t min,
                                             std::int64_t max) {
    if (!n.is_scalar()) {
        error(n, field, std::string("expected an integer, got ") + describe(n));
        return std::nullopt;
    }
    auto s = string(n, field);
    if (!s) return std::nullopt;
    std::string_view v = *s;
    if (!v.empty() && v[0] == '+') v.remove_prefix(1);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    std::string range = std::to_string(min) + "-" + std::to_string(max);
    if (v.empty() || ptr != v.data() + v.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        value_error(n, field, *s, "expected an integer");
        return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
        value_error(n, field, *s, "out of range; must be " + range);
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> context::one_of(const node& n, const std::string& field,
                                           std::initializer_list<std::string_view> allowed) {
    auto s = string(n, field);
    if (!s) return std::nullopt;
    for (auto a : allowed)
        if (*s == a) return s;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    std::string msg = "must be one of " + list;
    std::vector<std::string_view> c(allowed);
    if (auto best = closest(*s, c); !best.empty()) msg += "; did you mean \"" + best + "\"?";
    value_error(n, field, *s, msg);
    return std::nullopt;
}

bool context::expect_mapping(const node& n, const std::string& field) {
    if (n.is_mapping()) return true;
    error(n, field, std::string("expected a mapping, got ") + describe(n));
    return false;
}

bool context::expect_sequence(const node& n, const std::string& field) {
    if (n.is_sequence()) return true;
    error(n, field, std::string("expected a list, got ") + describe(n));
    return false;
}

void context::each_pair(const node& map, const std::string& field,
                        const std::function<void(const std::string&, const node&, const node&)>& fn) {
    if (!visit(map)) return;
    std::unordered_map<std::string, const node*> seen;
    for (std::size_t i = 0; i < map.pairs() && !exhausted_; ++i) {
        const node& k = map.key(i);
        if (!visit(k)) return;
        if (!k.is_scalar()) {
            error(k, field, std::string("keys must be strings, got ") + describe(k));
            continue;
        }
        auto [it, fresh] = seen.emplace(k.text, &k);
        if (!fresh) {
            error(k, join(field, k.text),
                  "duplicate key; already defined at line " + std::to_string(it->second->line) + ":" +
                      std::to_string(it->second->column));
            continue;
        }
        fn(k.text, k, map.value(i));
    }
}

void context::each_item(const node& seq, const std::string& field,
                        const std::function<void(const std::string&, const node&)>& fn) {
    if (!visit(seq)) return;
    for (std::size_t i = 0; i < seq.children.size() && !exhausted_; ++i) fn(index(field, i), seq.item(i));
}

void context::unknown_key(const node& key_node, const std::string& field, std::span<const std::string_view> known,
                          std::string_view what) {
    std::string msg = "unknown key";
    if (!what.empty()) msg += std::string(" for ") + std::string(what);
    if (auto best = closest(key_node.text, known); !best.empty()) msg += "; did you mean \"" + best + "\"?";
    error(key_node, field, std::move(msg));
}

void read_string_map(context& ctx, const node& n, const std::string& field, bool list_ok,
                     std::map<std::string, std::string>& out,
                     const std::function<std::string(const std::string&)>& check_key, bare_entry bare) {
    if (n.is_null()) return;
    auto accept_key = [&](const node& at, const std::string& f, const std::string& key) {
        if (key.empty()) {
            ctx.error(at, f, "empty key");
            return false;
        }
        if (check_key) {
            if (auto msg = check_key(key); !msg.empty()) {
                ctx.error(at, f, msg);
                return false;
            }
        }
        return true;
    };
    if (n.is_mapping()) {
        ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
            std::string f = join(field, key);
            if (!accept_key(k, f, key)) return;
            if (v.is_sequence() || v.is_mapping()) {
                ctx.error(v, f, std::string("expected a string, number or boolean, got ") + describe(v));
                return;
            }
            if (auto s = ctx.string(v, f, true)) out[key] = std::move(*s);
        });
        return;
    }
    if (n.is_sequence() && list_ok) {
        std::map<std::string, std::pair<std::string, const node*>> where;  // key -> field and node of its entry
        ctx.each_item(n, field, [&](const std::string& f, const node& item) {
            auto s = ctx.string(item, f);
            if (!s) return;
            auto eq = s->find('=');
            if (eq == std::string::npos && bare == bare_entry::error) {
                ctx.value_error(item, f, *s, "expected KEY=VALUE");
                return;
            }
            std::string key = s->substr(0, eq);
            if (!accept_key(item, f, key)) return;
            // The key and both places only: values here are often secrets.
            if (auto it = where.find(key); it != where.end()) {
                const node& first = *it->second.second;
                ctx.error(item, f,
                          quote(key) + ": duplicate key; already set at line " + std::to_string(first.line) + ":" +
                              std::to_string(first.column) + " (" + it->second.first + ")");
                return;
            }
            where.emplace(key, std::pair{f, &item});
            if (eq != std::string::npos) {
                out[key] = s->substr(eq + 1);
            } else if (bare == bare_entry::empty) {
                out[key] = "";
            } else if (const auto* scope = ctx.compose(); scope != nullptr && scope->env) {
                if (auto value = scope->env(key)) out[key] = std::move(*value);
            }
        });
        return;
    }
    ctx.error(n, field, std::string(list_ok ? "expected a mapping or a list of KEY=VALUE, got "
                                            : "expected a mapping, got ") + describe(n));
}

void read_labels(context& ctx, const node& n, const std::string& field, std::map<std::string, std::string>& out,
                 bare_entry bare) {
    read_string_map(
        ctx, n, field, true, out,
        [](const std::string& key) -> std::string {
            if (key.rfind("io.driftless.", 0) == 0) return "label keys starting with \"io.driftless.\" are reserved";
            return {};
        },
        bare);
}

}  // namespace driftless::desired_state::detail
