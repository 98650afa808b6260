// Helpers for tests that drive a driver directly (not the driftless
// binary): specs built in code, a driver made by make_driver, and checks
// through the docker CLI.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <utility>  // Boost 1.74's awaitable.hpp needs it first
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "desired_state/spec.hpp"
#include "drivers/driver.hpp"
#include "support/process.hpp"

namespace driftless::testing {

// Built by scripts/build-image.sh (ensure_docker() makes sure it exists).
inline constexpr const char* test_image = "driftless-test/busybox:1";

// A Service running `sleep 3600` from test_image, pull: never, 1 s grace.
desired_state::spec service_spec(const std::string& name);
// The service part of a Service spec, to change it.
desired_state::service& service_of(desired_state::spec& s);
desired_state::spec network_spec(const std::string& name, desired_state::network n = {});
desired_state::spec volume_spec(const std::string& name, desired_state::volume v = {});

// What the reconciler would hand the driver: the spec with a given hash.
drivers::desired_entry entry(desired_state::spec s, std::string hash);

// make_driver(kind "docker") on `io`'s executor; fails the test on error.
// `host` "" = DOCKER_HOST, else the default socket.
std::unique_ptr<drivers::driver> make_docker_driver(boost::asio::io_context& io, const std::string& owner,
                                                    const std::string& host = "");

// A result's error text, or "ok": for failure messages, which doctest may
// evaluate on success too.
template <class R>
std::string why(const R& r) {
    return r.ok() ? std::string("ok") : r.err().to_string();
}

std::string trimmed(std::string s);

// `docker [what] inspect -f FORMAT NAME`, trimmed; "" when NAME does not
// exist. `what`: "" (containers), "network", "volume", "image".
std::string inspect(const std::string& format, const std::string& name, const std::string& what = "");
// `docker [what] inspect NAME`, its first element; fails the test if absent.
nlohmann::json inspect_json(const std::string& name, const std::string& what = "");

// The listed object of kind `k` named `name`, or nullptr.
const drivers::actual_object* find_object(const drivers::actual_state& st, desired_state::kind k,
                                          const std::string& name);

// Shell commands run when it goes out of scope, for objects made by hand
// (without the test's owner label, so scenario's cleanup misses them).
struct by_hand {
    std::vector<std::string> cleanup;
    by_hand() = default;
    by_hand(const by_hand&) = delete;
    by_hand& operator=(const by_hand&) = delete;
    ~by_hand();
};

// Debian's docker-registry serving on 127.0.0.1 (which dockerd trusts
// without TLS), on a port of its own, with its storage in a folder of its
// own; stopped and deleted when it goes out of scope, with every image
// reference under its address. Declare it before the scenario whose
// containers use its images, so they are gone first.
class local_registry {
public:
    explicit local_registry(const std::string& id);
    ~local_registry();
    local_registry(const local_registry&) = delete;
    local_registry& operator=(const local_registry&) = delete;

    [[nodiscard]] const std::string& address() const noexcept { return address_; }   // 127.0.0.1:PORT
    // The digest the registry gives `repository:tag` (Docker-Content-Digest).
    [[nodiscard]] std::string digest(const std::string& repository, const std::string& tag) const;
    void stop();

private:
    std::string address_;
    std::filesystem::path root_;
    std::unique_ptr<child> server_;
};

}  // namespace driftless::testing
