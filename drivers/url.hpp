// Building request targets safely: percent-encoding of query values and
// the engine's `filters` parameter. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftless::drivers {

// Percent-encodes everything but RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~), so the result is safe as a query key or value.
[[nodiscard]] std::string url_encode(std::string_view s);

// "?k1=v1&k2=v2" with keys and values encoded, in the given order; "" when
// `params` is empty.
[[nodiscard]] std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

// The JSON text the engine's `filters` query parameter expects, e.g.
// {"label":["io.driftless.owner=x"]}. Not yet URL-encoded.
[[nodiscard]] std::string filters_json(const std::map<std::string, std::vector<std::string>>& filters);

}  // namespace driftless::drivers
