// A Kafka cluster for tests: librdkafka's mock cluster (rdkafka_mock.h) in a
// process of its own, so that tests, kcat and driftless all reach it over
// TCP as they would a real one.
//
//   kafka_mock_cluster [--brokers N] [--rtt MS] [--topic NAME[:PARTITIONS]]...
//
// --rtt delays every broker's answers by MS milliseconds: a slow network, so
// that a backlog read one record batch per fetch takes a while.
//
// Prints the bootstrap servers ("127.0.0.1:PORT,...") as one line on stdout
// once the cluster listens, then runs until SIGTERM or SIGINT (exit 0).
// SIGUSR1 takes every broker down (connections dropped, new ones refused),
// SIGUSR2 brings them back: a broker outage on demand. Each is acknowledged
// with a line on stderr ("brokers down" / "brokers up").
//
// Topics not created here are created on first use with one partition
// (the mock's auto-creation).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

struct options {
    int brokers = 1;
    int rtt_ms = 0;
    std::vector<std::pair<std::string, int>> topics;
};

int usage(const char* why) {
    std::fprintf(stderr, "kafka_mock_cluster: %s\nusage: kafka_mock_cluster [--brokers N] [--rtt MS] [--topic NAME[:PARTITIONS]]...\n",
                 why);
    return 2;
}

bool parse_count(const std::string& text, int& out) {
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 1 || v > 1000) return false;
    out = static_cast<int>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--brokers" || arg == "--rtt" || arg == "--topic") && i + 1 >= argc) return usage((arg + " needs a value").c_str());
        if (arg == "--brokers") {
            if (!parse_count(argv[++i], o.brokers)) return usage("--brokers: expected a number from 1 to 1000");
        } else if (arg == "--rtt") {
            if (!parse_count(argv[++i], o.rtt_ms)) return usage("--rtt: expected milliseconds from 1 to 1000");
        } else if (arg == "--topic") {
            std::string spec = argv[++i];
            int partitions = 1;
            if (const auto colon = spec.rfind(':'); colon != std::string::npos) {
                if (!parse_count(spec.substr(colon + 1), partitions))
                    return usage(("--topic " + spec + ": expected NAME[:PARTITIONS] with 1 to 1000 partitions").c_str());
                spec.resize(colon);
            }
            if (spec.empty()) return usage("--topic: empty topic name");
            o.topics.emplace_back(spec, partitions);
        } else {
            return usage(("unknown argument \"" + arg + "\"").c_str());
        }
    }

    // Block the signals before any librdkafka thread exists, so that every
    // thread inherits the mask and only sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&signals, s);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The handle only hosts the cluster; it must not try to reach anything.
    if (rd_kafka_conf_set(conf, "bootstrap.servers", "", err, sizeof err) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "kafka_mock_cluster: %s\n", err);
        return 1;
    }
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        std::fprintf(stderr, "kafka_mock_cluster: rd_kafka_new: %s\n", err);
        return 1;
    }
    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, o.brokers);
    if (!cluster) {
        std::fprintf(stderr, "kafka_mock_cluster: cannot create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    for (const auto& [name, partitions] : o.topics) {
        const auto e = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::fprintf(stderr, "kafka_mock_cluster: topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
            rd_kafka_mock_cluster_destroy(cluster);
            rd_kafka_destroy(rk);
            return 1;
        }
    }
    if (o.rtt_ms > 0)
        for (int id = 1; id <= o.brokers; ++id) rd_kafka_mock_broker_set_rtt(cluster, id, o.rtt_ms);
    std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    std::fflush(stdout);

    for (;;) {
        int sig = 0;
        if (sigwait(&signals, &sig) != 0) continue;
        if (sig == SIGUSR1 || sig == SIGUSR2) {
            // One call per broker: "-1 for all" is not in every librdkafka.
            for (int id = 1; id <= o.brokers; ++id) {
                if (sig == SIGUSR1) rd_kafka_mock_broker_set_down(cluster, id);
                else rd_kafka_mock_broker_set_up(cluster, id);
            }
            std::fprintf(stderr, "brokers %s\n", sig == SIGUSR1 ? "down" : "up");
            continue;
        }
        break;
    }
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
    return 0;
}
