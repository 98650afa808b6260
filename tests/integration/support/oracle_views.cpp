#include "support/oracle_views.hpp"

#include <algorithm>
#include <sstream>

#include "support/inspect_diff.hpp"
#include "support/process.hpp"

namespace driftless::testing {

using nlohmann::json;

namespace {

void sort_list(json& j, const char* key) {
    if (j.contains(key) && j[key].is_array()) std::sort(j[key].begin(), j[key].end());
}

// "SRC:DST[:OPTS]" from HostConfig.Binds.
std::pair<std::string, json> bind_entry(const std::string& text) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    for (std::string p; std::getline(in, p, ':');) parts.push_back(p);
    json m = {{"Type", !parts.empty() && !parts[0].empty() && parts[0][0] == '/' ? "bind" : "volume"},
              {"Source", parts.empty() ? "" : parts[0]},
              {"ReadOnly", false}};
    if (parts.size() > 2) {
        std::istringstream opts(parts[2]);
        for (std::string o; std::getline(opts, o, ',');) {
            if (o == "ro") m["ReadOnly"] = true;
            else if (o != "rw") m["Options"].push_back(o);
        }
    }
    return {parts.size() > 1 ? parts[1] : "", m};
}

json mounts_view(const json& host) {
    json out = json::object();
    if (host.contains("Binds") && host["Binds"].is_array())
        for (const auto& b : host["Binds"]) {
            auto [target, m] = bind_entry(b.get<std::string>());
            out[target] = std::move(m);
        }
    if (host.contains("Mounts") && host["Mounts"].is_array())
        for (const auto& m : host["Mounts"]) {
            json v = m;
            v.erase("Target");
            if (!v.contains("ReadOnly")) v["ReadOnly"] = false;
            out[m.value("Target", "")] = std::move(v);
        }
    if (host.contains("Tmpfs") && host["Tmpfs"].is_object())
        for (const auto& [target, opts] : host["Tmpfs"].items()) {
            json v = {{"Type", "tmpfs"}, {"ReadOnly", false}};
            if (!opts.get<std::string>().empty()) v["Options"] = opts;
            out[target] = std::move(v);
        }
    return out;
}

// `docker KIND inspect` of every object `docker KIND ls -q --filter FILTER` lists.
json inspect_all(const std::string& kind, const std::string& filter) {
    const char* all = kind == "container" ? " -a" : "";
    const auto ids = docker_lines(kind + " ls -q" + all + " --filter '" + filter + "'");
    if (ids.empty()) return json::array();
    std::string args = kind + " inspect";
    for (const auto& id : ids) args += " " + id;
    return docker_json(args);
}

// `j` without nulls and falses, nor the objects that leaves empty: a swarm
// spec field the engine reports at its zero value is one that was not set.
json pruned(const json& j) {
    if (!j.is_object() && !j.is_array()) return j;
    json out = j.is_object() ? json::object() : json::array();
    for (const auto& [k, v] : j.items()) {
        if (v.is_null() || (v.is_boolean() && !v.get<bool>())) continue;
        json x = pruned(v);
        if (x.is_object() && x.empty() && !v.empty()) continue;
        if (j.is_object()) out[k] = std::move(x);
        else out.push_back(std::move(x));
    }
    return out;
}

}  // namespace

json container_view(const json& inspect) {
    const std::string id = inspect.at("Id").get<std::string>().substr(0, 12);
    const std::string own_name = inspect.at("Name").get<std::string>().substr(1);
    json v = json::object();
    v["Name"] = inspect["Name"];
    v["Path"] = inspect["Path"];
    v["Args"] = inspect["Args"];
    v["Config"] = inspect["Config"];
    if (v["Config"].value("Hostname", "") == id) v["Config"]["Hostname"] = "<id>";
    sort_list(v["Config"], "Env");
    json host = inspect["HostConfig"];
    v["Mounts"] = mounts_view(host);
    for (const char* k : {"Binds", "Mounts", "Tmpfs"}) host.erase(k);
    sort_list(host, "CapAdd");
    sort_list(host, "CapDrop");
    sort_list(host, "SecurityOpt");
    v["HostConfig"] = std::move(host);
    json nets = json::object();
    for (const auto& [name, ep] : inspect["NetworkSettings"]["Networks"].items()) {
        // A set: one path an alias, so that one extra alias is one difference.
        json aliases = json::object();
        if (ep.contains("Aliases") && ep["Aliases"].is_array())
            for (const auto& a : ep["Aliases"])
                aliases[a == id ? "<id>" : a == own_name ? "<name>" : a.get<std::string>()] = true;
        nets[name] = {{"Aliases", aliases}, {"IPAMConfig", ep["IPAMConfig"]}, {"Links", ep["Links"]},
                      {"DriverOpts", ep["DriverOpts"]}};
    }
    v["Networks"] = std::move(nets);
    return v;
}

