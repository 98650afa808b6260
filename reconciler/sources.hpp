// The desired-state sources of one driftless process (`-s ...`), all feeding
// one store: folders now, Kafka topics beside them.
//
// Threading: constructed, started and stopped on the loop's io_context
// thread; watchers deliver their changes there too.
#pragma once

#include <utility>
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "desired_state/result.hpp"
#include "desired_state/store.hpp"
#include "watchers/kafka_uri.hpp"

namespace driftless::reconciler {

class sources {
public:
    sources(boost::asio::any_io_executor ex, desired_state::store& store);
    ~sources();

    // What add() does with a folder that is not there: `refuse` it (plan,
    // apply: most likely a typo), or `wait` for it (run: a sidecar may start
    // before git-sync or a mount makes it).
    enum class missing_folder { refuse, wait };

    // Adds a source from its `-s` text: "PATH", "dir:PATH" or
    // "kafka://HOST:PORT[,HOST:PORT]/TOPIC". An error names the problem (no
    // such folder, unknown scheme, malformed URI).
    //
    // A folder that is missing (or unreadable, or cut short by a walk limit)
    // is an error for its root with no last good version, so no pass prunes
    // while it lasts: what it declares is unknown (plan.hpp's guards). Once
    // read, a root that goes away keeps its documents (directory_source).
    [[nodiscard]] status add(const std::string& text, missing_folder missing = missing_folder::refuse);

    // `-X key=value` and `-X @FILE` settings for every Kafka source
    // (librdkafka names); checked by librdkafka now. Call before
    // scan_once()/watch().
    [[nodiscard]] status set_kafka_settings(const std::vector<std::string>& settings);

    // How documents are parsed: `folder_options` for the folders' files
    // (its read_file is replaced by one that reads only under the watched
    // folders), `kafka_options` for Kafka records (which never read files).
    // Call after add() and before scan_once()/watch().
    void set_parse_options(desired_state::parse_options folder_options, desired_state::parse_options kafka_options);

    // The Kafka sources' URIs and settings (for --status-topic).
    [[nodiscard]] std::vector<watchers::kafka_uri> kafka_uris() const;
    [[nodiscard]] const std::vector<watchers::kafka_setting>& kafka_settings() const;

    // Every Kafka source has read its topic up to the watermarks seen at its
    // start (always true without Kafka sources). The store's synced flag
    // follows it.
    [[nodiscard]] bool synced() const;

    // Reads every folder once into the store, and starts the Kafka sources
    // (plan, apply, and run's start). Kafka changes arrive on the io thread
    // afterwards; run the io_context until synced() for a complete state.
    void scan_once();

    // Watches every source; calls on_change on the io thread after the store
    // changed (one call per coalesced burst).
    void watch(std::function<void()> on_change);

    void stop();

    [[nodiscard]] std::size_t size() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace driftless::reconciler
