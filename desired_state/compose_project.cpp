#include "desired_state/detail/compose_project.hpp"

#include <filesystem>

#include "desired_state/detail/dotenv.hpp"

namespace driftless::desired_state::detail {

std::string normalize_project_name(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum || ((c == '_' || c == '-') && !out.empty())) out += c;
    }
    return out;
}

std::string compose_folder(const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(std::filesystem::path(path), ec);
    if (ec) abs = std::filesystem::path(path);
    auto folder = abs.lexically_normal().parent_path().generic_string();
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    return folder;
}

std::optional<std::string> read_companion(context& ctx, const std::string& path, std::string& error) {
    const auto& reader = ctx.options().read_file;
    if (!reader) {
        error = "a compose file from this source cannot refer to other files";
        return std::nullopt;
    }
    file_read r = reader(path);
    ctx.companions().push_back({path, r.text});
    if (!r.error.empty()) error = r.error;
    return r.text;
}

env_lookup project_env(context& ctx, const node& doc, const std::string& folder) {
    std::map<std::string, std::string> values;
    if (ctx.options().read_file) {
        std::string error;
        const std::string path = folder + "/.env";
        if (auto text = read_companion(ctx, path, error)) {
            dotenv parsed = parse_dotenv(*text);
            if (!parsed.error.empty())
                ctx.error(doc, "", path + ":" + std::to_string(parsed.error_line) + ": " + parsed.error);
            for (auto& e : parsed.entries)
                if (e.value) values[e.key] = std::move(*e.value);
        } else if (!error.empty()) {
            ctx.error(doc, "", path + ": " + error);
        }
    }
    env_lookup allowed = ctx.options().env;
    return [allowed, values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        if (allowed)
            if (auto v = allowed(name)) return v;
        if (auto it = values.find(std::string(name)); it != values.end()) return it->second;
        return std::nullopt;
    };
}

void read_env_files(context& ctx, const node& n, const std::string& field, std::map<std::string, std::string>& out) {
    const auto* scope = ctx.compose();
    auto one = [&](const node& at, const std::string& f, const std::string& written, bool required) {
        std::string path = written;
        if (path.empty()) return ctx.error(at, f, "empty path");
        if (path[0] != '/' && scope != nullptr) path = scope->base_dir + "/" + path;
        path = std::filesystem::path(path).lexically_normal().generic_string();
        std::string error;
        auto text = read_companion(ctx, path, error);
        if (!text) {
            if (!error.empty()) return ctx.value_error(at, f, written, error);
            if (required) ctx.value_error(at, f, written, "no such file (write required: false to allow that)");
            return;
        }
        dotenv parsed = parse_dotenv(*text);
        if (!parsed.error.empty())
            return ctx.value_error(at, f, written, "line " + std::to_string(parsed.error_line) + ": " + parsed.error);
        for (auto& e : parsed.entries) {
            if (e.value) out[e.key] = std::move(*e.value);
            else if (scope != nullptr && scope->env)
                if (auto v = scope->env(e.key)) out[e.key] = std::move(*v);
        }
    };
    auto item = [&](const std::string& f, const node& it) {
        if (!it.is_mapping()) {
            if (auto s = ctx.string(it, f)) one(it, f, *s, true);
            return;
        }
        std::optional<std::string> path;
        bool required = true;
        ctx.each_pair(it, f, [&](const std::string& key, const node& k, const node& v) {
            const std::string f2 = join(f, key);
            if (key == "path") path = ctx.string(v, f2);
            else if (key == "required") required = ctx.boolean(v, f2).value_or(true);
            else if (key == "format") (void)ctx.one_of(v, f2, {"raw"});
            else {
                constexpr std::string_view keys[] = {"path", "required", "format"};
                ctx.unknown_key(k, f2, keys);
            }
        });
        if (!path) return ctx.error(it, join(f, "path"), "required");
        one(it, f, *path, required);
    };
    if (n.is_null()) return;
    if (n.is_sequence()) ctx.each_item(n, field, item);
    else item(field, n);
}

std::string project_names::service(std::string_view svc, int replica) const {
    if (swarm) return project + "_" + std::string(svc);
    return project + "-" + std::string(svc) + "-" + std::to_string(replica);
}

}  // namespace driftless::desired_state::detail
