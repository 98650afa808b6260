#include "desired_state/store.hpp"

#include "desired_state/hash.hpp"

namespace driftless::desired_state {

namespace {

// Specs compare without their origin; a moved document is still a change
// worth a new snapshot because error places refer to origins.
bool same(const std::vector<spec>& a, const std::vector<spec>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i]) || !(a[i].origin == b[i].origin)) return false;
    return true;
}

}  // namespace

store::store(parse_options options) : options_(std::move(options)) {}

std::vector<diagnostic> store::put(const std::string& doc_id, std::string_view text) {
    auto r = parse_text(text, doc_id, options_);
    std::vector<diagnostic> out;
    if (!r.ok()) {
        put_errors(doc_id, r.errors);
        out = std::move(r.errors);
    } else {
        out = put_specs(doc_id, std::move(r.specs));
    }
    document& d = docs_[doc_id];
    d.text = r.companions.empty() ? std::string() : std::string(text);
    d.companions = std::move(r.companions);
    return out;
}

std::vector<diagnostic> store::put_specs(const std::string& doc_id, std::vector<spec> specs) {
    auto [it, fresh] = docs_.try_emplace(doc_id);
    document& d = it->second;
    if (fresh || !same(d.good, specs) || !d.errors.empty()) {
        d.good = std::move(specs);
        d.errors.clear();
        cached_.reset();
    }
    return {};
}

bool store::refresh_companions() {
    if (!options_.read_file) return false;
    std::vector<std::string> stale;
    for (const auto& [id, d] : docs_) {
        for (const auto& c : d.companions) {
            if (options_.read_file(c.path).text != c.text) {
                stale.push_back(id);
                break;
            }
        }
    }
    for (const auto& id : stale) {
        const std::string text = docs_[id].text;
        (void)put(id, text);
    }
    return !stale.empty();
}

void store::put_errors(const std::string& doc_id, std::vector<diagnostic> errors) {
    record_errors(doc_id, std::move(errors), std::nullopt);
}

void store::put_errors(const std::string& doc_id, std::vector<diagnostic> errors, std::set<resource_key> scope) {
    record_errors(doc_id, std::move(errors), std::move(scope));
}

void store::record_errors(const std::string& doc_id, std::vector<diagnostic> errors,
                          std::optional<std::set<resource_key>> scope) {
    auto [it, fresh] = docs_.try_emplace(doc_id);
    document& d = it->second;
    if (fresh || d.errors != errors || d.scope != scope) {
        d.errors = std::move(errors);
        d.scope = std::move(scope);
        cached_.reset();
    }
}

void store::erase(const std::string& doc_id) {
    if (docs_.erase(doc_id) != 0) cached_.reset();
}

bool store::contains(const std::string& doc_id) const { return docs_.count(doc_id) != 0; }

std::vector<std::string> store::doc_ids() const {
    std::vector<std::string> ids;
    ids.reserve(docs_.size());
    for (const auto& [id, d] : docs_) ids.push_back(id);
    return ids;
}

void store::set_synced(const std::string& doc_prefix, bool synced) {
    const bool changed = synced ? unsynced_prefixes_.erase(doc_prefix) != 0 : unsynced_prefixes_.insert(doc_prefix).second;
    if (changed) cached_.reset();
}

bool store::unsynced(const std::string& doc_id) const {
    for (const auto& prefix : unsynced_prefixes_)
        if (doc_id.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

void store::set_policy(policy p) {
    policy_ = std::move(p);
    cached_.reset();
}

std::shared_ptr<const snapshot> store::current() {
    if (cached_) return cached_;
    auto snap = std::make_shared<snapshot>();
    // A rebuild happens only after a change (or on the very first call), so
    // every distinct snapshot gets a new version.
    snap->version = ++version_;
    snap->synced = unsynced_prefixes_.empty();
    snap->documents = docs_.size();

    // Who defines each key; more than one definer is a conflict.
    std::map<resource_key, std::vector<std::pair<const std::string*, const spec*>>> definers;
    for (const auto& [id, d] : docs_) {
        const bool waiting = unsynced(id);
        for (const auto& s : d.good) {
            definers[key_of(s)].emplace_back(&id, &s);
            if (waiting) snap->unsynced.insert(key_of(s));
        }
    }

    // Volumes first: a service mounting a denied volume is denied with it.
    declared_volumes volumes;
    std::map<resource_key, std::vector<diagnostic>> denials;
    for (const auto& [key, list] : definers) {
        if (key.kind != kind::volume) continue;
        volumes.names.insert(key.name);
        if (policy_ && list.size() == 1) {
            auto denied = check_policy(*policy_, *list.front().second);
            if (!denied.empty()) volumes.denied.insert(key.name);
            denials.emplace(key, std::move(denied));
        }
    }

    std::map<std::string, std::vector<diagnostic>> conflicts;  // doc_id -> conflict and policy errors
    for (const auto& [key, list] : definers) {
        if (list.size() == 1) {
            const auto& [id, s] = list.front();
            if (policy_) {
                auto judged = denials.find(key);
                auto denied = judged != denials.end() ? std::move(judged->second) : check_policy(*policy_, *s, volumes);
                if (!denied.empty()) {
                    snap->held.insert(key);
                    auto& errors = conflicts[*id];
                    errors.insert(errors.end(), denied.begin(), denied.end());
                    continue;
                }
            }
            snap->resources.emplace(key, desired_entry{*s, spec_hash(*s), *id});
            continue;
        }
        snap->held.insert(key);
        // One error per definition, each naming the other places.
        for (const auto& [id, s] : list) {
            std::string others;
            for (const auto& [other_id, other] : list)
                if (other != s) others += (others.empty() ? "" : ", ") + other->origin.to_string();
            conflicts[*id].push_back({s->origin, "name",
                                      std::string(to_string(key.kind)) + " \"" + key.name + "\" is also defined at " +
                                          others + "; neither is applied until one is removed"});
        }
    }
    for (const auto& [id, d] : docs_) {
        if (!d.errors.empty() && d.good.empty()) {
            // What it declares is unknown beyond its scope, when it has one.
            if (!d.scope) snap->unparsed.insert(id);
            else snap->held.insert(d.scope->begin(), d.scope->end());
        }
        snap->errors.insert(snap->errors.end(), d.errors.begin(), d.errors.end());
        if (auto c = conflicts.find(id); c != conflicts.end())
            snap->errors.insert(snap->errors.end(), c->second.begin(), c->second.end());
    }
    cached_ = std::move(snap);
    return cached_;
}

}  // namespace driftless::desired_state
