#include "reconciler/status.hpp"

#include <ctime>
#include <sstream>

namespace driftless::reconciler {

std::string to_rfc3339(std::chrono::system_clock::time_point at) {
    using namespace std::chrono;
    const auto t = system_clock::to_time_t(at);
    const auto ms = duration_cast<milliseconds>(at.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms < 0 ? ms + 1000 : ms));
    return out;
}

std::string now_rfc3339() {
    return to_rfc3339(std::chrono::system_clock::now());
}

std::string plan_line(const action& a) {
    std::string line;
    line += symbol(a.type);
    line += ' ';
    line += a.key.to_string();
    if (a.type == action_type::create && a.want) {
        if (const auto* s = a.want->spec.as_service()) line += "  image " + s->image;
    }
    if (!a.reason.empty()) line += "  (" + a.reason + ")";
    return line;
}

nlohmann::json to_json(const desired_state::resource_key& key, const object_status& o) {
    return {{"kind", desired_state::to_string(key.kind)},
            {"name", key.name},
            {"desired_hash", o.desired_hash},
            {"actual_hash", o.actual_hash},
            {"observed", o.observed},
            {"last_action", o.last_action},
            {"last_result", o.last_result},
            {"error", o.error},
            {"backoff_ms", o.backoff_ms},
            {"drifted", o.drifted},
            {"failing", o.failing},
            {"since", o.since}};
}

nlohmann::json to_json(const loop_status& s) {
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& [key, o] : s.objects) objects.push_back(to_json(key, o));
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& d : s.source_errors)
        errors.push_back({{"where", d.where.to_string()}, {"field", d.field}, {"message", d.message}, {"text", d.to_string()}});
    nlohmann::json desired = nlohmann::json::object();
    if (s.desired_snapshot)
        for (const auto& [key, entry] : s.desired_snapshot->resources)
            desired[key.to_string()] = {{"hash", entry.hash}, {"source", entry.spec.origin.to_string()}};
    nlohmann::json actual = nlohmann::json::array();
    for (const auto& a : s.actual)
        actual.push_back({{"kind", desired_state::to_string(a.kind)}, {"name", a.name}, {"id", a.id},
                          {"state", a.state}, {"running", a.running}, {"hash", a.spec_hash},
                          {"tasks_running", a.tasks_running}, {"tasks_desired", a.tasks_desired},
                          {"task_error", a.task_error}, {"role", drivers::to_string(a.role)}});
    nlohmann::json releases = nlohmann::json::array();
    for (const auto& r : s.releases)
        releases.push_back({{"image", r.image},
                            {"rule", {{"semver", r.rule.semver}, {"min_age_seconds", r.rule.min_age_ns / 1'000'000'000},
                                      {"interval_seconds", r.rule.interval_ns / 1'000'000'000}}},
                            {"services", r.services},
                            {"tag", r.tag},
                            {"digest", r.digest},
                            {"created", r.created},
                            {"not_taken", r.passed_over},
                            {"checked_at", r.checked_at},
                            {"error", r.error}});
    return {{"instance", {{"owner", s.instance.owner}, {"driver", s.instance.driver}, {"sources", s.instance.sources},
                          {"last_pass_seconds", s.metrics.last_pass_seconds}}},
            {"synced", s.synced},
            {"ready", s.ready},
            {"engine_error", s.engine_error},
            {"desired_version", s.desired_version},
            {"counts", {{"desired", s.desired}, {"managed", s.managed}, {"drifted", s.drifted}, {"failing", s.failing},
                        {"rolling_out", s.rolling_out}, {"rolled_back", s.rolled_back}, {"paused", s.paused}}},
            {"desired", desired},
            {"actual", actual},
            {"last_plan", s.last_plan},
            {"guard", s.guard_message},
            {"last_pass_at", s.last_pass_at},
            {"objects", objects},
            {"source_errors", errors},
            {"releases", releases}};
}

namespace {

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

// A family of one sample without labels.
template <typename T>
void single(std::ostringstream& out, const char* name, const char* type, const char* help, T value) {
    family(out, name, type, help);
    out << name << ' ' << value << '\n';
}

}  // namespace

std::string to_prometheus(const loop_status& s) {
    std::ostringstream out;
    const auto& m = s.metrics;
    single(out, "driftless_passes_total", "counter", "Reconcile passes run.", m.passes);
    single(out, "driftless_pass_failures_total", "counter", "Passes abandoned because the engine failed (list or connect).", m.passes_failed);
    // Every pass's duration is the histogram driftless_pass_duration_seconds
    // (its _sum is the total time spent in passes).
    single(out, "driftless_last_pass_duration_seconds", "gauge", "Duration of the latest pass.", m.last_pass_seconds);
    single(out, "driftless_pass_cpu_seconds", "gauge", "CPU time of the latest pass.", m.last_pass_cpu_seconds);
    single(out, "driftless_pass_cpu_seconds_total", "counter", "Total CPU time spent in passes.", m.pass_cpu_seconds_sum);
    single(out, "driftless_pass_engine_requests", "gauge", "Engine requests sent by the latest pass.", m.last_pass_engine_requests);
    single(out, "driftless_engine_requests_total", "counter", "Engine requests sent, the events stream included.", m.engine_requests_total);
    family(out, "driftless_actions_total", "counter", "Actions executed, by kind and result.");
    for (const auto& [k, v] : m.actions)
        out << "driftless_actions_total{action=\"" << k.first << "\",result=\"" << k.second << "\"} " << v << '\n';
    family(out, "driftless_objects", "gauge", "Objects by state: desired, managed, drifted, failing, rolling_out, rolled_back, paused.");
    out << "driftless_objects{state=\"desired\"} " << s.desired << '\n';
    out << "driftless_objects{state=\"managed\"} " << s.managed << '\n';
    out << "driftless_objects{state=\"drifted\"} " << s.drifted << '\n';
    out << "driftless_objects{state=\"failing\"} " << s.failing << '\n';
    out << "driftless_objects{state=\"rolling_out\"} " << s.rolling_out << '\n';
    out << "driftless_objects{state=\"rolled_back\"} " << s.rolled_back << '\n';
    out << "driftless_objects{state=\"paused\"} " << s.paused << '\n';
    single(out, "driftless_rollbacks_total", "counter", "Health-gated updates rolled back.", m.rollbacks);
    single(out, "driftless_source_errors", "gauge", "Source documents or records currently in error.", s.source_errors.size());
    single(out, "driftless_source_errors_total", "counter", "Source errors seen since start.", m.source_errors_total);
    single(out, "driftless_engine_up", "gauge", "1 when the engine answered the latest pass.", (s.engine_error.empty() ? 1 : 0));
    single(out, "driftless_engine_events_total", "counter", "Engine events received.", m.engine_events);
    if (s.histograms) out << s.histograms->text();
    single(out, "driftless_ready", "gauge", "1 after the first completed pass.", (s.ready ? 1 : 0));
    return out.str();
}

}  // namespace driftless::reconciler
