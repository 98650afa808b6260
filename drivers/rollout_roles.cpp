// The reserved names of a rollout's containers (driver.hpp, rollout_role).
#include "drivers/driver.hpp"

namespace driftless::drivers {

const char* suffix_of(rollout_role r) noexcept {
    switch (r) {
    case rollout_role::none: return "";
    case rollout_role::previous: return "--PREVIOUS";
    case rollout_role::next: return "--NEXT";
    case rollout_role::failed: return "--FAILED";
    }
    return "";
}

const char* to_string(rollout_role r) noexcept {
    switch (r) {
    case rollout_role::none: return "";
    case rollout_role::previous: return "previous";
    case rollout_role::next: return "next";
    case rollout_role::failed: return "failed";
    }
    return "";
}

std::string engine_name(const std::string& spec_name, rollout_role r) { return spec_name + suffix_of(r); }

std::optional<rollout_role> role_of(std::string_view engine_name, std::string_view labelled) noexcept {
    if (labelled.empty() || engine_name.substr(0, labelled.size()) != labelled) return std::nullopt;
    const std::string_view rest = engine_name.substr(labelled.size());
    for (const auto r : {rollout_role::none, rollout_role::previous, rollout_role::next, rollout_role::failed})
        if (rest == suffix_of(r)) return r;
    return std::nullopt;
}

const char* to_string(rollout_step s) noexcept {
    switch (s) {
    case rollout_step::begin_stop_first: return "begin stop-first";
    case rollout_step::begin_start_first: return "begin start-first";
    case rollout_step::create_candidate: return "create the candidate";
    case rollout_step::promote: return "promote";
    case rollout_step::finish: return "finish";
    case rollout_step::roll_back: return "roll back";
    case rollout_step::restore: return "restore";
    case rollout_step::quiet: return "stop the failed candidate";
    case rollout_step::clear_failed_update: return "clear the failed update";
    }
    return "?";
}

}  // namespace driftless::drivers
