// follow: a registry image's tag chosen by a release rule, in driftless
// documents (`follow:`) and compose files (the service's `x-driftless:
// {follow: ...}`, which docker compose ignores).
#include "desired_state/detail/document.hpp"
#include "desired_state/semver.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view follow_keys[] = {"semver", "min_age", "interval"};
constexpr std::string_view extension_keys[] = {"follow"};

// Registries are asked no more often than this.
constexpr std::int64_t min_interval_ns = 1'000'000'000;

}  // namespace

void read_follow(context& ctx, const node& n, const std::string& field, std::optional<follow_rule>& out) {
    if (!ctx.expect_mapping(n, field)) return;
    follow_rule rule;
    bool ok = true;
    bool has_semver = false;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        const std::string f = join(field, key);
        if (key == "semver") {
            auto text = ctx.string(v, f);
            if (!text) return void(ok = false);
            auto range = version_range::parse(*text);
            if (!range) {
                ctx.value_error(v, f, *text, range.err().message);
                return void(ok = false);
            }
            rule.semver = *text;
            has_semver = true;
        } else if (key == "min_age" || key == "interval") {
            auto d = read_duration(ctx, v, f);
            if (!d) return void(ok = false);
            if (key == "interval" && *d < min_interval_ns) {
                ctx.error(v, f, "at least 1s (the registry is asked this often)");
                return void(ok = false);
            }
            (key == "min_age" ? rule.min_age_ns : rule.interval_ns) = *d;
        } else {
            ctx.unknown_key(k, f, follow_keys);
            ok = false;
        }
    });
    if (ok && !has_semver) {
        ctx.error(n, join(field, "semver"), "required (the versions to take, e.g. \"~1.4\")");
        ok = false;
    }
    if (ok) out = std::move(rule);
}

void read_service_extension(context& ctx, const node& n, const std::string& field, service_draft& draft) {
    if (!ctx.expect_mapping(n, field)) return;
    ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
        const std::string f = join(field, key);
        if (key != "follow") return ctx.unknown_key(k, f, extension_keys);
        draft.follow_at = &v;
        read_follow(ctx, v, f, draft.value.follow);
    });
}

void check_follow(context& ctx, const std::string& field_prefix, service_draft& draft) {
    service& s = draft.value;
    if (!s.follow || !draft.follow_at) return;
    const std::string f = ctx.compose() ? join(field_prefix, "x-driftless.follow") : join(field_prefix, "follow");
    if (s.build) return ctx.error(*draft.follow_at, f, "a built image has no releases to follow");
    // The rule picks the tag: the image names the repository alone.
    const auto slash = s.image.rfind('/');
    const auto name_at = slash == std::string::npos ? 0 : slash + 1;
    if (s.image.find('@') != std::string::npos || s.image.find(':', name_at) != std::string::npos) {
        const node& at = draft.image_at ? *draft.image_at : *draft.follow_at;
        return ctx.value_error(at, join(field_prefix, "image"), s.image,
                               "follow picks the tag: name the repository alone (e.g. registry.example.com/team/app)");
    }
    const std::string pull_field = join(field_prefix, ctx.compose() ? "pull_policy" : "pull");
    if (s.pull == pull_policy::always && draft.pull_at)
        return ctx.error(*draft.pull_at, pull_field, "a followed image is pinned by its digest: pull always has nothing to add");
    if (s.pull == pull_policy::never && draft.pull_at)
        return ctx.error(*draft.pull_at, pull_field,
                         "a followed image is pulled by its digest once a release is picked: pull never would keep "
                         "every new release from running");
    s.pull = pull_policy::missing;
}

}  // namespace driftless::desired_state::detail
