// The cache of what should be: documents in, immutable snapshots out.
//
// Each document is identified by a `doc_id` (a file path, or
// "kafka:TOPIC/KEY"). A document that fails to parse keeps its last good
// specs (DESIGN.md §5): they stay in the snapshot and the errors are
// reported beside them. Erasing a document removes its specs.
//
// A resource name defined by two documents is a conflict: neither wins; the
// key goes into `held` (the reconciler neither creates, changes nor removes
// it) and every defining document gets one error, at its own definition,
// naming the other place(s): `b.yaml:1:1: name: Service "web" is also
// defined at a.yaml:3:1; neither is applied until one is removed`.
//
// Sources and the sync gate (DESIGN.md §5): a source that is still being
// read (a Kafka topic catching up) marks its documents by their doc_id
// prefix ("kafka:TOPIC/"). The keys its documents declare are listed in
// `unsynced` until it is read through, and `synced` is false while any
// source is not: the reconciler acts on none of those keys and prunes
// nothing meanwhile.
//
// Scope of a document in error: when its source knows which keys it can
// declare (a Kafka record's key names its resource), a document in error
// with no last good version holds only those keys (`held`); otherwise what
// it declares is unknown and it holds every removal (`unparsed`).
//
// Versions: the first snapshot is version 1; each later change (a put that
// changes specs or errors, an erase of a known document, a change of the
// sync flag) makes current() build a new snapshot with the next version.
// Putting the same text again is not a change.
//
// Threading: not thread-safe; owned by the reconciler's io_context thread.
// Snapshots are immutable and may be read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/parse.hpp"
#include "desired_state/policy.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state {

struct desired_entry {
    desired_state::spec spec;
    std::string hash;                           // spec_hash(spec)
    std::string doc_id;                         // the document that defines it
};

struct snapshot {
    std::uint64_t version = 0;
    std::map<resource_key, desired_entry> resources;   // valid and unique
    std::set<resource_key> held;                        // defined twice: leave alone
    std::vector<diagnostic> errors;                     // current errors of all documents, by doc_id
    std::size_t documents = 0;                          // documents known (valid or not)
    // Documents with errors and no last good version (a file broken since
    // it first appeared, an unreadable folder, a lost broker): what they
    // declare is unknown, so nothing may be removed while they exist.
    std::set<std::string> unparsed;
    bool synced = true;                                 // every source has been read through
    // Keys declared by documents of a source not read through yet (in
    // `resources` or `held`): what that source wants of them is not known.
    std::set<resource_key> unsynced;
};

class store {
public:
    explicit store(parse_options options = {});

    // Parses `text` as document `doc_id`. Returns its errors (empty = accepted,
    // and its specs replace the document's previous ones). On error the last
    // good specs of this document are kept.
    std::vector<diagnostic> put(const std::string& doc_id, std::string_view text);

    // Like put, for specs already parsed (Kafka checks key/name first).
    std::vector<diagnostic> put_specs(const std::string& doc_id, std::vector<spec> specs);

    // Records errors for a document without touching its last good specs.
    // With no last good version, what the document declares is unknown
    // and it holds every removal (snapshot::unparsed).
    void put_errors(const std::string& doc_id, std::vector<diagnostic> errors);

    // Like put_errors, for a document that can only ever declare the keys
    // in `scope` (a Kafka record's key names its resource). With no last
    // good version it holds those keys only (snapshot::held); an empty
    // scope (a record whose key names nothing) holds nothing.
    void put_errors(const std::string& doc_id, std::vector<diagnostic> errors, std::set<resource_key> scope);

    // Forgets the document and its specs. Not an error if it is unknown.
    void erase(const std::string& doc_id);

    [[nodiscard]] bool contains(const std::string& doc_id) const;
    [[nodiscard]] std::vector<std::string> doc_ids() const;

    // How documents are read from now on (variables, compose companions,
    // profiles, naming). Call before the first put.
    void set_parse_options(parse_options options) { options_ = std::move(options); }

    // Parses again every document whose companion files (a compose file's
    // .env, env_file, override or secret files) no longer hold what they
    // held when it was parsed, so a changed .env is a changed spec. Reads
    // those files (blocking; a handful of small files). Returns true when a
    // document was parsed again.
    bool refresh_companions();

    // Marks whether the source of the documents whose doc_id starts with
    // `doc_prefix` has been read through (the sync gate). A prefix not
    // marked is synced; documents put later under an unsynced prefix are
    // unsynced too.
    void set_synced(const std::string& doc_prefix, bool synced);

    // The same for a store fed by one source: every document.
    void set_synced(bool synced) { set_synced(std::string(), synced); }

    // Specs the policy denies are held (neither applied nor removed) and
    // reported as errors of their documents.
    void set_policy(policy p);

    // The current snapshot; rebuilt lazily after a change, shared otherwise.
    [[nodiscard]] std::shared_ptr<const snapshot> current();

private:
    struct document {
        std::vector<spec> good;                 // last good specs
        std::vector<diagnostic> errors;         // errors of the latest version
        std::string text;                       // the latest text put (for refresh_companions)
        std::vector<companion> companions;      // what it read besides, when last parsed
        std::optional<std::set<resource_key>> scope;   // keys it can declare; nullopt: unknown
    };
    void record_errors(const std::string& doc_id, std::vector<diagnostic> errors,
                       std::optional<std::set<resource_key>> scope);
    [[nodiscard]] bool unsynced(const std::string& doc_id) const;

    parse_options options_;
    std::map<std::string, document> docs_;
    std::set<std::string> unsynced_prefixes_;
    std::optional<policy> policy_;
    std::uint64_t version_ = 0;
    std::shared_ptr<const snapshot> cached_;
};

}  // namespace driftless::desired_state
