#include "desired_state/detail/compose_merge.hpp"

#include <map>
#include <set>

namespace driftless::desired_state::detail {

namespace {

using mutable_node = std::shared_ptr<node>;

// How a list in the override meets the same list in the base file.
enum class list_rule {
    replace,       // command, entrypoint, healthcheck.test; every list outside services
    append,        // ports, expose, dns, cap_add, ...: base first, items already there once
    by_entry_key,  // environment, labels, sysctls, extra_hosts: "KEY=VALUE" entries by KEY
    by_target,     // volumes, devices: by the path inside the container
    by_source,     // a service's secrets and configs: by the secret's name
};

list_rule rule_for(const std::vector<std::string>& path) {
    if (path.size() < 3 || path[0] != "services") return list_rule::replace;
    const std::string& key = path.back();
    if (path.size() == 3) {
        if (key == "command" || key == "entrypoint") return list_rule::replace;
        if (key == "environment" || key == "labels" || key == "sysctls" || key == "extra_hosts" ||
            key == "annotations")
            return list_rule::by_entry_key;
        if (key == "volumes" || key == "devices") return list_rule::by_target;
        if (key == "secrets" || key == "configs") return list_rule::by_source;
        return list_rule::append;
    }
    if (path.size() == 4 && path[2] == "healthcheck" && key == "test") return list_rule::replace;
    if (path.size() == 4 && (path[2] == "deploy" || path[2] == "build") && (key == "labels" || key == "args"))
        return list_rule::by_entry_key;
    return list_rule::append;
}

const node* mapping_value(const node& map, std::string_view key) {
    for (std::size_t i = 0; i < map.pairs(); ++i)
        if (map.key(i).is_scalar() && map.key(i).text == key) return &map.value(i);
    return nullptr;
}

// What identifies a list item under `rule`; "" = nothing (appended).
std::string item_key(list_rule rule, const node& item, bool colon_too) {
    if (rule == list_rule::by_entry_key) {
        if (!item.is_scalar()) return {};
        const auto at = item.text.find_first_of(colon_too ? "=:" : "=");
        return item.text.substr(0, at);
    }
    if (rule == list_rule::by_target || rule == list_rule::by_source) {
        if (item.is_mapping()) {
            const node* v = mapping_value(item, rule == list_rule::by_target ? "target" : "source");
            return v && v->is_scalar() ? v->text : std::string();
        }
        if (!item.is_scalar()) return {};
        if (rule == list_rule::by_source) return item.text;
        const auto parts = split_on(item.text, ':');
        return parts.size() >= 2 ? parts[1] : parts[0];
    }
    return {};
}

mutable_node copy_shell(const node& n, node::type kind) {
    auto out = std::make_shared<node>();
    out->kind = kind;
    out->line = n.line;
    out->column = n.column;
    out->file = n.file;
    return out;
}

// {KEY: VALUE} as ["KEY=VALUE"] (a null VALUE: "KEY", a pass-through), so
// that the two forms of environment and labels merge; nullptr when a value
// is not a scalar.
node_ptr entries_as_list(const node& map, bool hosts) {
    auto out = copy_shell(map, node::type::sequence);
    for (std::size_t i = 0; i < map.pairs(); ++i) {
        const node& k = map.key(i);
        const node& v = map.value(i);
        if (!k.is_scalar() || !(v.is_scalar() || v.is_null())) return nullptr;
        auto item = copy_shell(k, node::type::scalar);
        item->plain = false;
        item->text = v.is_null() && !hosts ? k.text : k.text + "=" + v.text;
        out->children.push_back(std::move(item));
    }
    return out;
}

// [a, b] as {a: null, b: null} (networks), or as {a: {condition:
// service_started}} (depends_on), so that the two forms merge.
node_ptr names_as_mapping(const node& seq, bool dependency) {
    auto out = copy_shell(seq, node::type::mapping);
    for (const auto& item : seq.children) {
        if (!item->is_scalar()) return nullptr;
        out->children.push_back(item);
        if (!dependency) {
            out->children.push_back(copy_shell(*item, node::type::null));
            continue;
        }
        auto cond = copy_shell(*item, node::type::mapping);
        auto key = copy_shell(*item, node::type::scalar);
        key->text = "condition";
        auto value = copy_shell(*item, node::type::scalar);
        value->text = "service_started";
        cond->children = {std::move(key), std::move(value)};
        out->children.push_back(std::move(cond));
    }
    return out;
}

class merger {
public:
    explicit merger(context& ctx) : ctx_(ctx) {}

