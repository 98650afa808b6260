// Kafka client settings as the user gives them: `-X key=value` and
// `-X @FILE` (one key=value per line), and how they are shown in messages
// without their secrets.
//
// Pure except read_kafka_settings, which reads the `@FILE`s named.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::watchers {

// What a secret's value is shown as.
inline constexpr std::string_view redacted = "<redacted>";

// Whether a setting's value is a secret never to be shown: its name holds
// "password", "secret", "token" or ".key" (sasl.password, ssl.key.password,
// ssl.keystore.password, sasl.oauthbearer.client.secret, ssl.key.pem), or
// it is one of the settings that embed credentials (sasl.jaas.config,
// sasl.oauthbearer.config). Case-insensitive.
[[nodiscard]] bool is_secret_setting(std::string_view key);

// The value as messages show it: `value`, or <redacted> for a secret.
[[nodiscard]] std::string shown_value(std::string_view key, std::string_view value);

// A setting as messages show it: "-X key=value", "FILE:3: key=<redacted>".
[[nodiscard]] std::string shown_setting(const kafka_setting& s);

// Text that failed to parse as key=value, as messages show it: as given,
// or only its leading name part followed by "..." when it names a secret.
[[nodiscard]] std::string shown_setting_text(std::string_view text);

// The settings of every argument of `flag` ("-X", "--status-X"), in order:
// "key=value", or "@FILE" for a file of key=value lines (blank lines and
// lines starting with '#' skipped; spaces around key and value trimmed).
// A file's settings carry "FILE:LINE:" as their origin. An error names the
// argument or the file and line; no message shows a secret's value.
[[nodiscard]] result<std::vector<kafka_setting>> read_kafka_settings(const std::vector<std::string>& args,
                                                                     std::string_view flag);

}  // namespace driftless::watchers
