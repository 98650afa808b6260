// Running a small program to completion (a docker credential helper):
// no shell, the program looked up on PATH, the given text on its stdin,
// its stdout and stderr collected, a time limit.
//
// Blocking: for at most `limit` (then the program is killed with SIGKILL
// and waited for). Safe to call from any thread. Its errors (a program
// that cannot start) are terminal until the system changes; a time-out is
// not an error here, and callers decide whether to try again.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::drivers {

struct program_result {
    int exit_code = -1;            // -1: killed by a signal (or by the time limit)
    bool timed_out = false;
    std::string out, err;          // each cut at 1 MiB
};

// Runs `argv` (argv[0] looked up on PATH unless it holds a '/') with
// `input` on its stdin and this process's environment. Not an error: a
// non-zero exit or a time-out (see program_result). An error: a program
// that cannot be started; "not_found" when it is not on PATH, else
// "invalid", with the system's reason.
[[nodiscard]] result<program_result> run_program(const std::vector<std::string>& argv, std::string_view input,
                                                 std::chrono::milliseconds limit);

}  // namespace driftless::drivers