    node_ptr value(const node_ptr& base, const node_ptr& over) {
        if (!ctx_.visit(*over)) return base;
        if (over->tag == node::merge_tag::override) return over;
        if (over->is_null()) return base;
        if (base->is_mapping() && over->is_mapping()) return mapping(*base, *over);
        const list_rule rule = rule_for(path_);
        if (base->is_sequence() && over->is_sequence()) return rule == list_rule::replace ? over : list(*base, *over);
        const bool hosts = !path_.empty() && path_.back() == "extra_hosts";
        if (rule == list_rule::by_entry_key && (base->is_mapping() || over->is_mapping())) {
            node_ptr b = base->is_mapping() ? entries_as_list(*base, hosts) : base;
            node_ptr o = over->is_mapping() ? entries_as_list(*over, hosts) : over;
            if (b && o && b->is_sequence() && o->is_sequence()) return list(*b, *o);
        }
        const bool names = path_.size() == 3 && path_[0] == "services" &&
                           (path_[2] == "networks" || path_[2] == "depends_on");
        if (names && (base->is_sequence() || over->is_sequence())) {
            const bool dependency = path_[2] == "depends_on";
            node_ptr b = base->is_sequence() ? names_as_mapping(*base, dependency) : base;
            node_ptr o = over->is_sequence() ? names_as_mapping(*over, dependency) : over;
            if (b && o && b->is_mapping() && o->is_mapping()) return mapping(*b, *o);
        }
        return over;
    }

private:
    node_ptr mapping(const node& base, const node& over) {
        auto out = copy_shell(base, node::type::mapping);
        out->children = base.children;
        std::map<std::string, std::size_t> at;  // key -> pair index in out
        for (std::size_t i = 0; i < base.pairs(); ++i)
            if (base.key(i).is_scalar()) at.emplace(base.key(i).text, i);
        std::set<std::size_t> dropped;
        for (std::size_t i = 0; i < over.pairs(); ++i) {
            const node_ptr& k = over.children[2 * i];
            const node_ptr& v = over.children[2 * i + 1];
            auto it = k->is_scalar() ? at.find(k->text) : at.end();
            if (it == at.end()) {
                if (v->tag == node::merge_tag::reset) continue;
                out->children.push_back(k);
                out->children.push_back(v);
                continue;
            }
            if (v->tag == node::merge_tag::reset) {
                dropped.insert(it->second);
                continue;
            }
            path_.push_back(k->text);
            out->children[2 * it->second + 1] = value(out->children[2 * it->second + 1], v);
            path_.pop_back();
        }
        if (!dropped.empty()) {
            std::vector<node_ptr> kept;
            for (std::size_t i = 0; i < out->children.size() / 2; ++i) {
                if (dropped.count(i)) continue;
                kept.push_back(out->children[2 * i]);
                kept.push_back(out->children[2 * i + 1]);
            }
            out->children = std::move(kept);
        }
        return out;
    }

    node_ptr list(const node& base, const node& over) {
        const list_rule rule = rule_for(path_);
        const bool hosts = !path_.empty() && path_.back() == "extra_hosts";
        auto out = copy_shell(base, node::type::sequence);
        out->children = base.children;
        std::map<std::string, std::size_t> by_key;
        std::set<std::string> texts;
        for (std::size_t i = 0; i < base.children.size(); ++i) {
            const node& item = *base.children[i];
            if (auto k = item_key(rule, item, hosts); !k.empty()) by_key.emplace(k, i);
            if (item.is_scalar()) texts.insert(item.text);
        }
        for (const auto& item : over.children) {
            if (!ctx_.visit(*item)) break;
            if (auto k = item_key(rule, *item, hosts); !k.empty()) {
                if (auto it = by_key.find(k); it != by_key.end()) {
                    out->children[it->second] = item;
                    continue;
                }
                by_key.emplace(k, out->children.size());
            } else if (item->is_scalar() && texts.count(item->text)) {
                continue;
            }
            if (item->is_scalar()) texts.insert(item->text);
            out->children.push_back(item);
        }
        return out;
    }

    context& ctx_;
    std::vector<std::string> path_;
};

}  // namespace

bool is_compose_file_name(std::string_view name) {
    for (auto n : compose_file_names)
        if (name == n) return true;
    return false;
}

bool is_compose_override_name(std::string_view name) noexcept {
    for (auto n : compose_override_names)
        if (name == n) return true;
    return false;
}

}  // namespace driftless::desired_state::detail

namespace driftless::desired_state {

bool is_compose_override_file(std::string_view file_name) noexcept { return detail::is_compose_override_name(file_name); }

}  // namespace driftless::desired_state

namespace driftless::desired_state::detail {

node_ptr merge_compose(context& ctx, const node_ptr& base, const node_ptr& over) {
    merger m(ctx);
    return m.value(base, over);
}

}  // namespace driftless::desired_state::detail
