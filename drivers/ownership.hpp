// What makes an object driftless's own (DESIGN.md §4), and the last check
// before a driver changes one.
//
// Labels alone prove nothing: anyone may write them, and Docker copies an
// image's LABELs into every container run from it. An object is owned only
// when its io.driftless.mac label is the HMAC-SHA256, under the
// installation's secret key, of its owner, kind, name and spec hash, its
// owner label is this instance's, its io.driftless.name label is the name
// the engine gives it, and it is not a Swarm task container. Anything else
// is not owned: a conflict when it holds a wanted name, otherwise ignored;
// never changed or removed.
#pragma once

#include <string>
#include <string_view>

#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"
#include "drivers/driver.hpp"

namespace driftless::drivers {

class ownership {
public:
    ownership(std::string owner, std::string key) : owner_(std::move(owner)), key_(std::move(key)) {}

    [[nodiscard]] const std::string& owner() const noexcept { return owner_; }

    // The io.driftless.mac value for an object of this owner.
    [[nodiscard]] std::string mac(desired_state::kind kind, std::string_view name, std::string_view spec_hash) const;
    // The same for an object that is no spec of its own ("Secret", "Config").
    [[nodiscard]] std::string mac(std::string_view kind, std::string_view name, std::string_view spec_hash) const;
    // Whether labels read from such an object say it is this owner's.
    [[nodiscard]] bool owns(std::string_view kind, std::string_view name, const desired_state::string_map& labels) const;

    // Whether `o` is owned, per the rules above. Pure; thread-safe.
    [[nodiscard]] bool owns(const actual_object& o) const;

    // OK when owns(have); else a "conflict" error saying whose it is, e.g.
    // refusing to remove Service "web": it is owned by "b", not by "a".
    [[nodiscard]] status refuse_unless_owned(const actual_object& have, const char* action) const;

private:
    std::string owner_;
    std::string key_;
};

// The owner id an instance takes when none is given: "driftless-" + the
// first 8 hex digits of HMAC(key, "owner"), so two installations never share
// one by accident.
[[nodiscard]] std::string default_owner(std::string_view key);

}  // namespace driftless::drivers
