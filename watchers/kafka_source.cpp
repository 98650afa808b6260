#include "watchers/kafka_source.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio/post.hpp>
#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include "watchers/kafka_batch.hpp"
#include "watchers/kafka_conf.hpp"
#include "watchers/kafka_sync_gate.hpp"

namespace driftless::watchers {

namespace asio = boost::asio;

// Two threads meet here: the consumer thread (run() and everything it
// calls, librdkafka's callbacks included, since poll_set_consumer routes
// them to rd_kafka_consumer_poll) and the executor's thread (start, stop,
// deliver, the accessors). They share only what `mutex_` guards. Handlers
// posted to the executor hold a shared_ptr, so one still queued after stop()
// finds live state, sees `stopped_` and returns.
class kafka_source::impl : public std::enable_shared_from_this<impl> {
public:
    impl(asio::any_io_executor executor, kafka_uri uri, kafka_source_options options, change_callback on_change,
         state_callback on_state)
        : executor_(std::move(executor)),
          uri_(std::move(uri)),
          options_(std::move(options)),
          on_change_(std::move(on_change)),
          on_state_(std::move(on_state)),
          batch_(uri_.topic, options_.records) {}

    ~impl() { close_client(); }

    status start() {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        auto st = configure(conf);
        if (!st.ok()) {
            rd_kafka_conf_destroy(conf);
            return st;
        }
        char reason[512] = "";
        rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
        if (!rk_) {
            rd_kafka_conf_destroy(conf);   // still ours when rd_kafka_new fails
            return error{"invalid", uri_.to_string() + ": cannot create a Kafka consumer: " + reason};
        }
        rd_kafka_poll_set_consumer(rk_);
        rkt_ = rd_kafka_topic_new(rk_, uri_.topic.c_str(), nullptr);
        thread_ = std::thread([this] { run(); });
        return {};
    }

    void stop() {
        if (stopped_.exchange(true)) return;
        {
            std::lock_guard lock(wait_mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
        close_client();
    }

    bool synced() const {
        std::lock_guard lock(mutex_);
        return delivered_synced_;
    }

    std::string broker_error() const {
        std::lock_guard lock(mutex_);
        return delivered_error_;
    }

    const kafka_uri& uri() const noexcept { return uri_; }

    kafka_source_stats stats() const {
        kafka_source_stats s;
        s.records = records_;
        s.bytes = bytes_;
        s.rounds = rounds_;
        s.deliveries = deliveries_;
        s.changes = changes_;
        s.partitions = partitions_;
        return s;
    }

private:
    status configure(rd_kafka_conf_t* conf) {
        // Defaults the user may override: the topic is read whole on every
        // start, so offsets are neither stored nor committed, and a partition
        // whose old records were deleted is read from what is left.
        for (const auto& [k, v] : {std::pair{"group.id", "driftless"},
                                   std::pair{"client.id", "driftless"},
                                   std::pair{"enable.auto.commit", "false"},
                                   std::pair{"enable.auto.offset.store", "false"},
                                   std::pair{"auto.offset.reset", "earliest"}})
            if (auto st = set_property(conf, k, v); !st.ok()) return st;
        if (auto st = apply_settings(conf, options_.settings); !st.ok()) return st;
        // Not overridable: the URI names the brokers, and the sync gate needs
        // end-of-partition events.
        if (auto st = set_property(conf, "bootstrap.servers", uri_.bootstrap()); !st.ok()) return st;
        if (auto st = set_property(conf, "enable.partition.eof", "true"); !st.ok()) return st;
        rd_kafka_conf_set_opaque(conf, this);
        rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int err, const char* reason, void* opaque) {
            static_cast<impl*>(opaque)->on_client_error(static_cast<rd_kafka_resp_err_t>(err), reason);
        });
        rd_kafka_conf_set_log_cb(conf, log_kafka_line);
        return {};
    }

    void close_client() {
        if (rkt_) rd_kafka_topic_destroy(rkt_);
        rkt_ = nullptr;
        // No consumer close: there is no group membership or offset to hand
        // back, and closing would wait on brokers that may be gone.
        if (rk_) rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        rk_ = nullptr;
    }

    // ---- consumer thread ----

    void run() {
        while (!stopping() && !begin()) {
            publish({});
            pause(options_.retry_interval);
        }
        auto next_metadata = std::chrono::steady_clock::now() + options_.metadata_interval;
        while (!stopping()) {
            poll_round();
            if (std::chrono::steady_clock::now() >= next_metadata) {
                refresh_partitions();
                next_metadata = std::chrono::steady_clock::now() + options_.metadata_interval;
            }
        }
    }

