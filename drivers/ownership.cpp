#include "drivers/ownership.hpp"

#include "desired_state/installation_key.hpp"

namespace driftless::drivers {

std::string ownership::mac(desired_state::kind kind, std::string_view name, std::string_view spec_hash) const {
    // NUL-separated: no field can contain one (labels are text), so no two
    // tuples give the same input.
    std::string text = owner_;
    text += '\0';
    text += desired_state::to_string(kind);
    text += '\0';
    text += name;
    text += '\0';
    text += spec_hash;
    return desired_state::hmac_sha256_hex(key_, text);
}

bool ownership::owns(const actual_object& o) const {
    if (o.owner != owner_ || !o.name_matches || o.swarm_task || o.mac.size() != 64) return false;
    // Compared without an early exit, so the time taken says nothing about
    // how much of a guessed MAC was right.
    const std::string want = mac(o.kind, o.name, o.spec_hash);
    unsigned char diff = 0;
    for (std::size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned char>(want[i] ^ o.mac[i]);
    return diff == 0;
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
