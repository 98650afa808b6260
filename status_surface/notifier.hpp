// --notify URL: the events (reconciler/events.hpp) POSTed as JSON to webhooks, apart
// from the loop. Per destination: a filter on event types, a bounded queue
// that drops its oldest first and says so in the next delivery, retries
// with backoff (in order: an event is sent only after the one before it),
// and repeat suppression (the same event for the same object within a
// window is sent once). A slow or failing destination never delays a pass:
// the loop only appends to a queue.
//
// A destination's options ride in its URL's fragment, which HTTP never
// sends: http://host:8080/hook#events=failed,healed,rolled_back&format=slack
//   events   event type names (reconciler/events.hpp); default: all but pass_started
//            and pass_finished
//   format   json (default: the event as /api/v1/events has it) or slack
//            ({"text": "..."}, what chat webhooks take)
//
// Threading: on the loop's io_context thread, like the event log.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "reconciler/events.hpp"

namespace driftless::status_surface {

struct notify_target {
    std::string shown;             // scheme://host:port/path, without the fragment (for logs)
    std::string host;
    std::uint16_t port = 80;       // 443 for https
    bool tls = false;              // https: TLS, the system's trusted CAs, the host name checked
    std::string target = "/";      // path and query
    std::set<reconciler::event_type> events;   // sent types
    enum class format { json, slack } form = format::json;
};

// Parses one --notify value: http:// or https://.
[[nodiscard]] result<notify_target> parse_notify(const std::string& text);

// The body POSTed for `e` (json or slack form); `dropped`: events dropped
// from the queue just before it (said in the body).
[[nodiscard]] std::string notify_body(const notify_target& t, const reconciler::event& e, std::uint64_t dropped);

struct notifier_options {
    std::size_t queue = 1000;                          // per destination
    std::chrono::milliseconds timeout{5000};           // per delivery: connect, send, answer
    std::chrono::milliseconds first_retry{1000};
    std::chrono::milliseconds max_retry{60000};
    std::chrono::seconds repeat_window{600};           // the same event for the same object: once per window
};

class notifier {
public:
    notifier(boost::asio::any_io_executor ex, std::vector<notify_target> targets, notifier_options options = {});
    ~notifier();
    notifier(const notifier&) = delete;
    notifier& operator=(const notifier&) = delete;

    // Follows `log` from now on (until stop).
    void attach(reconciler::event_log& log);
    // Stops sending; what is queued is dropped. Returns at once.
    void stop();

    struct counts {
        std::uint64_t sent = 0, failed_attempts = 0, dropped = 0, suppressed = 0;
        std::size_t queued = 0;
    };
    [[nodiscard]] counts stats(std::size_t target) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace driftless::status_surface
