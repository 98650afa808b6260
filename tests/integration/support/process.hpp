// Running programs from integration tests: a command to completion with its
// output, a long-running child (driftless run) that can be signalled, and
// waiting on a condition with a deadline (never a fixed sleep).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace driftless::testing {

struct command_result {
    int exit_code = -1;          // -1: did not exit normally
    std::string out;             // stdout
    std::string err;             // stderr
};

// Runs `argv` (no shell) with extra environment entries ("K=V"), waits for it
// and returns its exit code and output. Kills it after `timeout`.
command_result run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                   std::chrono::seconds timeout = std::chrono::seconds(120));

// Runs `script` with /bin/sh -c.
command_result sh(const std::string& script, std::chrono::seconds timeout = std::chrono::seconds(120));

// A child process whose stdout and stderr go to a log file. The destructor
// kills it (SIGKILL) if it still runs.
class child {
public:
    child(const std::vector<std::string>& argv, const std::vector<std::string>& env, std::string log_path);
    ~child();
    child(const child&) = delete;
    child& operator=(const child&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    void signal(int sig);
    // Waits up to `timeout` for exit; the exit code, or -1 (still running or killed by a signal).
    int wait(std::chrono::milliseconds timeout);
    [[nodiscard]] bool running();
    [[nodiscard]] std::string log() const;
    [[nodiscard]] const std::string& log_path() const noexcept { return log_path_; }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = 0;
    std::string log_path_;
};

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Unique names for one test run: "PREFIX-<pid>-<n>".
std::string unique_id(const std::string& prefix);

}  // namespace driftless::testing
