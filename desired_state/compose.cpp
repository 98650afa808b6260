#include "desired_state/detail/document.hpp"

namespace driftless::desired_state::detail {

bool is_compose(const node& doc) {
    bool services = false;
    for (std::size_t i = 0; i < doc.pairs(); ++i) {
        if (!doc.key(i).is_scalar()) continue;
        if (doc.key(i).text == "kind") return false;
        if (doc.key(i).text == "services") services = true;
    }
    return services;
}

void read_compose(context& ctx, const node& doc, std::vector<spec>& out) {
    (void)ctx;
    (void)doc;
    (void)out;
}

}  // namespace driftless::desired_state::detail
