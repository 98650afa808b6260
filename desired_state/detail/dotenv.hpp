// The `.env` and `env_file` format docker compose reads. Internal to
// desired_state.
//
// One KEY=VALUE per line; blank lines and lines starting with # are
// skipped; an `export ` prefix is allowed. Values:
//   unquoted  trimmed; ` #` starts a comment
//   '...'     taken literally
//   "..."     \n \t \r \" \\ and \$ escapes; may span lines
// A line KEY alone (no "=") sets nothing; compose reads it as "take KEY
// from the environment", which env_file callers do.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace driftless::desired_state::detail {

struct dotenv_entry {
    std::string key;
    std::optional<std::string> value;   // nullopt: KEY alone on its line
    int line = 0;
};

struct dotenv {
    std::vector<dotenv_entry> entries;  // in file order; a later key wins
    std::string error;                  // "LINE: what is wrong"; entries then hold what came before it
    int error_line = 0;
};

[[nodiscard]] dotenv parse_dotenv(std::string_view text);

}  // namespace driftless::desired_state::detail
