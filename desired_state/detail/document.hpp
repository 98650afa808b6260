// Reading whole documents: one driftless resource (document.cpp) or one
// compose file (compose.cpp). Internal to desired_state.
#pragma once

#include <string>
#include <vector>

#include "desired_state/detail/fields.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state::detail {

// A driftless document: kind (default Service), name, labels and the
// kind's fields. Appends the spec when the document has no error.
void read_resource(context& ctx, const node& doc, std::vector<spec>& out);

// A service's own fields (every key but kind, name and labels); false when
// `key` is not one of them.
bool read_service_field(context& ctx, const std::string& key, const node& value, const std::string& field,
                        service_draft& draft);

// A resource name at `n`, checked against the name grammar.
std::optional<std::string> read_name(context& ctx, const node& n, const std::string& field);

// A compose file: services, networks and volumes (top-level `services:`).
// The compose override file beside it (compose_merge.hpp) is merged in first.
void read_compose(context& ctx, const node_ptr& doc, std::vector<spec>& out);

// True when a document is a compose file rather than one resource.
[[nodiscard]] bool is_compose(const node& doc);

}  // namespace driftless::desired_state::detail
