// The status page at `/`: one self-contained HTML document (no CDN, no
// external font or script), readable on a phone. Rendered here from the
// loop's status, so it shows the state without JavaScript (and reloads
// itself then); with JavaScript it follows /api/v1/events and draws again
// from /api/v1/state on each event. Everything shown comes from users'
// files and the engine: it is escaped here, and set as text by the script.
#pragma once

#include <string>
#include <string_view>

#include "reconciler/events.hpp"
#include "reconciler/status.hpp"

namespace driftless::status_surface {

// `text` with & < > " ' replaced by their character references.
[[nodiscard]] std::string html_escape(std::string_view text);

// `events`, when given: its latest events are listed (newest first), and
// the page's stream starts after them.
[[nodiscard]] std::string status_page(const reconciler::loop_status& s, const reconciler::event_log* events = nullptr);

}  // namespace driftless::status_surface