json network_view(const json& inspect) {
    json v = json::object();
    for (const char* k : {"Name", "Driver", "Scope", "EnableIPv6", "IPAM", "Internal", "Attachable", "Ingress",
                          "ConfigOnly", "Options", "Labels"})
        if (inspect.contains(k)) v[k] = inspect[k];
    // An overlay network's VXLAN id is handed out by the swarm, one a network.
    if (v.contains("Options") && v["Options"].is_object()) v["Options"].erase("com.docker.network.driver.overlay.vxlanid_list");
    return v;
}

json volume_view(const json& inspect) {
    json v = json::object();
    for (const char* k : {"Name", "Driver", "Scope", "Options", "Labels"})
        if (inspect.contains(k)) v[k] = inspect[k];
    return v;
}

json service_view(const json& inspect) {
    json spec = pruned(inspect.at("Spec"));
    const std::string own_name = spec.value("Name", "");
    json& task = spec["TaskTemplate"];
    json& c = task["ContainerSpec"];
    sort_list(c, "Env");
    for (const char* k : {"CapabilityAdd", "CapabilityDrop"}) {
        if (!c.contains(k)) continue;
        for (auto& cap : c[k])
            if (cap.get<std::string>().rfind("CAP_", 0) == 0) cap = cap.get<std::string>().substr(4);
        sort_list(c, k);
    }
    if (c.contains("Mounts")) {
        json by_target = json::object();
        for (const auto& m : c["Mounts"]) {
            json v = m;
            v.erase("Target");
            by_target[m.value("Target", "")] = std::move(v);
        }
        c["Mounts"] = std::move(by_target);
    }
    if (task.contains("Placement") && task["Placement"].contains("Constraints"))
        for (auto& x : task["Placement"]["Constraints"]) {
            std::string text = x.get<std::string>();
            text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
            x = text;
        }
    if (task.contains("Networks")) {
        json nets = json::object();
        for (const auto& n : task["Networks"]) {
            const auto name = sh("docker network inspect -f '{{.Name}}' " + n["Target"].get<std::string>()).out;
            json aliases = json::object();
            if (n.contains("Aliases"))
                for (const auto& a : n["Aliases"]) aliases[a == own_name ? "<name>" : a.get<std::string>()] = true;
            nets[name.substr(0, name.find('\n'))] = {{"Aliases", std::move(aliases)}};
        }
        task["Networks"] = std::move(nets);
    }
    return spec;
}

json project_view(const std::string& filter) {
    json out = {{"containers", json::object()}, {"networks", json::object()}, {"volumes", json::object()}};
    for (const auto& c : inspect_all("container", filter)) {
        const auto& labels = c["Config"]["Labels"];
        out["containers"][labels.value("com.docker.compose.service", c["Name"].get<std::string>())] = container_view(c);
    }
    for (const auto& n : inspect_all("network", filter)) out["networks"][n["Name"].get<std::string>()] = network_view(n);
    for (const auto& x : inspect_all("volume", filter)) out["volumes"][x["Name"].get<std::string>()] = volume_view(x);
    return out;
}

json stack_view(const std::string& filter) {
    json out = {{"services", json::object()}, {"networks", json::object()}};
    for (const auto& s : inspect_all("service", filter)) out["services"][s["Spec"]["Name"].get<std::string>()] = service_view(s);
    for (const auto& n : inspect_all("network", filter)) out["networks"][n["Name"].get<std::string>()] = network_view(n);
    return out;
}

}  // namespace driftless::testing