    bool stopping() {
        std::lock_guard lock(wait_mutex_);
        return stopping_;
    }

    void pause(std::chrono::milliseconds d) {
        std::unique_lock lock(wait_mutex_);
        wake_.wait_for(lock, d, [this] { return stopping_; });
    }

    // The topic's partitions, or nullopt with the problem recorded. With
    // `keep_current_error`, a problem already reported stands: during an
    // outage each failed refresh would otherwise reword it, and every new
    // wording is a state change for the loop.
    std::optional<std::vector<std::int32_t>> partitions(bool keep_current_error = false) {
        const auto report = [&](const std::string& problem) {
            std::lock_guard lock(mutex_);
            if (keep_current_error && !error_.empty()) return;
            error_ = describe(problem);
            error_all_down_ = false;
        };
        const rd_kafka_metadata_t* md = nullptr;
        const auto err = rd_kafka_metadata(rk_, 0, rkt_, &md, static_cast<int>(options_.request_timeout.count()));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            report("cannot reach the brokers: " + kafka_error_text(err));
            return std::nullopt;
        }
        std::optional<std::vector<std::int32_t>> ids;
        for (int i = 0; i < md->topic_cnt; ++i) {
            const auto& t = md->topics[i];
            if (uri_.topic != t.topic) continue;
            if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                report("topic \"" + uri_.topic + "\" cannot be read: " + kafka_error_text(t.err));
                break;
            }
            ids.emplace();
            for (int p = 0; p < t.partition_cnt; ++p) ids->push_back(t.partitions[p].id);
        }
        if (!ids && md->topic_cnt == 0) report("topic \"" + uri_.topic + "\" is not in the brokers' metadata");
        rd_kafka_metadata_destroy(md);
        if (ids && ids->empty()) {
            report("topic \"" + uri_.topic + "\" has no partitions");
            ids.reset();
        }
        return ids;
    }

    bool assign(const std::vector<std::int32_t>& ids) {
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(ids.size()));
        for (auto p : ids) rd_kafka_topic_partition_list_add(list, uri_.topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_error_t* e = rd_kafka_incremental_assign(rk_, list);
        rd_kafka_topic_partition_list_destroy(list);
        if (e) {
            set_error(std::string("cannot assign partitions: ") + rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            return false;
        }
        assigned_.insert(ids.begin(), ids.end());
        partitions_ = assigned_.size();
        return true;
    }

    // Queries the watermarks, then assigns every partition from its start.
    bool begin() {
        // Errors queued by earlier attempts belong to them; nothing is
        // assigned yet, so this serves callbacks only.
        while (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 0)) rd_kafka_message_destroy(m);
        auto ids = partitions();
        if (!ids) return false;
        std::map<std::int32_t, partition_watermarks> marks;
        for (auto p : *ids) {
            std::int64_t low = 0, high = 0;
            const auto err = rd_kafka_query_watermark_offsets(rk_, uri_.topic.c_str(), p, &low, &high,
                                                              static_cast<int>(options_.request_timeout.count()));
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                set_error("cannot read the high watermark of partition " + std::to_string(p) + ": " + kafka_error_text(err));
                return false;
            }
            marks[p] = {low, high};
        }
        if (!assign(*ids)) return false;
        gate_.begin(marks);
        spdlog::info("{}: reading {} partition(s) from the beginning; {} hold records written before start",
                     uri_.to_string(), ids->size(), gate_.partitions_behind());
        clear_error();
        publish({});
        return true;
    }

    void refresh_partitions() {
        auto ids = partitions(/*keep_current_error=*/true);
        if (!ids) {
            publish({});
            return;
        }
        clear_error();
        std::vector<std::int32_t> fresh;
        for (auto p : *ids)
            if (!assigned_.count(p)) fresh.push_back(p);
        if (!fresh.empty() && assign(fresh))
            spdlog::info("{}: {} new partition(s), read from the beginning", uri_.to_string(), fresh.size());
        publish({});
    }

    void poll_round() {
        bool progress = false;
        std::size_t n = 0;
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
        while (m) {
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                gate_.reached(m->partition, m->offset);
                progress = true;
            } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                set_error("partition " + std::to_string(m->partition) + ": " + rd_kafka_message_errstr(m));
            } else {
                const std::string_view key(m->key ? static_cast<const char*>(m->key) : "", m->key ? m->key_len : 0);
                batch_.add(key, static_cast<const char*>(m->payload), m->payload ? m->len : 0, m->partition, m->offset);
                gate_.reached(m->partition, m->offset + 1);
                ++records_;
                bytes_ += key.size() + (m->payload ? m->len : 0);
                progress = true;
            }
            rd_kafka_message_destroy(m);
            if (++n >= options_.max_round_records) break;
            m = rd_kafka_consumer_poll(rk_, 0);
        }
        if (progress) clear_error();
        std::vector<kafka_change> changes;
        if (batch_.records() > 0) {
            ++rounds_;
            changes = batch_.close();
        }
        publish(std::move(changes));
    }

    // librdkafka reports a lost connection, then every retry; the first
    // report of an outage stands until "all brokers are down" replaces it, so
    // the state does not churn with each retry.
    void on_client_error(rd_kafka_resp_err_t err, const char* reason) {
        std::lock_guard lock(mutex_);
        if (error_.empty() || (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !error_all_down_)) {
            error_ = describe(reason);
            error_all_down_ = err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
        }
    }

    std::string describe(const std::string& problem) const {
        return uri_.to_string() + ": " + problem + "; the last known desired state is kept, retrying";
    }

    void set_error(const std::string& problem) {
        std::lock_guard lock(mutex_);
        error_ = describe(problem);
        error_all_down_ = false;
    }

    void clear_error() {
        std::lock_guard lock(mutex_);
        error_.clear();
        error_all_down_ = false;
    }

    // Folds `changes` into what waits for the executor and offers one
    // delivery if none is queued yet.
    void publish(std::vector<kafka_change> changes) {
        std::lock_guard lock(mutex_);
        if (!changes.empty()) pending_.merge(std::move(changes));
        if (error_ != shared_error_) {
            if (shared_error_.empty()) spdlog::error("{}", error_);
            else if (error_.empty()) spdlog::info("{}: reading again", uri_.to_string());
            shared_error_ = error_;
            state_dirty_ = true;
        }
        if (gate_.synced() && !shared_synced_) {
            spdlog::info("{}: synced: every partition read up to its high watermark at start", uri_.to_string());
            shared_synced_ = true;
            state_dirty_ = true;
        }
        if (posted_ || (pending_.empty() && !state_dirty_)) return;
        posted_ = true;
        asio::post(executor_, [self = shared_from_this()] { self->deliver(); });
    }

    // ---- executor thread ----

    void deliver() {
        std::vector<kafka_change> changes;
        bool state_changed = false;
        {
            std::lock_guard lock(mutex_);
            posted_ = false;
            if (stopped_) return;
            changes = pending_.take();
            if (state_dirty_) {
                state_dirty_ = false;
                state_changed = delivered_synced_ != shared_synced_ || delivered_error_ != shared_error_;
                delivered_synced_ = shared_synced_;
                delivered_error_ = shared_error_;
            }
        }
        if (!changes.empty()) {
            ++deliveries_;
            changes_ += changes.size();
            on_change_(std::move(changes));
        }
        if (state_changed && !stopped_) on_state_();
    }

    asio::any_io_executor executor_;
    const kafka_uri uri_;
    const kafka_source_options options_;
    change_callback on_change_;
    state_callback on_state_;

    rd_kafka_t* rk_ = nullptr;
    rd_kafka_topic_t* rkt_ = nullptr;
    std::thread thread_;
    std::atomic<bool> stopped_{false};

    std::mutex wait_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;

    // Consumer thread only.
    kafka_batch batch_;
    kafka_sync_gate gate_;
    std::set<std::int32_t> assigned_;

    // Shared, under mutex_.
    mutable std::mutex mutex_;
    std::string error_;                   // the consumer's current view
    bool error_all_down_ = false;
    kafka_pending pending_;
    std::string shared_error_;            // as last offered to the executor
    bool shared_synced_ = false;
    bool state_dirty_ = false;
    bool posted_ = false;
    bool delivered_synced_ = false;       // as the executor's callbacks saw them
    std::string delivered_error_;

    std::atomic<std::uint64_t> records_{0}, bytes_{0}, rounds_{0}, deliveries_{0}, changes_{0}, partitions_{0};
};

kafka_source::kafka_source(asio::any_io_executor executor, kafka_uri uri, kafka_source_options options,
                           change_callback on_change, state_callback on_state)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(uri), std::move(options), std::move(on_change),
                                   std::move(on_state))) {}

kafka_source::~kafka_source() { stop(); }

status kafka_source::start() { return impl_->start(); }
void kafka_source::stop() { impl_->stop(); }
bool kafka_source::synced() const { return impl_->synced(); }
std::string kafka_source::broker_error() const { return impl_->broker_error(); }
const kafka_uri& kafka_source::uri() const noexcept { return impl_->uri(); }
kafka_source_stats kafka_source::stats() const { return impl_->stats(); }

}  // namespace driftless::watchers
