#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <system_error>

#include "desired_state/detail/document.hpp"
#include "desired_state/detail/names.hpp"
#include "desired_state/parse.hpp"

namespace driftless::desired_state {

namespace detail {

namespace {

constexpr std::string_view service_keys[] = {
    "kind",     "name",       "labels",      "image",   "pull",       "command",    "entrypoint",
    "env",      "ports",      "networks",    "mounts",  "user",       "resources",  "open_files",
    "restart",  "healthcheck", "stop_grace_period", "depends_on", "replicas", "mode", "constraints",
    "expose",   "update_config", "rollback_config", "build", "follow"};
constexpr std::string_view network_keys[] = {"kind", "name", "labels", "driver", "driver_opts", "internal",
                                             "attachable", "subnet", "ip_range", "gateway"};
constexpr std::string_view volume_keys[] = {"kind", "name", "labels", "driver", "driver_opts"};

bool is_service_key(std::string_view k) {
    return std::find(std::begin(service_keys), std::end(service_keys), k) != std::end(service_keys);
}

std::optional<std::string> read_driver(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    if (s->empty() || s->find_first_of(" \t\n") != std::string::npos) {
        ctx.value_error(n, field, *s, "invalid driver name");
        return std::nullopt;
    }
    return s;
}

}  // namespace

std::optional<std::string> read_name(context& ctx, const node& n, const std::string& field) {
    auto s = ctx.string(n, field);
    if (!s) return std::nullopt;
    if (auto e = check_resource_name(*s); !e.empty()) {
        ctx.value_error(n, field, *s, e);
        return std::nullopt;
    }
    return s;
}

void read_resource(context& ctx, const node& doc, std::vector<spec>& out) {
    std::size_t errors_before = ctx.error_count();
    // kind decides which keys are known, so it is read first.
    kind k = kind::service;
    bool kind_ok = true;
    for (std::size_t i = 0; i < doc.pairs(); ++i) {
        if (doc.key(i).is_scalar() && doc.key(i).text == "kind") {
            auto s = ctx.one_of(doc.value(i), "kind", {"Service", "Network", "Volume"});
            if (s) k = *kind_from_string(*s);
            else kind_ok = false;
            break;
        }
    }
    spec sp;
    sp.origin = ctx.where(doc);
    service_draft draft;
    network_draft net;
    volume vol;
    bool has_name = false;
    std::span<const std::string_view> known = k == kind::service   ? std::span<const std::string_view>(service_keys)
                                              : k == kind::network ? std::span<const std::string_view>(network_keys)
                                                                   : std::span<const std::string_view>(volume_keys);
    std::string what = std::string("kind ") + to_string(k);
    ctx.each_pair(doc, "", [&](const std::string& key, const node& kn, const node& v) {
        if (key == "kind") return;
        if (key == "name") {
            has_name = true;
            if (auto n = read_name(ctx, v, key)) sp.name = *n;
            return;
        }
        if (key == "labels") return read_labels(ctx, v, key, sp.labels);
        if (!kind_ok) return;  // the keys allowed depend on a kind we do not know
        switch (k) {
        case kind::service:
            if (!read_service_field(ctx, key, v, key, draft)) ctx.unknown_key(kn, key, known);
            return;
        case kind::network:
            if (key == "driver") {
                if (auto d = read_driver(ctx, v, key)) net.value.driver = *d;
            } else if (key == "driver_opts") {
                read_string_map(ctx, v, key, false, net.value.driver_opts);
            } else if (key == "internal") {
                if (auto b = ctx.boolean(v, key)) net.value.internal = *b;
            } else if (key == "attachable") {
                if (auto b = ctx.boolean(v, key)) net.value.attachable = *b;
            } else if (!read_network_address(ctx, key, v, key, net)) {
                ctx.unknown_key(kn, key, known, is_service_key(key) ? std::string_view(what) : "");
            }
            return;
        case kind::volume:
            if (key == "driver") {
                if (auto d = read_driver(ctx, v, key)) vol.driver = *d;
            } else if (key == "driver_opts") {
                read_string_map(ctx, v, key, false, vol.driver_opts);
            } else {
                ctx.unknown_key(kn, key, known, is_service_key(key) ? std::string_view(what) : "");
            }
            return;
        }
    });
    if (!has_name) ctx.error(doc, "name", "required (e.g. name: web)");
    if (kind_ok && k == kind::service) finish_service(ctx, doc, "", sp.name, draft);
    if (kind_ok && k == kind::network) finish_network(ctx, net);
    if (ctx.error_count() != errors_before) return;
    switch (k) {
    case kind::service: sp.body = std::move(draft.value); break;
    case kind::network: sp.body = std::move(net.value); break;
    case kind::volume: sp.body = std::move(vol); break;
    }
    out.push_back(std::move(sp));
}

}  // namespace detail

env_lookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

env_lookup allowed_env(std::vector<std::string> patterns) {
    if (patterns.empty()) return {};
    return [patterns = std::move(patterns)](std::string_view name) -> std::optional<std::string> {
        bool allowed = false;
        for (const auto& p : patterns) {
            if (!p.empty() && p.back() == '*') allowed = allowed || name.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1);
            else allowed = allowed || name == p;
        }
        if (!allowed) return std::nullopt;
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

std::string check_env_patterns(const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        std::string_view name = p;
        if (!name.empty() && name.back() == '*') name.remove_suffix(1);
        bool ok = !name.empty() || p == "*";
        for (std::size_t i = 0; i < name.size(); ++i) {
            const char c = name[i];
            const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            ok = ok && (letter || (i > 0 && c >= '0' && c <= '9'));
        }
        if (!ok) return "\"" + p + "\": expected a variable name (NAME) or a prefix (PREFIX*)";
    }
    return {};
}

file_reader disk_reader(std::size_t max_bytes) {
    return [max_bytes](const std::string& path) -> file_read {
        file_read r;
        // O_NONBLOCK: a FIFO put in a file's place must not block a parse.
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) r.missing = true;
            else r.error = "cannot read: " + std::generic_category().message(errno);
            return r;
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            r.error = "not a regular file";
            return r;
        }
        std::string text;
        char buffer[16 * 1024];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                r.error = "cannot read: " + std::generic_category().message(errno);
                break;
            }
            if (n == 0) break;
            text.append(buffer, static_cast<std::size_t>(n));
            if (text.size() > max_bytes) {
                r.error = "larger than " + std::to_string(max_bytes) + " bytes; not read";
                break;
            }
        }
        ::close(fd);
        if (r.error.empty()) r.text = std::move(text);
        return r;
    };
}

