// ${VAR} expansion of scalar values. Internal to desired_state.
//
// Forms (as in docker compose): ${VAR}; ${VAR:-default} (default when VAR is
// unset or empty); ${VAR-default} (default only when unset); ${VAR:?message}
// and ${VAR?message} (an error with that message); ${VAR:+alt} and
// ${VAR+alt} (alt when set); $$ for a literal "$". A default may itself hold
// ${...}. In driftless documents a "$" not followed by "{" or "$" is kept
// as written: bare $VAR is NOT expanded, so shell snippets such as
// `sh -c 'echo $HOME'` survive. In compose files (`bare`), $VAR expands as
// compose expands it. VAR is [A-Za-z_][A-Za-z0-9_]*. An unset variable
// without a default is an error in both.
//
// Errors name the variable, never its value.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/parse.hpp"

namespace driftless::desired_state::detail {

struct expansion {
    std::string value;
    std::string error;           // non-empty: what is wrong (value is then meaningless)
};

[[nodiscard]] expansion expand_variables(std::string_view text, const env_lookup& env, bool bare = false);

}  // namespace driftless::desired_state::detail
