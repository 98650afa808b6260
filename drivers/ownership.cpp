#include "drivers/ownership.hpp"

#include "desired_state/installation_key.hpp"
#include "drivers/labels.hpp"

namespace driftless::drivers {

std::string ownership::mac(desired_state::kind kind, std::string_view name, std::string_view spec_hash) const {
    return mac(std::string_view(desired_state::to_string(kind)), name, spec_hash);
}

std::string ownership::mac(std::string_view kind, std::string_view name, std::string_view spec_hash) const {
    // NUL-separated: no field can contain one (labels are text), so no two
    // tuples give the same input.
    std::string text = owner_;
    text += '\0';
    text += kind;
    text += '\0';
    text += name;
    text += '\0';
    text += spec_hash;
    return desired_state::hmac_sha256_hex(key_, text);
}

namespace {

// Compared without an early exit, so the time taken says nothing about how
// much of a guessed MAC was right.
bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

bool ownership::owns(std::string_view kind, std::string_view name, const desired_state::string_map& labels) const {
    auto at = [&](const char* key) {
        auto it = labels.find(key);
        return it == labels.end() ? std::string() : it->second;
    };
    if (at(labels::owner) != owner_ || at(labels::name) != name || at(labels::kind) != kind)
        return false;
    return same_secret(mac(kind, name, at(labels::spec_hash)), at(labels::mac));
}

bool ownership::owns(const actual_object& o) const {
    if (o.owner != owner_ || !o.name_matches || o.swarm_task || o.mac.size() != 64) return false;
    return same_secret(mac(o.kind, o.name, o.spec_hash), o.mac);
}

status ownership::refuse_unless_owned(const actual_object& have, const char* action) const {
    if (owns(have)) return {};
    const std::string what = std::string("refusing to ") + action + " " + desired_state::to_string(have.kind) + " \"" +
                             have.name + "\": ";
    if (have.owner != owner_)
        return error{"conflict", what + "it is owned by " +
                                     (have.owner.empty() ? std::string("nobody (not made by driftless)") : "\"" + have.owner + "\"") +
                                     ", not by \"" + owner_ + "\""};
    std::string why;
    if (have.swarm_task) why = "it is a Swarm task container";
    else if (!have.name_matches) why = "its io.driftless.name label is not its name";
    else why = "its io.driftless.mac label does not verify under this installation's key";
    return error{"conflict", what + "it is labelled with owner \"" + owner_ + "\" but " + why + ": not made by this installation"};
}

std::string default_owner(std::string_view key) {
    return "driftless-" + desired_state::hmac_sha256_hex(key, "owner").substr(0, 8);
}

}  // namespace driftless::drivers
