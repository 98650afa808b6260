// For Kafka integration tests and benchmarks: librdkafka's mock cluster
// (kafka_mock_cluster, built beside the tests) as a child process, and
// Debian's kcat as the independent producer and consumer.
//
// Header-only; needs tests/integration/support/process.hpp and the path of
// the tool in DRIFTLESS_KAFKA_MOCK.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "integration/support/process.hpp"

namespace driftless::testing {

// A record as kcat reads it back.
struct kafka_record_seen {
    std::string key;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string value;   // "NULL" for a tombstone
};

class kafka_cluster {
public:
    // `topics`: "NAME:PARTITIONS" each. `rtt`: a delay on every broker answer.
    explicit kafka_cluster(const std::vector<std::string>& topics, int brokers = 1,
                           std::chrono::milliseconds rtt = std::chrono::milliseconds(0))
        : dir_(std::filesystem::temp_directory_path() / unique_id("driftless-kafka")) {
        std::filesystem::create_directories(dir_);
        std::vector<std::string> argv{DRIFTLESS_KAFKA_MOCK, "--brokers", std::to_string(brokers)};
        if (rtt.count() > 0) {
            argv.push_back("--rtt");
            argv.push_back(std::to_string(rtt.count()));
        }
        for (const auto& t : topics) {
            argv.push_back("--topic");
            argv.push_back(t);
        }
        child_ = std::make_unique<child>(argv, std::vector<std::string>{}, (dir_ / "cluster.log").string());
        if (!wait_until([&] { return !(bootstrap_ = first_line()).empty() || !child_->running(); }, std::chrono::seconds(20)) ||
            bootstrap_.empty())
            throw std::runtime_error("kafka_mock_cluster did not start: " + child_->log());
    }

    ~kafka_cluster() {
        child_->signal(SIGTERM);
        (void)child_->wait(std::chrono::seconds(10));
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    [[nodiscard]] const std::string& bootstrap() const noexcept { return bootstrap_; }
    [[nodiscard]] std::string uri(const std::string& topic) const { return "kafka://" + bootstrap_ + "/" + topic; }

    // SIGUSR1 / SIGUSR2 to the tool, then waits for its acknowledgement.
    void brokers_down() { toggle(SIGUSR1, "brokers down"); }
    void brokers_up() { toggle(SIGUSR2, "brokers up"); }

    // One record; the value is sent as is (newlines included). An empty
    // value is a tombstone.
    void produce(const std::string& topic, const std::string& key, const std::string& value) {
        if (value.empty()) {
            produce_lines(topic, {key + "|"});
            return;
        }
        const auto file = (dir_ / unique_id("value")).string();
        std::ofstream(file, std::ios::binary) << value;
        expect_ok(run({"kcat", "-b", bootstrap_, "-P", "-t", topic, "-k", key, file}), "kcat -P");
    }

    // Many records in one kcat run: "KEY|VALUE" each, VALUE on one line
    // (JSON); "KEY|" is a tombstone. `settings`: kcat -X key=value, e.g.
    // "batch.num.messages=1" for a record batch per record.
    void produce_lines(const std::string& topic, const std::vector<std::string>& lines,
                       const std::vector<std::string>& settings = {}) {
        const auto file = (dir_ / unique_id("lines")).string();
        {
            std::ofstream out(file, std::ios::binary);
            for (const auto& l : lines) out << l << '\n';
        }
        std::vector<std::string> argv{"kcat", "-b", bootstrap_, "-P", "-t", topic, "-K", "|", "-Z", "-l", file};
        for (const auto& s : settings) argv.insert(argv.end() - 1, {"-X", s});
        expect_ok(run(argv), "kcat -P -l");
    }

    // Every record of `topic` from the beginning, read with kcat.
    std::vector<kafka_record_seen> consume(const std::string& topic) {
        // \x1f and \x1e cannot occur in the values the tests write.
        auto r = run({"kcat", "-b", bootstrap_, "-C", "-t", topic, "-e", "-Z", "-q", "-f", "%k\x1f%p\x1f%o\x1f%s\x1e"});
        expect_ok(r, "kcat -C");
        std::vector<kafka_record_seen> out;
        std::size_t at = 0;
        for (auto end = r.out.find('\x1e'); end != std::string::npos; at = end + 1, end = r.out.find('\x1e', at)) {
            std::vector<std::string> fields;
            std::size_t f = at;
            for (int i = 0; i < 3; ++i) {
                const auto sep = r.out.find('\x1f', f);
                fields.push_back(r.out.substr(f, sep - f));
                f = sep + 1;
            }
            out.push_back({fields[0], std::stoi(fields[1]), std::stoll(fields[2]), r.out.substr(f, end - f)});
        }
        return out;
    }

    // The latest record of `key`, read back with kcat.
    kafka_record_seen last_of(const std::string& topic, const std::string& key) {
        kafka_record_seen found;
        bool any = false;
        for (auto& r : consume(topic))
            if (r.key == key && (!any || r.offset >= found.offset)) found = std::move(r), any = true;
        if (!any) throw std::runtime_error("no record for key " + key);
        return found;
    }

    [[nodiscard]] std::string log() const { return child_->log(); }

private:
    std::string first_line() const {
        std::ifstream in(child_->log_path());
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("127.0.0.1:", 0) == 0 || line.rfind("localhost:", 0) == 0) return line;
        return {};
    }

    void toggle(int sig, const std::string& ack) {
        const auto count = [&] {
            const auto log = child_->log();
            std::size_t n = 0;
            for (auto at = log.find(ack); at != std::string::npos; at = log.find(ack, at + 1)) ++n;
            return n;
        };
        const auto before = count();
        child_->signal(sig);
        if (!wait_until([&] { return count() > before; }, std::chrono::seconds(10)))
            throw std::runtime_error("kafka_mock_cluster did not acknowledge " + ack);
    }

    static void expect_ok(const command_result& r, const std::string& what) {
        if (r.exit_code != 0) throw std::runtime_error(what + " failed (" + std::to_string(r.exit_code) + "): " + r.err);
    }

    std::filesystem::path dir_;
    std::unique_ptr<child> child_;
    std::string bootstrap_;
};

}  // namespace driftless::testing
