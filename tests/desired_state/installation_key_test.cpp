#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "desired_state/installation_key.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

namespace {

// Sets the process-wide key for one test case and clears it after, so the
// other tests keep the unkeyed hash.
struct with_key {
    explicit with_key(std::string key) { set_installation_key(std::move(key)); }
    ~with_key() { set_installation_key({}); }
    with_key(const with_key&) = delete;
    with_key& operator=(const with_key&) = delete;
};

}  // namespace

TEST_CASE("installation key: HMAC-SHA256 (RFC 4231 test case 2)") {
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("installation key: the published spec hash is keyed") {
    const auto spec = only_spec("name: web\nimage: nginx\n");
    CHECK(installation_key().empty());
    CHECK(spec_hash(spec) == "53719a168f76f2ab33232f489471255eddf2655e83798a666d5465ed00ccd4a1");
    {
        with_key k(std::string(32, 'k'));
        CHECK(spec_hash(spec) == "73027e24eb4b14404306353f5fe2c3da29ac8c2a1ec9969687767570ebf3db1d");
        CHECK(spec_hash(spec) == hmac_sha256_hex(std::string(32, 'k'), canonical_json(spec).dump()));
    }
    {
        with_key k(std::string(32, 'j'));
        CHECK(spec_hash(spec) != "73027e24eb4b14404306353f5fe2c3da29ac8c2a1ec9969687767570ebf3db1d");
    }
    CHECK(spec_hash(spec) == "53719a168f76f2ab33232f489471255eddf2655e83798a666d5465ed00ccd4a1");
}

TEST_CASE("installation key: secret values are redacted to a keyed digest") {
    with_key k(std::string(32, 'k'));
    CHECK(redact_secret("hunter2") == "hmac:f6c2ff60161a7959");
    CHECK(redact_secret("hunter2") == redact_secret("hunter2"));
    CHECK(redact_secret("hunter3") != redact_secret("hunter2"));
}

TEST_CASE("installation key: redacted hides env and driver_opts values, keeps their keys") {
    with_key k(std::string(32, 'k'));
    const auto svc = redacted(canonical_json(only_spec("name: web\nimage: nginx\nenv: {PASSWORD: hunter2, MODE: x}\n")));
    CHECK(svc["spec"]["env"] == nlohmann::json{{"MODE", redact_secret("x")}, {"PASSWORD", "hmac:f6c2ff60161a7959"}});
    CHECK(svc["spec"]["image"] == "nginx");
    CHECK(svc.dump().find("hunter2") == std::string::npos);

    const auto vol = redacted(canonical_json(only_spec(
        "kind: Volume\nname: share\ndriver: local\ndriver_opts: {type: cifs, o: \"username=u,password=hunter2\"}\n")));
    CHECK(vol["spec"]["driver_opts"]["o"] == redact_secret("username=u,password=hunter2"));
    CHECK(vol["spec"]["driver_opts"]["type"] == redact_secret("cifs"));
    CHECK(vol.dump().find("hunter2") == std::string::npos);

    const auto net = redacted(canonical_json(only_spec("kind: Network\nname: front\ndriver_opts: {secret: hunter2}\n")));
    CHECK(net.dump().find("hunter2") == std::string::npos);
}
