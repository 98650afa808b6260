// `driftless down`'s selection and order (teardown.hpp), and carrying it out
// against an in-memory driver (teardown_executor.hpp).
#include <doctest/doctest.h>

#include <utility>
#include <boost/asio/io_context.hpp>

#include "integration/support/run_async.hpp"
#include "memory_driver.hpp"
#include "plan_support.hpp"
#include "reconciler/teardown.hpp"
#include "reconciler/teardown_executor.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::reconciler::testing;
namespace asio = boost::asio;

namespace {

desired_state::desired_entry volume_entry(const std::string& name) {
    desired_state::spec s;
    s.name = name;
    s.body = desired_state::volume{};
    return {s, "h", name + ".yaml"};
}

// A service declared with a volume mounted.
desired_state::desired_entry mounting(desired_state::desired_entry e, const std::string& volume) {
    desired_state::mount m;
    m.type = desired_state::mount_type::volume;
    m.source = volume;
    m.target = "/data";
    std::get<desired_state::service>(e.spec.body).mounts.push_back(m);
    return e;
}

drivers::actual_object labelled(drivers::actual_object o, const std::string& spec_json) {
    o.spec_json = spec_json;
    return o;
}

// The removals' lines with their levels: "0 - Service/web".
std::vector<std::string> lines(const teardown_plan& p) {
    std::vector<std::string> out;
    for (const auto& r : p.removals) out.push_back(std::to_string(r.level) + " " + removal_line(r));
    return out;
}

std::vector<std::string> kept(const teardown_plan& p) {
    std::vector<std::string> out;
    for (const auto& k : p.kept) out.push_back(kept_line(k));
    return out;
}

// Index of the removal of `key` ("Service/web").
std::size_t at(const teardown_plan& p, const std::string& key) {
    for (std::size_t i = 0; i < p.removals.size(); ++i)
        if (p.removals[i].have.key().to_string() == key) return i;
    FAIL("no removal of " << key);
    return 0;
}

// web -> api -> db, all on network front, db with volume data; plus an
// owned service nobody declares.
struct example {
    desired_state::snapshot declared = snapshot_of({
        service_entry("web", "h", {"api"}, {"front"}),
        service_entry("api", "h", {"db"}, {"front"}),
        mounting(service_entry("db", "h", {}, {"front"}), "data"),
        network_entry("front", "h"),
        volume_entry("data"),
    });
    std::vector<drivers::actual_object> objects{
        owned(kind::service, "web", "h"),      owned(kind::service, "api", "h"), owned(kind::service, "db", "h"),
        owned(kind::service, "other", "h"),    owned(kind::network, "front", "h"), owned(kind::volume, "data", "h"),
    };
};

}  // namespace

TEST_CASE("teardown: what the sources declare goes, dependents first; volumes are kept unless asked for") {
    example ex;
    teardown_options o;
    o.owner = "me";
    auto p = plan_teardown(ex.declared, ex.objects, o);
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/web", "1 - Service/api", "2 - Service/db", "3 - Network/front"});
    CHECK(kept(p) == std::vector<std::string>{"= Volume/data  (kept: a volume holds data; --volumes removes it)"});
    CHECK(p.levels == 4);
    CHECK(p.notes.empty());
    // Each waits for what uses it.
    CHECK(p.removals[at(p, "Service/api")].after == std::vector<std::size_t>{at(p, "Service/web")});
    CHECK(p.removals[at(p, "Service/db")].after == std::vector<std::size_t>{at(p, "Service/api")});
    CHECK(p.removals[at(p, "Network/front")].after.size() == 3);

    o.volumes = true;
    p = plan_teardown(ex.declared, ex.objects, o);
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/web", "1 - Service/api", "2 - Service/db", "3 - Network/front",
                                               "4 - Volume/data"});
    CHECK(p.kept.empty());
    CHECK(p.removals[at(p, "Volume/data")].after == std::vector<std::size_t>{at(p, "Service/db")});
}

