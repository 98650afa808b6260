#include "reconciler/progress.hpp"

#include <cstdio>
#include <mutex>

namespace driftless::reconciler {

namespace {

std::mutex terminal_mutex;
std::string terminal_line;   // guarded by terminal_mutex

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

std::string counts_text(const std::map<action_type, std::size_t>& done, std::size_t failed, std::size_t waiting) {
    std::string out;
    auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    for (const auto& [type, n] : done)
        if (n > 0) add(std::to_string(n) + " " + done_word(type));
    if (failed > 0) add(std::to_string(failed) + " failed");
    if (waiting > 0) add(std::to_string(waiting) + " waiting");
    return out;
}

}  // namespace

void set_terminal_line(std::string line) {
    std::lock_guard lock(terminal_mutex);
    if (line == terminal_line) return;
    // \r and erase-line, then the new text without a newline: the cursor
    // stays on it, so the next draw or log line starts at its beginning.
    std::fputs("\r\x1b[K", stderr);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    terminal_line = std::move(line);
}

void write_around_terminal_line(const char* text, std::size_t size) {
    std::lock_guard lock(terminal_mutex);
    if (!terminal_line.empty()) std::fputs("\r\x1b[K", stderr);
    std::fwrite(text, 1, size, stderr);
    if (!terminal_line.empty()) std::fputs(terminal_line.c_str(), stderr);
    std::fflush(stderr);
}

const char* done_word(action_type t) noexcept {
    switch (t) {
    case action_type::create: return "created";
    case action_type::update: return "updated";
    case action_type::start: return "started";
    case action_type::remove: return "removed";
    case action_type::adopt: return "taken over";
    case action_type::rollout: return "rollout step(s)";
    default: return to_string(t);
    }
}

std::string pass_summary(const plan& p, const execution_report& r, double seconds) {
    std::map<action_type, std::size_t> done;
    std::size_t failed = 0, waiting = 0, ran = 0;
    const action* slowest = nullptr;
    std::chrono::milliseconds slowest_took{0};
    for (std::size_t i = 0; i < p.actions.size() && i < r.results.size(); ++i) {
        const auto& res = r.results[i];
        const auto& a = p.actions[i];
        if (res.result == outcome::succeeded) ++done[a.type];
        else if (res.result == outcome::failed) ++failed;
        else if (res.result == outcome::skipped && a.type == action_type::wait) ++waiting;
        if (res.took.count() > 0 || res.result == outcome::succeeded) ++ran;
        if (res.took > slowest_took) {
            slowest_took = res.took;
            slowest = &a;
        }
    }
    if (ran == 0) return {};
    const bool converged = failed == 0 && r.count(outcome::skipped) == 0 && r.count(outcome::reported) == 0;
    std::string out = (converged ? "converged: " : "pass done: ") + counts_text(done, failed, waiting) + " in " + seconds_text(seconds);
    if (slowest && ran > 1)
        out += " (slowest: " + std::string(to_string(slowest->type)) + " " + slowest->key.to_string() + ", " +
               seconds_text(std::chrono::duration<double>(slowest_took).count()) + ")";
    return out;
}

terminal_progress::terminal_progress(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {}

terminal_progress::~terminal_progress() {
    if (active_) set_terminal_line({});
}

void terminal_progress::starting(const plan& p, std::size_t to_run) {
    plan_ = &p;
    to_run_ = to_run;
    finished_ = failed_ = 0;
    succeeded_.clear();
    running_.clear();
    active_ = to_run > 0;
    if (active_) tick();
}

void terminal_progress::started(std::size_t index) {
    running_[index] = std::chrono::steady_clock::now();
    draw();
}

void terminal_progress::finished(std::size_t index, const action_result& r) {
    running_.erase(index);
    ++finished_;
    if (r.result == outcome::succeeded && plan_) ++succeeded_[plan_->actions[index].type];
    else if (r.result == outcome::failed) ++failed_;
    draw();
}

void terminal_progress::done() {
    active_ = false;
    timer_.cancel();
    set_terminal_line({});
}

std::string terminal_progress::line(std::chrono::steady_clock::time_point now) const {
    std::string out = std::to_string(std::min(finished_, to_run_)) + "/" + std::to_string(to_run_);
    if (auto counts = counts_text(succeeded_, failed_, 0); !counts.empty()) out += ": " + counts;
    out += "\xe2\x80\xa6";   // …
    if (!running_.empty() && plan_) {
        auto oldest = running_.begin();
        for (auto it = running_.begin(); it != running_.end(); ++it)
            if (it->second < oldest->second) oldest = it;
        const auto& a = plan_->actions[oldest->first];
        out += " slowest: " + std::string(to_string(a.type)) + " " + a.key.to_string() + " " +
               seconds_text(std::chrono::duration<double>(now - oldest->second).count());
    }
    return out;
}

void terminal_progress::draw() {
    if (active_) set_terminal_line(line(std::chrono::steady_clock::now()));
}

// Redraws while actions run, so the slowest one's time moves.
void terminal_progress::tick() {
    draw();
    timer_.expires_after(std::chrono::milliseconds(250));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && active_) tick();
    });
}

}  // namespace driftless::reconciler
