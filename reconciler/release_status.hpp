// What a followed registry image runs (reconciler/releases.hpp), as
// /api/v1/state and `plan` show it.
#pragma once

#include <string>
#include <vector>

#include "desired_state/spec.hpp"

namespace driftless::reconciler {

// What a followed repository runs, for /api/v1/state and `plan`.
struct release_status {
    std::string image;                    // the repository, as the spec names it
    desired_state::follow_rule rule;
    std::vector<std::string> services;    // the services following it
    std::string tag;                      // the pick; "" while there is none
    std::string digest;
    std::string created;                  // RFC 3339: when the picked image was created
    // Newer tags not taken, highest first, each with why: "1.5.0 (not in
    // ~1.4)", "1.4.2 (created 2h ago; min_age 72h)".
    std::vector<std::string> passed_over;
    std::string checked_at;               // RFC 3339: the last check that answered
    std::string error;                    // the last check's error; "" when it answered
};

// A rule's summary as `plan` prints it: "127.0.0.1:5000/app ~1.4, min_age
// 72h: 1.4.1 (sha256:0123456789ab); not taken: 1.5.0 (not in ~1.4)".
[[nodiscard]] std::string release_line(const release_status& r);

}  // namespace driftless::reconciler