TEST_CASE("teardown: --all takes every owned object, and nothing of another owner") {
    example ex;
    auto stranger = owned(kind::service, "theirs", "h");
    stranger.owner = "someone-else";
    ex.objects.push_back(stranger);
    teardown_options o;
    o.all = true;
    o.owner = "me";
    auto p = plan_teardown(desired_state::snapshot{}, ex.objects, o);
    // Undeclared and unlabelled: what they use is not known, so the
    // network waits for them too.
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/api", "0 - Service/db", "0 - Service/other", "0 - Service/web",
                                               "1 - Network/front"});
    CHECK(p.removals[at(p, "Network/front")].after.size() == 4);
    CHECK(kept(p).size() == 1);

    // With the declarations at hand, --all still orders by them.
    p = plan_teardown(ex.declared, ex.objects, o);
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/other", "0 - Service/web", "1 - Service/api", "2 - Service/db",
                                               "3 - Network/front"});
}

TEST_CASE("teardown: a key held, unsynced or not declared is not removed") {
    example ex;
    // What a broken document declares is not in the snapshot at all; a name
    // defined twice is held; a Kafka source still catching up is unsynced.
    ex.declared.resources.erase({kind::service, "web"});
    ex.declared.held.insert({kind::service, "web"});
    ex.declared.unsynced.insert({kind::service, "api"});
    ex.declared.unparsed.insert("broken.yaml");
    ex.declared.resources.erase({kind::network, "front"});
    teardown_options o;
    o.owner = "me";
    const auto p = plan_teardown(ex.declared, ex.objects, o);
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/db"});
    CHECK(kept(p) == std::vector<std::string>{"= Service/web  (kept: declared twice, or by a document in error)",
                                              "= Volume/data  (kept: a volume holds data; --volumes removes it)"});
}

TEST_CASE("teardown: what a service uses is read from its label when it is not declared") {
    teardown_options o;
    o.all = true;
    o.volumes = true;
    const std::vector<drivers::actual_object> objects{
        labelled(owned(kind::service, "web", "h"),
                 R"({"kind":"Service","name":"web","spec":{"links":["cache:c"],"networks":["front"]}})"),
        labelled(owned(kind::service, "cache", "h"),
                 R"({"kind":"Service","name":"cache","spec":{"network_mode":"container:db"}})"),
        labelled(owned(kind::service, "db", "h"),
                 R"({"kind":"Service","name":"db","spec":{"mounts":[{"type":"volume","source":"data","target":"/d"}]}})"),
        labelled(owned(kind::service, "lone", "h"), R"({"kind":"Service","name":"lone","spec":{}})"),
        owned(kind::network, "front", "h"),
        owned(kind::volume, "data", "h"),
    };
    const auto p = plan_teardown(desired_state::snapshot{}, objects, o);
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/lone", "0 - Service/web", "1 - Service/cache", "2 - Service/db",
                                               "3 - Network/front", "4 - Volume/data"});
    CHECK(p.removals[at(p, "Network/front")].after == std::vector<std::size_t>{at(p, "Service/web")});
    CHECK(p.removals[at(p, "Volume/data")].after == std::vector<std::size_t>{at(p, "Service/db")});
}

TEST_CASE("teardown: services that depend on each other in a cycle go together, and say so") {
    const auto p = plan_teardown(snapshot_of({service_entry("a", "h", {"b"}), service_entry("b", "h", {"a"}),
                                              service_entry("top", "h", {"a"})}),
                                 {owned(kind::service, "a", "h"), owned(kind::service, "b", "h"), owned(kind::service, "top", "h")},
                                 {});
    CHECK(lines(p) == std::vector<std::string>{"0 - Service/top", "1 - Service/a", "1 - Service/b"});
    CHECK(p.removals[at(p, "Service/a")].after == std::vector<std::size_t>{at(p, "Service/top")});
    CHECK(p.removals[at(p, "Service/b")].after.empty());
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0] == "depends on each other in a cycle, removed together: Service/a, Service/b");
}

