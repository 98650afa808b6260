#include "desired_state/detail/fields.hpp"
#include "desired_state/detail/quantities.hpp"

namespace driftless::desired_state::detail {

namespace {

using parser = std::optional<std::int64_t> (*)(std::string_view, std::string&);

std::optional<std::int64_t> read_quantity(context& ctx, const node& n, const std::string& field, parser parse,
                                          const char* expected) {
    if (!n.is_scalar()) {
        ctx.error(n, field, std::string("expected ") + expected + ", got " + describe(n));
        return std::nullopt;
    }
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    std::string error;
    auto v = parse(*s, error);
    if (!v) ctx.value_error(n, field, *s, error);
    return v;
}

constexpr std::string_view limit_keys[] = {"cpus", "memory"};

}  // namespace

std::optional<std::int64_t> read_memory(context& ctx, const node& n, const std::string& field) {
    return read_quantity(ctx, n, field, parse_memory, "a size such as 256Mi");
}

std::optional<std::int64_t> read_cpus(context& ctx, const node& n, const std::string& field) {
    return read_quantity(ctx, n, field, parse_nano_cpus, "a number of CPUs such as 0.5");
}

std::optional<std::int64_t> read_duration(context& ctx, const node& n, const std::string& field) {
    return read_quantity(ctx, n, field, parse_duration, "a duration such as 10s");
}

void read_limits(context& ctx, const node& n, const std::string& field, resource_limits& out) {
    if (n.is_null()) return;
    if (!ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        std::string f = join(field, key);
        if (key == "cpus") {
            if (auto c = read_cpus(ctx, v, f)) out.nano_cpus = *c;
        } else if (key == "memory") {
            if (auto m = read_memory(ctx, v, f)) out.memory_bytes = *m;
        } else {
            ctx.unknown_key(k, f, limit_keys);
        }
    });
}

void check_reservations(context& ctx, const node& at, const std::string& field, const resource_limits& limits,
                        const resource_limits& reservations) {
    if (limits.memory_bytes != 0 && reservations.memory_bytes > limits.memory_bytes)
        ctx.error(at, join(field, "memory"),
                  "reservation (" + std::to_string(reservations.memory_bytes) + " bytes) exceeds the limit (" +
                      std::to_string(limits.memory_bytes) + " bytes)");
    if (limits.nano_cpus != 0 && reservations.nano_cpus > limits.nano_cpus)
        ctx.error(at, join(field, "cpus"),
                  "reservation (" + std::to_string(reservations.nano_cpus) + " nano-CPUs) exceeds the limit (" +
                      std::to_string(limits.nano_cpus) + " nano-CPUs)");
}

}  // namespace driftless::desired_state::detail