parse_result parse_text(std::string_view text, const std::string& path, const parse_options& options) {
    parse_result r;
    try {
        auto docs = detail::load_documents(text, path, options, r.errors);
        detail::context ctx(path, options, r.errors);
        for (const auto& doc : docs) {
            if (ctx.exhausted()) break;
            if (!doc->is_mapping()) {
                ctx.error(*doc, "", std::string("a document must be a mapping (key: value), got ") +
                                        detail::describe(*doc));
                continue;
            }
            if (detail::is_compose(*doc)) detail::read_compose(ctx, doc, r.specs);
            else detail::read_resource(ctx, *doc, r.specs);
        }
        r.companions = std::move(ctx.companions());
        // A name is unique per kind across all sources, and so in one text.
        std::map<resource_key, const spec*> seen;
        for (const auto& s : r.specs) {
            auto [it, fresh] = seen.emplace(key_of(s), &s);
            if (!fresh)
                r.errors.push_back({s.origin, "name",
                                    std::string(to_string(s.kind())) + " \"" + s.name + "\" is also defined at " +
                                        it->second->origin.to_string()});
        }
    } catch (const std::bad_alloc&) {
        r.errors.push_back({{path, 1, 1}, "", "out of memory while reading the document"});
    }
    if (!r.errors.empty()) r.specs.clear();
    return r;
}

}  // namespace driftless::desired_state
