#include "support/inspect_diff.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "support/process.hpp"

namespace driftless::testing {

using nlohmann::json;

namespace {

std::vector<std::string> segments(const std::string& pointer) {
    std::vector<std::string> out;
    std::size_t at = pointer.empty() || pointer[0] != '/' ? 0 : 1;
    while (at <= pointer.size()) {
        const auto slash = pointer.find('/', at);
        out.push_back(pointer.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
        if (slash == std::string::npos) break;
        at = slash + 1;
    }
    return out;
}

// `*` matches any run of characters, the rest matches itself.
bool glob(std::string_view pattern, std::string_view text) {
    if (pattern.empty()) return text.empty();
    if (pattern[0] == '*') {
        for (std::size_t skip = 0; skip <= text.size(); ++skip)
            if (glob(pattern.substr(1), text.substr(skip))) return true;
        return false;
    }
    return !text.empty() && pattern[0] == text[0] && glob(pattern.substr(1), text.substr(1));
}

std::string shown(const json& flat, const std::string& path) {
    const auto it = flat.find(path);
    return it == flat.end() ? "(absent)" : it->dump();
}

}  // namespace

bool covers(const std::string& pattern, const std::string& path) {
    const auto want = segments(pattern), have = segments(path);
    if (want.size() > have.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i)
        if (!glob(want[i], have[i])) return false;
    return true;
}

std::vector<difference> differences(const json& a, const json& b, std::span<const allowed_difference> allowed,
                                    std::vector<std::string>* used) {
    // Flattened, an empty object or array is a path with a null value: one
    // side's {} against the other's missing key is a difference too.
    const json fa = a.flatten(), fb = b.flatten();
    std::set<std::string> paths;
    for (const auto& [k, v] : fa.items()) paths.insert(k);
    for (const auto& [k, v] : fb.items()) paths.insert(k);
    std::vector<difference> out;
    for (const auto& p : paths) {
        const auto ia = fa.find(p), ib = fb.find(p);
        if (ia != fa.end() && ib != fb.end() && *ia == *ib) continue;
        const auto entry = std::find_if(allowed.begin(), allowed.end(),
                                        [&](const allowed_difference& e) { return covers(e.path, p); });
        if (entry != allowed.end()) {
            if (used && std::find(used->begin(), used->end(), entry->path) == used->end()) used->push_back(entry->path);
            continue;
        }
        out.push_back({p, shown(fa, p), shown(fb, p)});
    }
    return out;
}

std::string describe(const std::vector<difference>& d) {
    std::string out;
    for (const auto& x : d) out += x.path + ": A=" + x.a + " B=" + x.b + "\n";
    return out;
}

void check_same(const json& a, const json& b, std::span<const allowed_difference> allowed, const std::string& sides) {
    std::vector<std::string> used;
    const auto left = differences(a, b, allowed, &used);
    INFO(sides << ":\n" << describe(left));
    CHECK(left.empty());
    for (const auto& e : allowed)
        if (std::find(used.begin(), used.end(), e.path) == used.end())
            MESSAGE("allowed difference no longer seen: " << e.path);
}

void check_present(const json& j, std::initializer_list<std::string> pointers) {
    for (const auto& p : pointers) {
        const json::json_pointer at(p);
        CHECK_MESSAGE((j.contains(at) && !j.at(at).is_null()), "missing on the oracle's side: " << p);
    }
}

json replaced(const json& j, const std::string& from, const std::string& to) {
    auto text = [&](std::string s) {
        for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
        return s;
    };
    if (j.is_string()) return text(j.get<std::string>());
    if (j.is_array()) {
        json out = json::array();
        for (const auto& x : j) out.push_back(replaced(x, from, to));
        return out;
    }
    if (j.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : j.items()) out[text(k)] = replaced(v, from, to);
        return out;
    }
    return j;
}

json docker_json(const std::string& args) {
    auto r = sh("docker " + args);
    if (r.exit_code != 0) throw std::runtime_error("docker " + args + ": " + r.err);
    return json::parse(r.out);
}

std::vector<std::string> docker_lines(const std::string& args) {
    const std::string out = sh("docker " + args).out;
    std::vector<std::string> found;
    std::size_t from = 0;
    while (from < out.size()) {
        const auto end = std::min(out.find('\n', from), out.size());
        if (end > from) found.push_back(out.substr(from, end - from));
        from = end + 1;
    }
    return found;
}

}  // namespace driftless::testing
