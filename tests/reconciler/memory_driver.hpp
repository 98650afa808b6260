// An in-memory driver for unit tests of the executor and the loop. It never
// replaces the integration tests against real engines; it lets a test fail a
// chosen call and watch how many calls are in flight at once.
#pragma once

#include <utility>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "drivers/driver.hpp"

namespace driftless::testing {

class memory_driver : public drivers::driver {
public:
    std::map<desired_state::resource_key, drivers::actual_object> objects;   // owned
    std::vector<drivers::actual_object> strangers;                          // unowned
    std::vector<drivers::actual_object> compose_made;                       // unowned, docker compose's containers
    std::set<std::string> fail_names;                                       // calls on these fail
    std::set<std::string> fail_calls;                                       // these calls fail: "start web"
    bool unreachable = false;
    std::vector<std::string> calls;                                         // "create web", ...
    std::size_t in_flight = 0, max_in_flight = 0;
    std::chrono::milliseconds latency{2};
    std::map<std::string, std::string> registry;                            // image -> digest of its tag

    std::string name() const override { return "memory"; }
    std::string owner() const override { return "me"; }

    boost::asio::awaitable<result<drivers::actual_state>> list() override {
        calls.push_back("list");
        if (unreachable) co_return error{"unreachable", "cannot connect to the engine"};
        drivers::actual_state s;
        for (auto& [k, v] : objects) s.objects.push_back(v);
        co_return s;
    }
    boost::asio::awaitable<result<std::vector<drivers::actual_object>>> find_unowned(
        std::vector<desired_state::resource_key> keys) override {
        calls.push_back("find_unowned");
        std::vector<drivers::actual_object> out;
        for (auto& s : strangers)
            if (std::find(keys.begin(), keys.end(), s.key()) != keys.end()) out.push_back(s);
        co_return out;
    }
    boost::asio::awaitable<result<std::vector<drivers::actual_object>>> find_compose_containers(
        std::vector<std::string> projects) override {
        calls.push_back("find_compose_containers");
        std::vector<drivers::actual_object> out;
        for (auto& c : compose_made)
            if (std::find(projects.begin(), projects.end(), c.compose.project) != projects.end()) out.push_back(c);
        co_return out;
    }
    boost::asio::awaitable<result<std::string>> registry_digest(const std::string& image) override {
        calls.push_back("registry " + image);
        const auto it = registry.find(image);
        if (it == registry.end()) co_return error{"engine", "ask the registry about " + image + ": no answer"};
        co_return it->second;
    }
    boost::asio::awaitable<status> create(const desired_state::desired_entry& want) override {
        co_return co_await act("create", want.spec.name, [&] {
            drivers::actual_object a;
            a.kind = want.spec.kind();
            a.name = want.spec.name;
            a.owner = "me";
            a.spec_hash = want.hash;
            a.state = "running";
            a.image_digest = pulled(want);
            objects[a.key()] = a;
        });
    }
    boost::asio::awaitable<status> update(const desired_state::desired_entry& want, const drivers::actual_object&) override {
        co_return co_await act("update", want.spec.name, [&] {
            auto& a = objects[desired_state::key_of(want.spec)];
            a.spec_hash = want.hash;
            a.image_digest = pulled(want);
        });
    }
    boost::asio::awaitable<status> start(const drivers::actual_object& have) override {
        co_return co_await act("start", have.name, [&] {
            objects[have.key()].running = true;
            objects[have.key()].state = "running";
        });
    }
    boost::asio::awaitable<status> remove(const drivers::actual_object& have) override {
        co_return co_await act("remove", have.name, [&] { objects.erase(have.key()); });
    }
    boost::asio::awaitable<status> adopt(const std::optional<desired_state::desired_entry>& want,
                                         const drivers::actual_object& have) override {
        co_return co_await act("adopt", have.name, [&] {
            std::erase_if(compose_made, [&](const drivers::actual_object& c) { return c.id == have.id; });
            if (!want) return;
            drivers::actual_object a;
            a.kind = want->spec.kind();
            a.name = want->spec.name;
            a.owner = "me";
            a.spec_hash = want->hash;
            a.state = "running";
            objects[a.key()] = a;
        });
    }
    boost::asio::awaitable<status> watch_events(drivers::event_handler) override {
        co_return error{"unsupported", "no events"};
    }

private:
    // The digest a `pull: always` create pulls: the registry's, as the label says.
    std::string pulled(const desired_state::desired_entry& want) const {
        const auto* svc = want.spec.as_service();
        if (svc == nullptr || svc->pull != desired_state::pull_policy::always) return {};
        const auto it = registry.find(svc->image);
        return it == registry.end() ? std::string{} : it->second;
    }

    template <class F>
    boost::asio::awaitable<status> act(const char* verb, const std::string& name, F apply) {
        calls.push_back(std::string(verb) + " " + name);
        max_in_flight = std::max(max_in_flight, ++in_flight);
        boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
        t.expires_after(latency);
        { boost::system::error_code ignored; co_await t.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored)); }
        --in_flight;
        if (fail_names.count(name) || fail_calls.count(std::string(verb) + " " + name)) co_return error{"engine", std::string(verb) + " " + name + " refused"};
        apply();
        co_return status{};
    }
};

}  // namespace driftless::testing
