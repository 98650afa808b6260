#include "watchers/kafka_conf.hpp"

#include <spdlog/spdlog.h>

#include "watchers/kafka_settings.hpp"

namespace driftless::watchers {

status set_property(rd_kafka_conf_t* conf, const kafka_setting& setting) {
    char reason[512] = "";
    if (rd_kafka_conf_set(conf, setting.key.c_str(), setting.value.c_str(), reason, sizeof reason) == RD_KAFKA_CONF_OK)
        return {};
    // librdkafka may quote the value it refused.
    std::string why = reason;
    if (is_secret_setting(setting.key) && !setting.value.empty())
        for (auto at = why.find(setting.value); at != std::string::npos;
             at = why.find(setting.value, at + redacted.size()))
            why.replace(at, setting.value.size(), redacted);
    return error{"invalid", shown_setting(setting) + ": " + why};
}

status apply_settings(rd_kafka_conf_t* conf, const std::vector<kafka_setting>& settings) {
    for (const auto& s : settings)
        if (auto st = set_property(conf, s); !st.ok()) return st;
    return {};
}

void log_kafka_line(const rd_kafka_t*, int level, const char* facility, const char* text) {
    if (level <= 2) spdlog::error("kafka: {}: {}", facility, text);
    else if (level == 4) spdlog::warn("kafka: {}: {}", facility, text);
    else if (level <= 6) spdlog::debug("kafka: {}: {}", facility, text);
    else spdlog::trace("kafka: {}: {}", facility, text);
}

std::string kafka_error_text(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

}  // namespace driftless::watchers
