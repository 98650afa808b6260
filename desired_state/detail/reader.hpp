// Reading typed values out of a document tree, with every problem recorded
// as a diagnostic at the value's place. Internal to desired_state.
//
// Readers never stop at the first error: they record it and return nullopt
// so the caller can go on and find the next one. Every node visited counts
// against parse_options::max_nodes; once the budget is spent one error is
// recorded and every reader returns nullopt (aliases make a small document
// describe a huge tree).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/detail/tree.hpp"
#include "desired_state/diagnostic.hpp"
#include "desired_state/parse.hpp"

namespace driftless::desired_state::detail {

// The pieces of `text` between each `sep` ("a::b" gives "a", "", "b"); at
// least one piece.
[[nodiscard]] std::vector<std::string> split_on(std::string_view text, char sep);

// "a.b", "a" (prefix empty) and "a[3]" field paths.
[[nodiscard]] std::string join(const std::string& prefix, std::string_view key);
[[nodiscard]] std::string index(const std::string& prefix, std::size_t i);
// `"text"` with quotes, control characters escaped (printable), text longer
// than max_echoed_chars shortened.
[[nodiscard]] std::string quote(std::string_view text);
// The closest candidate within a small edit distance, or "".
[[nodiscard]] std::string closest(std::string_view word, std::span<const std::string_view> candidates);

class context {
public:
    context(std::string path, const parse_options& options, std::vector<diagnostic>& errors);

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const parse_options& options() const noexcept { return options_; }
    [[nodiscard]] source_location where(const node& n) const { return {n.file ? *n.file : path_, n.line, n.column}; }
    // Keeps a file name and a tree read besides the document (an override
    // file) alive as long as the context; the name's address is stable.
    const std::string& keep_file(std::string path) { return kept_files_.emplace_back(std::move(path)); }
    void keep(node_ptr tree) { kept_trees_.push_back(std::move(tree)); }
    // Where problems found outside the readers (an override file's syntax) go.
    [[nodiscard]] std::vector<diagnostic>& diagnostics() noexcept { return errors_; }

    // A compose file's scope: its variables (the project's .env under the
    // allowed process environment; bare $VAR expands too), the folder its
    // relative paths resolve against, and the files it read besides.
    struct compose_scope {
        env_lookup env;
        std::string base_dir;   // absolute, no trailing "/"
        std::string home;       // for "~/..." paths; "" = none
    };
    void enter_compose(compose_scope scope) { compose_ = std::move(scope); }
    [[nodiscard]] const compose_scope* compose() const noexcept { return compose_ ? &*compose_ : nullptr; }
    [[nodiscard]] std::vector<companion>& companions() noexcept { return companions_; }

    // Records a diagnostic; each dotted part of `field` longer than
    // max_echoed_chars is shortened (printable.hpp).
    void error(const node& at, const std::string& field, std::string message);
    // An error about a scalar value: `field: "value": message`. When the
    // scalar was written with a variable, the text as written is shown
    // instead of `value`, so an expanded value never reaches a message.
    void value_error(const node& at, const std::string& field, std::string_view value, std::string message);

    // Counts one visit; false once the budget is spent.
    bool visit(const node& n);
    [[nodiscard]] bool exhausted() const noexcept { return exhausted_; }
    [[nodiscard]] std::size_t error_count() const noexcept { return errors_.size(); }

    // A scalar's text after ${VAR} expansion. Null is accepted only when
    // null_as_empty (then ""). Type errors and expansion errors recorded.
    std::optional<std::string> string(const node& n, const std::string& field, bool null_as_empty = false);
    std::optional<bool> boolean(const node& n, const std::string& field);
    std::optional<std::int64_t> integer(const node& n, const std::string& field, std::int64_t min,
                                        std::int64_t max);
    // One of `allowed`, with a did-you-mean when close.
    std::optional<std::string> one_of(const node& n, const std::string& field,
                                      std::initializer_list<std::string_view> allowed);

    // Type checks recording "expected X, got Y".
    bool expect_mapping(const node& n, const std::string& field);
    bool expect_sequence(const node& n, const std::string& field);

    // Calls fn(key, key_node, value_node) for each pair of a mapping, in
    // order. Keys that are not strings and keys written twice are reported
    // here and not passed on.
    void each_pair(const node& map, const std::string& field,
                   const std::function<void(const std::string&, const node&, const node&)>& fn);
    // Each item of a sequence with its field path.
    void each_item(const node& seq, const std::string& field,
                   const std::function<void(const std::string&, const node&)>& fn);

    // Reports `key` as unknown (with a did-you-mean among `known`).
    void unknown_key(const node& key_node, const std::string& field, std::span<const std::string_view> known,
                     std::string_view what = "");

private:
    std::string path_;
    const parse_options& options_;
    std::vector<diagnostic>& errors_;
    std::size_t budget_;
    std::size_t reported_ = 0;
    bool exhausted_ = false;
    std::optional<compose_scope> compose_;
    std::vector<companion> companions_;
    std::deque<std::string> kept_files_;
    std::vector<node_ptr> kept_trees_;
};

// What a list entry without "=" means in read_string_map: an error (driftless
// documents), an empty value (compose labels), or a variable passed through
// from the compose scope, left out when it is unset (compose environment).
enum class bare_entry { error, empty, pass_through };

// A string map (labels, env, driver_opts) from a mapping of scalars
// (numbers and booleans as written, null as "") or, when `list_ok`, a list of
// "KEY=VALUE". Duplicate keys are errors. `check_key` may return a message
// for a key that is not allowed.
void read_string_map(context& ctx, const node& n, const std::string& field, bool list_ok,
                     std::map<std::string, std::string>& out,
                     const std::function<std::string(const std::string&)>& check_key = {},
                     bare_entry bare = bare_entry::error);

// Labels: read_string_map that rejects the reserved io.driftless. prefix;
// a list entry without "=" is a label with an empty value, as in compose.
void read_labels(context& ctx, const node& n, const std::string& field, std::map<std::string, std::string>& out,
                 bare_entry bare = bare_entry::empty);

}  // namespace driftless::desired_state::detail
