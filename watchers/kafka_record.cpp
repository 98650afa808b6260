#include "watchers/kafka_record.hpp"

#include "desired_state/resource_name.hpp"

namespace driftless::watchers {

namespace {

using desired_state::diagnostic;

record_specs reject(const std::string& where, std::string field, std::string message) {
    record_specs r;
    r.errors.push_back(diagnostic{{where, 0, 0}, std::move(field), std::move(message)});
    return r;
}

const std::string key_forms = "expected NAME or Kind/NAME, Kind one of Service, Network, Volume";
const std::string ignored = "; the record is ignored";

key_scope names_nothing(const std::string& where, std::string message) {
    return key_scope{{}, diagnostic{{where, 0, 0}, "", std::move(message) + ignored}};
}

}  // namespace

std::string kafka_where(std::string_view topic, std::int32_t partition, std::int64_t offset) {
    return std::string(topic) + "/" + std::to_string(partition) + "@" + std::to_string(offset);
}

std::string kafka_doc_id(std::string_view topic, std::string_view key) { return kafka_doc_prefix(topic) + std::string(key); }

std::string kafka_doc_prefix(std::string_view topic) { return "kafka:" + std::string(topic) + "/"; }

std::optional<diagnostic> check_record_size(std::size_t size, const std::string& where, const record_options& options) {
    if (size <= options.max_record_bytes) return std::nullopt;
    return diagnostic{{where, 0, 0}, "",
                      "record value is " + std::to_string(size) + " bytes, more than the limit of " +
                          std::to_string(options.max_record_bytes) + " bytes; the key's last good version is kept"};
}

key_scope read_key(std::string_view key, const std::string& where, const record_options& options) {
    using desired_state::kind;
    // Checked before the key is quoted: a message must stay short.
    if (key.size() > options.max_key_bytes)
        return names_nothing(where, "record key is longer than the limit of " + std::to_string(options.max_key_bytes) +
                                        " bytes (" + key_forms + ")");
    if (key.empty()) return names_nothing(where, "record has no key; the key names the resource (" + key_forms + ")");
    std::optional<kind> key_kind;
    std::string_view key_name = key;
    if (const auto slash = key.find('/'); slash != std::string_view::npos) {
        const auto kind_text = key.substr(0, slash);
        key_kind = desired_state::kind_from_string(kind_text);
        if (!key_kind)
            return names_nothing(where, "key \"" + std::string(key) + "\": unknown kind \"" + std::string(kind_text) +
                                            "\"; " + key_forms);
        key_name = key.substr(slash + 1);
        if (key_name.empty()) return names_nothing(where, "key \"" + std::string(key) + "\": empty name; " + key_forms);
    }
    if (auto bad = desired_state::check_resource_name(key_name); !bad.empty())
        return names_nothing(where, "key \"" + std::string(key) + "\": name " + bad + "; " + key_forms);
    key_scope out;
    for (kind k : {kind::service, kind::network, kind::volume})
        if (!key_kind || *key_kind == k) out.keys.insert({k, std::string(key_name)});
    return out;
}

record_specs read_record(std::string_view key, std::string_view value, const std::string& where,
                         const record_options& options) {
    if (auto too_big = check_record_size(value.size(), where, options)) return record_specs{{}, {std::move(*too_big)}};

    // The key's form comes first: a record that cannot be tied to a resource
    // is not worth parsing.
    auto scope = read_key(key, where, options);
    if (scope.error) return record_specs{{}, {std::move(*scope.error)}};

    auto parsed = desired_state::parse_text(value, where, options.parse);
    if (!parsed.ok()) return record_specs{{}, std::move(parsed.errors)};

    if (parsed.specs.size() != 1) {
        if (parsed.specs.empty())
            return reject(where, "", "the record declares no resource; a record declares exactly one, named by its key "
                                     "(an empty value deletes it)");
        std::string names;
        for (const auto& s : parsed.specs) names += (names.empty() ? "" : ", ") + desired_state::key_of(s).to_string();
        return reject(where, "", "the record declares " + std::to_string(parsed.specs.size()) + " resources (" + names +
                                     "); a record declares exactly one, named by its key");
    }
    const auto& s = parsed.specs.front();
    if (!scope.keys.count(desired_state::key_of(s)))
        return reject(where, "name", "key \"" + std::string(key) + "\" does not match the resource " +
                                         desired_state::key_of(s).to_string() +
                                         " in the value; the key must be its name or Kind/name");
    return record_specs{std::move(parsed.specs), {}};
}

}  // namespace driftless::watchers
