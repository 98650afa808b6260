#include "reconciler/log.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace driftless::reconciler {

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

}  // namespace

status setup_logging(const std::string& format, const std::string& level) {
    auto logger = spdlog::stderr_color_mt("driftless");
    spdlog::set_default_logger(logger);
    if (format == "json") {
        logger->set_formatter(std::make_unique<json_formatter>());
    } else if (format == "text") {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
    } else {
        return error{"invalid", "--log-format \"" + format + "\": expected text or json"};
    }
    const auto lvl = spdlog::level::from_str(level);
    if (lvl == spdlog::level::off && level != "off")
        return error{"invalid", "--log-level \"" + level + "\": expected trace, debug, info, warn or error"};
    spdlog::set_level(lvl);
    return {};
}

}  // namespace driftless::reconciler
