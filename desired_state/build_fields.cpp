// build: a service's image built from a folder, in compose files and
// driftless documents alike.
#include <algorithm>
#include <filesystem>

#include "desired_state/detail/compose_keys.hpp"
#include "desired_state/detail/document.hpp"

namespace driftless::desired_state::detail {

namespace {

constexpr std::string_view build_keys[] = {"context", "dockerfile", "args",       "target",   "labels", "network",
                                           "extra_hosts", "shm_size", "cache_from", "no_cache", "pull"};
// compose keys driftless does not build with: named, so the message says so
// instead of "unknown key".
constexpr std::string_view unsupported_build_keys[] = {
    "dockerfile_inline", "ssh", "secrets", "tags", "platforms", "additional_contexts", "isolation", "privileged",
    "cache_to", "entitlements", "ulimits"};

// The folder relative paths resolve against: the compose project's, or the
// declaring file's; "" for a document with no file (a Kafka record).
std::string base_folder(const context& ctx) {
    if (const auto* scope = ctx.compose()) return scope->base_dir;
    const std::filesystem::path p(ctx.path());
    if (!p.is_absolute()) return {};
    return p.lexically_normal().parent_path().generic_string();
}

void read_context(context& ctx, const node& n, const std::string& field, build_spec& b, bool& ok) {
    auto c = ctx.string(n, field);
    if (!c) return void(ok = false);
    if (c->empty()) {
        ctx.error(n, field, "empty path (write . for the declaring file's folder)");
        return void(ok = false);
    }
    if (c->find("://") != std::string::npos || c->rfind("git@", 0) == 0) {
        ctx.value_error(n, field, *c, "only a local folder can be a build context (not a URL)");
        return void(ok = false);
    }
    std::string path = *c;
    if (path[0] == '~' && ctx.compose() && !ctx.compose()->home.empty()) path = ctx.compose()->home + path.substr(1);
    if (path[0] != '/') {
        const std::string base = base_folder(ctx);
        if (base.empty()) {
            ctx.value_error(n, field, *c, "a relative path needs a file to be relative to; write an absolute path");
            return void(ok = false);
        }
        path = base + "/" + path;
    }
    path = std::filesystem::path(path).lexically_normal().generic_string();
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    b.context = path;
}

// The Dockerfile: relative to the context and inside it.
void read_dockerfile(context& ctx, const node& n, const std::string& field, std::string& out, bool& ok) {
    auto d = ctx.string(n, field);
    if (!d) return void(ok = false);
    const auto normal = std::filesystem::path(*d).lexically_normal().generic_string();
    if (d->empty() || (*d)[0] == '/' || normal == "." || normal.rfind("..", 0) == 0) {
        ctx.value_error(n, field, *d, "expected a file inside the build context, relative to it (e.g. docker/Dockerfile)");
        return void(ok = false);
    }
    out = normal;
}

void read_strings(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out) {
    if (n.is_null()) return;
    if (!ctx.expect_sequence(n, field)) return;
    ctx.each_item(n, field, [&](const std::string& f, const node& item) {
        if (auto s = ctx.string(item, f)) {
            if (s->empty()) return ctx.error(item, f, "empty image reference");
            out.push_back(*s);
        }
    });
}

}  // namespace

void read_build(context& ctx, const node& n, const std::string& field, std::optional<build_spec>& out) {
    build_spec b;
    bool ok = true;
    if (n.is_scalar()) {
        read_context(ctx, n, field, b, ok);
    } else if (n.is_mapping()) {
        bool context_given = false;
        ctx.each_pair(n, field, [&](const std::string& key, const node& k, const node& v) {
            const std::string f = join(field, key);
            if (key == "context") {
                context_given = true;
                read_context(ctx, v, f, b, ok);
            } else if (key == "dockerfile") {
                read_dockerfile(ctx, v, f, b.dockerfile, ok);
            } else if (key == "args") {
                read_string_map(ctx, v, f, true, b.args, {}, ctx.compose() ? bare_entry::pass_through : bare_entry::error);
            } else if (key == "target") {
                if (auto t = ctx.string(v, f)) b.target = *t;
            } else if (key == "labels") {
                read_labels(ctx, v, f, b.labels, bare_entry::empty);
            } else if (key == "network") {
                if (auto t = ctx.string(v, f)) b.network = *t;
            } else if (key == "extra_hosts") {
                read_extra_hosts(ctx, v, f, b.extra_hosts);
            } else if (key == "shm_size") {
                if (auto m = read_memory(ctx, v, f)) b.shm_size = *m;
            } else if (key == "cache_from") {
                read_strings(ctx, v, f, b.cache_from);
            } else if (key == "no_cache") {
                if (auto x = ctx.boolean(v, f)) b.no_cache = *x;
            } else if (key == "pull") {
                if (auto x = ctx.boolean(v, f)) b.pull = *x;
            } else if (std::find(std::begin(unsupported_build_keys), std::end(unsupported_build_keys), key) !=
                       std::end(unsupported_build_keys)) {
                ctx.error(k, f, "not supported by driftless's builds (supported: context, dockerfile, args, target, "
                                "labels, network, extra_hosts, shm_size, cache_from, no_cache, pull)");
                ok = false;
            } else {
                ctx.unknown_key(k, f, build_keys);
            }
        });
        if (!context_given) {
            // compose's default: the declaring file's folder.
            const std::string base = base_folder(ctx);
            if (base.empty()) {
                ctx.error(n, join(field, "context"), "required for a document with no file to be relative to");
                ok = false;
            } else {
                b.context = base;
            }
        }
    } else {
        ctx.error(n, field, std::string("expected a path or a mapping, got ") + describe(n));
        ok = false;
    }
    if (ok) out = std::move(b);
}

}  // namespace driftless::desired_state::detail
