// What a person sees while a pass works: on a terminal, one line under the
// log that redraws itself (`12/50: 10 created, 2 updated… slowest: create
// Service/web 3.1 s`); and, terminal or not, one summary line when a pass
// that did work ends (`converged: 3 created, 1 updated in 2.4 s`).
//
// The line is drawn on stderr, where the log goes: the log's sink clears it
// before a log line and draws it again after (cli/log.cpp), so the two never
// garble each other. Never drawn when stderr is not a terminal.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "reconciler/executor.hpp"

namespace driftless::reconciler {

// The line at the bottom of the terminal; "" = none. Thread-safe.
void set_terminal_line(std::string line);
// Writes `text` (whole lines) to stderr around the terminal line: clears it,
// writes, draws it again. What the log's sink calls.
void write_around_terminal_line(const char* text, std::size_t size);

// "create" -> "created", ... ("taken over" for adopt).
[[nodiscard]] const char* done_word(action_type t) noexcept;

// The pass's summary, or "" when it carried nothing out (every action was
// reported, waiting or backing off). `seconds` is the pass's duration.
[[nodiscard]] std::string pass_summary(const plan& p, const execution_report& r, double seconds);

// Draws the progress line of one execution on a terminal.
class terminal_progress final : public execution_observer {
public:
    explicit terminal_progress(boost::asio::any_io_executor ex);
    ~terminal_progress() override;

    void starting(const plan& p, std::size_t to_run) override;
    void started(std::size_t index) override;
    void finished(std::size_t index, const action_result& r) override;
    void done() override;

    // The line as it would be drawn now (for tests).
    [[nodiscard]] std::string line(std::chrono::steady_clock::time_point now) const;

private:
    void draw();
    void tick();

    boost::asio::steady_timer timer_;
    const plan* plan_ = nullptr;
    std::size_t to_run_ = 0;
    std::size_t finished_ = 0;
    std::size_t failed_ = 0;
    std::map<action_type, std::size_t> succeeded_;
    std::map<std::size_t, std::chrono::steady_clock::time_point> running_;   // index -> since
    bool active_ = false;
};

}  // namespace driftless::reconciler