TEST_CASE("teardown: nothing declared and owned is nothing to remove") {
    example ex;
    const auto p = plan_teardown(snapshot_of({service_entry("elsewhere", "h")}), ex.objects, {});
    CHECK(p.removals.empty());
    CHECK(p.levels == 0);
    CHECK(p.kept.empty());
}

TEST_CASE("teardown: blocked_by names the first dependent that was not removed") {
    example ex;
    teardown_options o;
    o.volumes = true;
    const auto p = plan_teardown(ex.declared, ex.objects, o);
    std::vector<bool> removed(p.removals.size(), true);
    CHECK_FALSE(blocked_by(p, at(p, "Service/db"), removed));
    removed[at(p, "Service/api")] = false;
    CHECK(blocked_by(p, at(p, "Service/db"), removed) == std::optional<std::string>("Service/api"));
    CHECK(blocked_by(p, at(p, "Network/front"), removed) == std::optional<std::string>("Service/api"));
    CHECK_FALSE(blocked_by(p, at(p, "Volume/data"), removed));   // api mounts nothing
}

namespace {

execution_report carry_out(const teardown_plan& p, driftless::testing::memory_driver& d, std::size_t parallel,
                           std::vector<std::string>* progress = nullptr) {
    asio::io_context io;
    return driftless::testing::run_async(io, execute_teardown(p, d, parallel, [&](std::size_t i, const action_result& r) {
        if (progress) progress->push_back(std::string(to_string(r.result)) + " " + p.removals[i].have.key().to_string());
    }));
}

}  // namespace

TEST_CASE("teardown executor: level by level, each level in parallel up to the bound") {
    std::vector<desired_state::desired_entry> entries;
    std::vector<drivers::actual_object> objects;
    for (int i = 0; i < 6; ++i) {
        const auto name = "s" + std::to_string(i);
        entries.push_back(service_entry(name, "h", {"db"}));
        objects.push_back(owned(kind::service, name, "h"));
    }
    entries.push_back(service_entry("db", "h"));
    objects.push_back(owned(kind::service, "db", "h"));
    const auto p = plan_teardown(snapshot_of(entries), objects, {});
    driftless::testing::memory_driver d;
    for (const auto& o : objects) d.objects[o.key()] = o;
    const auto r = carry_out(p, d, 4);
    CHECK(r.count(outcome::succeeded) == 7);
    CHECK(d.objects.empty());
    CHECK(d.max_in_flight == 4);
    CHECK(d.calls.back() == "remove db");
}

TEST_CASE("teardown executor: a failed removal keeps what it uses; the rest still goes") {
    example ex;
    teardown_options o;
    o.volumes = true;
    const auto p = plan_teardown(ex.declared, ex.objects, o);
    driftless::testing::memory_driver d;
    for (const auto& obj : ex.objects) d.objects[obj.key()] = obj;
    d.fail_names = {"api"};
    std::vector<std::string> progress;
    const auto r = carry_out(p, d, 8, &progress);
    CHECK(progress == std::vector<std::string>{"succeeded Service/web", "failed Service/api", "skipped Service/db",
                                               "skipped Network/front", "skipped Volume/data"});
    CHECK(r.results[at(p, "Service/api")].message == "remove api refused");
    CHECK(r.results[at(p, "Service/db")].message == "kept: Service/api uses it and was not removed");
    CHECK(r.results[at(p, "Volume/data")].message == "kept: Service/db uses it and was not removed");
    CHECK(d.calls == std::vector<std::string>{"remove web", "remove api"});
    CHECK(d.objects.count({kind::service, "other"}) == 1);   // not declared: never touched
    CHECK(d.objects.count({kind::service, "db"}) == 1);
}
