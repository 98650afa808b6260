#include "desired_state/detail/fields.hpp"
#include "desired_state/detail/shell_split.hpp"

namespace driftless::desired_state::detail {

void read_command(context& ctx, const node& n, const std::string& field,
                  std::optional<std::vector<std::string>>& out) {
    if (n.is_null()) return;  // unset: the image's default
    if (n.is_sequence()) {
        std::vector<std::string> words;
        bool ok = true;
        ctx.each_item(n, field, [&](const std::string& f, const node& item) {
            if (!item.is_scalar()) {
                ctx.error(item, f, std::string("expected a string, got ") + describe(item));
                ok = false;
                return;
            }
            if (auto s = ctx.string(item, f)) words.push_back(std::move(*s));
            else ok = false;
        });
        if (ok) out = std::move(words);
        return;
    }
    if (!n.is_scalar()) {
        ctx.error(n, field, std::string("expected a list of strings or a string, got ") + describe(n));
        return;
    }
    auto s = ctx.string(n, field);
    if (!s) return;
    auto split = shell_split(*s);
    if (!split.error.empty()) {
        ctx.value_error(n, field, *s, split.error);
        return;
    }
    out = std::move(split.words);
}

}  // namespace driftless::desired_state::detail
