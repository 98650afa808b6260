// A YAML document as a small immutable tree with 1-based positions, built
// from yaml-cpp's events. Internal to desired_state.
//
// Anchors and aliases share subtrees (an alias is a second pointer, never a
// copy), so an alias bomb stays small in memory; whoever walks the tree
// bounds the work with a visit budget (see context in reader.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/parse.hpp"

namespace driftless::desired_state::detail {

struct node {
    enum class type : std::uint8_t { null, scalar, sequence, mapping };
    type kind = type::null;
    // Compose's merge tags on a node of an override file: `!reset` drops
    // what the base file set, `!override` replaces it instead of merging.
    enum class merge_tag : std::uint8_t { none, reset, override };
    bool plain = true;          // a plain scalar (no quotes, no explicit tag)
    merge_tag tag = merge_tag::none;
    int line = 0;               // 1-based
    int column = 0;             // 1-based
    std::string text;           // scalar text as written (null: empty)
    const std::string* file = nullptr;  // the file it was read from, when not the document's own (override files)
    // sequence: the items; mapping: key, value, key, value, ... in order
    // (duplicate keys are kept so they can be reported).
    std::vector<std::shared_ptr<const node>> children;

    [[nodiscard]] bool is_null() const noexcept { return kind == type::null; }
    [[nodiscard]] bool is_scalar() const noexcept { return kind == type::scalar; }
    [[nodiscard]] bool is_sequence() const noexcept { return kind == type::sequence; }
    [[nodiscard]] bool is_mapping() const noexcept { return kind == type::mapping; }
    [[nodiscard]] std::size_t pairs() const noexcept { return children.size() / 2; }
    [[nodiscard]] const node& key(std::size_t i) const { return *children[2 * i]; }
    [[nodiscard]] const node& value(std::size_t i) const { return *children[2 * i + 1]; }
    [[nodiscard]] const node& item(std::size_t i) const { return *children[i]; }
};

using node_ptr = std::shared_ptr<const node>;

// "a list", "a mapping", "null" or "a string", for type errors.
[[nodiscard]] const char* describe(const node& n) noexcept;

// The documents of one text, in order. Empty documents (nothing but `---`
// or comments, or an explicit null) are left out. Errors in the bytes
// (size, NUL, invalid UTF-8, control characters), in the YAML syntax and
// nesting deeper than options.max_depth are appended to `errors`; the
// documents read before a syntax error are still returned.
// `file`, when given, is recorded in every node (it must outlive them).
[[nodiscard]] std::vector<node_ptr> load_documents(std::string_view text, const std::string& path,
                                                   const parse_options& options,
                                                   std::vector<diagnostic>& errors,
                                                   const std::string* file = nullptr);

}  // namespace driftless::desired_state::detail
