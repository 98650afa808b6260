#include "cli/log.hpp"

#include <unistd.h>

#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "desired_state/printable.hpp"
#include "reconciler/progress.hpp"

namespace driftless::cli {

namespace {

// One JSON object per line; the message is escaped properly (spdlog's
// pattern formatter would not escape quotes in it).
class json_formatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        using namespace std::chrono;
        const auto t = system_clock::to_time_t(msg.time);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        const auto us = duration_cast<microseconds>(msg.time.time_since_epoch()).count() % 1000000;
        char full[48];
        std::snprintf(full, sizeof full, "%s.%06dZ", stamp, static_cast<int>(us));
        nlohmann::json line{{"time", full},
                            {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                                  spdlog::level::to_string_view(msg.level).size())},
                            {"msg", std::string(msg.payload.data(), msg.payload.size())}};
        const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

// Escapes the message, then lets `inner` lay the line out. Messages are
// built from text driftless does not control; escaping here covers every
// call site at once.
class escaping_formatter final : public spdlog::formatter {
public:
    explicit escaping_formatter(std::unique_ptr<spdlog::formatter> inner) : inner_(std::move(inner)) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string safe = desired_state::printable(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(safe.data(), safe.size());
        inner_->format(copy, dest);
        // The colour sink reads where the level's colour goes from the message it passed in.
        msg.color_range_start = copy.color_range_start;
        msg.color_range_end = copy.color_range_end;
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<escaping_formatter>(inner_->clone());
    }

private:
    std::unique_ptr<spdlog::formatter> inner_;
};

// stderr, around the progress line a terminal may show (reconciler/progress.hpp), with
// the level in colour on a terminal (unless NO_COLOR is set).
class stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    stderr_sink() : color_(isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t buf;
        formatter_->format(msg, buf);
        if (color_ && msg.color_range_end > msg.color_range_start && msg.color_range_end <= buf.size()) {
            std::string line(buf.data(), msg.color_range_start);
            line += colour(msg.level);
            line.append(buf.data() + msg.color_range_start, msg.color_range_end - msg.color_range_start);
            line += "\x1b[0m";
            line.append(buf.data() + msg.color_range_end, buf.size() - msg.color_range_end);
            reconciler::write_around_terminal_line(line.data(), line.size());
        } else {
            reconciler::write_around_terminal_line(buf.data(), buf.size());
        }
    }
    void flush_() override { std::fflush(stderr); }

private:
    static const char* colour(spdlog::level::level_enum l) {
        switch (l) {
        case spdlog::level::trace: return "\x1b[37m";
        case spdlog::level::debug: return "\x1b[36m";
        case spdlog::level::info: return "\x1b[32m";
        case spdlog::level::warn: return "\x1b[33m\x1b[1m";
        default: return "\x1b[31m\x1b[1m";
        }
    }
    bool color_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
    if (format == "json") return std::make_unique<escaping_formatter>(std::make_unique<json_formatter>());
    if (format == "text") {
        return std::make_unique<escaping_formatter>(
            std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v"));
    }
    return nullptr;
}

status setup_logging(const std::string& format, const std::string& level) {
    auto formatter = make_log_formatter(format);
    if (!formatter) return error{"invalid", "--log-format \"" + format + "\": expected text or json"};
    auto logger = std::make_shared<spdlog::logger>("driftless", std::make_shared<stderr_sink>());
    spdlog::set_default_logger(logger);
    logger->set_formatter(std::move(formatter));
    const auto lvl = spdlog::level::from_str(level);
    if (lvl == spdlog::level::off && level != "off")
        return error{"invalid", "--log-level \"" + level + "\": expected trace, debug, info, warn or error"};
    spdlog::set_level(lvl);
    return {};
}

}  // namespace driftless::cli
