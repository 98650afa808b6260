// Building librdkafka configurations from driftless's defaults and the
// user's `-X key=value` settings. Private to the Kafka clients (it includes
// rdkafka.h); other parts use kafka_uri.hpp.
#pragma once

#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "desired_state/result.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::watchers {

// Sets one property; an error quotes librdkafka's reason and names the
// setting as the user wrote it ("-X key=value: ..."), a secret's value
// redacted wherever it would appear (kafka_settings.hpp).
[[nodiscard]] status set_property(rd_kafka_conf_t* conf, const kafka_setting& setting);
[[nodiscard]] inline status set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    return set_property(conf, kafka_setting{key, value});
}

// Sets every setting in order; stops at the first error.
[[nodiscard]] status apply_settings(rd_kafka_conf_t* conf, const std::vector<kafka_setting>& settings);

// librdkafka's log_cb for spdlog (any thread). Its errors (syslog level 3)
// also reach error_cb, which is what reports them, so they go to debug here;
// warnings stay warnings.
void log_kafka_line(const rd_kafka_t* rk, int level, const char* facility, const char* text);

// The text of a librdkafka error code, e.g. "Local: Broker transport failure".
[[nodiscard]] std::string kafka_error_text(rd_kafka_resp_err_t err);

}  // namespace driftless::watchers
