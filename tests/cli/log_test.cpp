#include <doctest/doctest.h>

#include <sstream>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "cli/log.hpp"

namespace {

// What one message logged at warn level prints with the formatter of `format`.
std::string logged(const std::string& format, const std::string& message) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    spdlog::logger logger("log_test", sink);
    auto formatter = driftless::cli::make_log_formatter(format);
    REQUIRE(formatter != nullptr);
    logger.set_formatter(std::move(formatter));
    logger.warn("{}: unknown key", message);
    return out.str();
}

bool has_control_bytes_before_end(const std::string& line) {
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("log lines escape control characters and invalid UTF-8") {
    const std::string hostile = "web.yaml\n2026-01-01T00:00:00.000 info  converged\x1b[2J\t\xc2\x9b\xff";
    SUBCASE("text") {
        const std::string line = logged("text", hostile);
        INFO(line);
        CHECK(line.ends_with(" warning web.yaml\\n2026-01-01T00:00:00.000 info  converged\\x1b[2J\\t\\u009b\\xff: "
                             "unknown key\n"));
        CHECK_FALSE(has_control_bytes_before_end(line));
    }
    SUBCASE("json") {
        const std::string line = logged("json", hostile);
        CHECK(line.find("\"msg\":\"web.yaml\\\\n2026-01-01T00:00:00.000 info  "
                        "converged\\\\x1b[2J\\\\t\\\\u009b\\\\xff: unknown key\"") != std::string::npos);
        CHECK_FALSE(has_control_bytes_before_end(line));
    }
    CHECK(driftless::cli::make_log_formatter("xml") == nullptr);
}
