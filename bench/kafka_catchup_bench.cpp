// Catching up a Kafka backlog: how long a fresh kafka_source takes from
// start() until synced(), with every record parsed and the result in a
// desired_state::store, as `driftless run` does at start.
//
// The cluster is librdkafka's mock cluster in this process, filled once per
// topic by a librdkafka producer before timing starts: 100,000 records over
// 8 partitions, for 1,000 keys (a long history, mostly coalesced away) or
// 100,000 keys (every record a resource of its own).
#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "desired_state/store.hpp"
#include "watchers/kafka_source.hpp"

namespace {

using namespace driftless;

constexpr int records = 100'000;
constexpr int partitions = 8;

struct cluster {
    rd_kafka_t* rk = nullptr;
    rd_kafka_mock_cluster_t* mock = nullptr;
    std::string bootstrap;
    std::map<int, std::string> topics;   // keys -> filled topic

    cluster() {
        char err[512];
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "linger.ms", "50", err, sizeof err);
        rd_kafka_conf_set(conf, "queue.buffering.max.messages", "200000", err, sizeof err);
        // The producer hosts a one-broker mock cluster and is bootstrapped to it.
        rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof err);
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!rk) throw std::runtime_error(err);
        mock = rd_kafka_handle_mock_cluster(rk);
        bootstrap = rd_kafka_mock_cluster_bootstraps(mock);
    }

    const std::string& topic(int keys) {
        auto& name = topics[keys];
        if (!name.empty()) return name;
        name = "desired-" + std::to_string(keys);
        rd_kafka_mock_topic_create(mock, name.c_str(), partitions, 1);
        for (int i = 0; i < records; ++i) {
            const std::string key = "svc" + std::to_string(i % keys);
            const std::string value = R"({"kind": "Service", "name": ")" + key + R"(", "image": "registry.local/app:)" +
                                      std::to_string(i) + R"(", "env": {"LEVEL": "info"}, "ports": ["8080:80"]})";
            for (;;) {
                const auto e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(name.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                 RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                                 RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                                 RD_KAFKA_V_END);
                if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
                if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(rd_kafka_err2str(e));
                rd_kafka_poll(rk, 10);
            }
        }
        if (rd_kafka_flush(rk, 120'000) != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error("flush timed out");
        return name;
    }
};

cluster& shared_cluster() {
    static cluster c;
    return c;
}

void kafka_catchup(benchmark::State& state) {
    const int keys = static_cast<int>(state.range(0));
    auto& c = shared_cluster();
    const watchers::kafka_uri uri{{c.bootstrap}, c.topic(keys)};
    std::uint64_t deliveries = 0;
    std::size_t resources = 0;
    for (auto _ : state) {
        boost::asio::io_context io;
        auto work = boost::asio::make_work_guard(io);   // the source posts from its own thread
        desired_state::store store;
        bool synced = false;
        watchers::kafka_source source(
            io.get_executor(), uri, {},
            [&](std::vector<watchers::kafka_change> changes) { watchers::apply_kafka_changes(store, changes); },
            [&] {
                if (source.synced()) synced = true;
            });
        if (!source.start().ok()) {
            state.SkipWithError("start failed");
            break;
        }
        while (!synced) io.run_one_for(std::chrono::milliseconds(100));
        resources = store.current()->resources.size();
        deliveries = source.stats().deliveries;
        source.stop();
    }
    state.counters["records/s"] = benchmark::Counter(records, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["deliveries"] = static_cast<double>(deliveries);
    state.counters["resources"] = static_cast<double>(resources);
}

BENCHMARK(kafka_catchup)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
