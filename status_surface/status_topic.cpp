#include "status_surface/status_topic.hpp"

#include <algorithm>
#include <map>

#include <boost/asio/steady_timer.hpp>
#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "watchers/kafka_conf.hpp"

namespace driftless::status_surface {

namespace asio = boost::asio;

std::string status_key(const std::string& owner, const desired_state::resource_key& key) {
    return owner + "/" + desired_state::to_string(key.kind) + "/" + key.name;
}

status_record make_status_record(const std::string& owner, const reconciler::loop_status& status,
                                 const desired_state::resource_key& key, const std::string& timestamp) {
    status_record r{status_key(owner, key), std::nullopt};
    const auto it = status.objects.find(key);
    if (it == status.objects.end()) return r;
    nlohmann::json value = to_json(key, it->second);
    value["owner"] = owner;
    value["timestamp"] = timestamp;
    r.value = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

result<watchers::kafka_uri> status_topic_uri(const std::string& flag, const std::vector<watchers::kafka_uri>& sources) {
    if (watchers::is_kafka_uri(flag)) {
        auto uri = watchers::parse_kafka_uri(flag);
        if (!uri.ok()) return error{"invalid", "--status-topic \"" + flag + "\": " + uri.err().message};
        return uri;
    }
    if (sources.empty())
        return error{"invalid", "--status-topic \"" + flag +
                                    "\": no Kafka source to take the brokers from; give kafka://HOST:PORT/TOPIC"};
    // The topic name follows the same rules as in a source URI.
    auto uri = watchers::parse_kafka_uri("kafka://" + sources.front().brokers.front() + "/" + flag);
    if (!uri.ok()) return error{"invalid", "--status-topic \"" + flag + "\": " + uri.err().message};
    uri->brokers = sources.front().brokers;
    return uri;
}

std::vector<watchers::kafka_setting> status_topic_settings(const watchers::kafka_uri& status_uri,
                                                          const std::vector<watchers::kafka_uri>& sources,
                                                          const std::vector<watchers::kafka_setting>& source_settings,
                                                          const std::vector<watchers::kafka_setting>& status_settings) {
    if (!status_settings.empty()) return status_settings;
    // A broker belongs to one cluster: one address in common is enough.
    for (const auto& src : sources)
        for (const auto& b : status_uri.brokers)
            if (std::find(src.brokers.begin(), src.brokers.end(), b) != src.brokers.end()) return source_settings;
    return {};
}

// Everything runs on the executor's thread: publish(), the poll timer and
// librdkafka's delivery reports, which rd_kafka_poll serves on the calling
// thread. The timer's handler holds a shared_ptr, so it outlives nothing.
class status_topic::impl : public std::enable_shared_from_this<impl> {
public:
    impl(asio::any_io_executor executor, watchers::kafka_uri uri, status_topic_options options)
        : uri_(std::move(uri)), options_(std::move(options)), timer_(std::move(executor)) {}

    ~impl() { close(std::chrono::milliseconds(0)); }

    status start() {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        auto st = configure(conf);
        if (!st.ok()) {
            rd_kafka_conf_destroy(conf);
            return st;
        }
        char reason[512] = "";
        rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
        if (!rk_) {
            rd_kafka_conf_destroy(conf);
            return driftless::error{"invalid", "status topic " + uri_.to_string() + ": cannot create a Kafka producer: " + reason};
        }
        arm();
        return {};
    }

    void publish(const reconciler::loop_status& status, const std::vector<desired_state::resource_key>& changed) {
        if (!rk_) return;
        const auto now = reconciler::now_rfc3339();
        for (const auto& key : changed) {
            auto r = make_status_record(options_.owner, status, key, now);
            // A record still waiting is older than this one: replace it, so
            // the key's records keep their order.
            if (auto w = waiting_.find(r.key); w != waiting_.end()) {
                w->second = std::move(r);
                continue;
            }
            if (!produce(r)) waiting_.emplace(r.key, std::move(r));
        }
    }

    void close(std::chrono::milliseconds flush) {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        if (!rk_) return;
        for (auto& [key, r] : waiting_) (void)produce(r);
        waiting_.clear();
        if (rd_kafka_flush(rk_, static_cast<int>(flush.count())) != RD_KAFKA_RESP_ERR_NO_ERROR && flush.count() > 0)
            spdlog::warn("status topic {}: {} record(s) not delivered before shutdown", uri_.to_string(), rd_kafka_outq_len(rk_));
        rd_kafka_destroy(rk_);
        rk_ = nullptr;
    }

    const std::string& error_text() const noexcept { return error_; }
    const watchers::kafka_uri& uri() const noexcept { return uri_; }

    status_topic_stats stats() const {
        status_topic_stats s = stats_;
        s.waiting = waiting_.size();
        return s;
    }

private:
    status configure(rd_kafka_conf_t* conf) {
        // Defaults the user may override: status is small and frequent, so a
        // short linger keeps it timely while still batching a pass's records.
        for (const auto& [k, v] : {std::pair{"client.id", "driftless"}, std::pair{"linger.ms", "20"}})
            if (auto st = watchers::set_property(conf, k, v); !st.ok()) return st;
        if (auto st = watchers::apply_settings(conf, options_.settings); !st.ok()) return st;
        if (auto st = watchers::set_property(conf, "bootstrap.servers", uri_.bootstrap()); !st.ok()) return st;
        rd_kafka_conf_set_opaque(conf, this);
        rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
            static_cast<impl*>(opaque)->on_delivery(m);
        });
        rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int, const char* reason, void* opaque) {
            static_cast<impl*>(opaque)->on_client_error(reason);
        });
        rd_kafka_conf_set_log_cb(conf, watchers::log_kafka_line);
        return {};
    }

    // False when librdkafka's queue is full (the caller keeps the record);
    // any other refusal is logged and the record dropped, as retrying would
    // fail the same way.
    bool produce(const status_record& r) {
        // RD_KAFKA_MSG_F_COPY: librdkafka copies key and value before returning.
        void* key = const_cast<char*>(r.key.data());
        void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
        const std::size_t value_size = r.value ? r.value->size() : 0;
        const auto err = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(uri_.topic.c_str()),
                                           RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, r.key.size()),
                                           RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            note_failure("cannot produce \"" + r.key + "\": " + watchers::kafka_error_text(err));
            return true;
        }
        ++stats_.produced;
        return true;
    }

    void arm() {
        timer_.expires_after(options_.poll_interval);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || self->closed_) return;
            self->tick();
        });
    }

    void tick() {
        rd_kafka_poll(rk_, 0);
        for (auto it = waiting_.begin(); it != waiting_.end();) {
            if (!produce(it->second)) break;
            it = waiting_.erase(it);
        }
        arm();
    }

    void on_delivery(const rd_kafka_message_t* m) {
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++stats_.failed;
            const std::string key(m->key ? static_cast<const char*>(m->key) : "", m->key ? m->key_len : 0);
            note_failure("record \"" + key + "\" not delivered: " + rd_kafka_err2str(m->err));
            return;
        }
        ++stats_.delivered;
        client_error_logged_ = false;
        if (!error_.empty()) {
            spdlog::info("status topic {}: delivering again", uri_.to_string());
            error_.clear();
        }
    }

    // Connection trouble is retried by librdkafka and shows up as failed
    // deliveries if it lasts past message.timeout.ms; logged, not stored.
    // Logged once per outage: librdkafka reports every reconnect attempt.
    void on_client_error(const char* reason) {
        if (!client_error_logged_) spdlog::warn("status topic {}: {}; records wait in librdkafka's queue", uri_.to_string(), reason);
        client_error_logged_ = true;
    }

    void note_failure(const std::string& what) {
        const auto text = "status topic " + uri_.to_string() + ": " + what;
        if (error_.empty()) spdlog::error("{}", text);
        error_ = text;
    }

    const watchers::kafka_uri uri_;
    const status_topic_options options_;
    asio::steady_timer timer_;
    rd_kafka_t* rk_ = nullptr;
    bool closed_ = false;
    std::map<std::string, status_record> waiting_;
    std::string error_;
    bool client_error_logged_ = false;
    status_topic_stats stats_;
};

status_topic::status_topic(asio::any_io_executor executor, watchers::kafka_uri uri, status_topic_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(uri), std::move(options))) {}

status_topic::~status_topic() { impl_->close(std::chrono::milliseconds(0)); }

status status_topic::start() { return impl_->start(); }

void status_topic::publish(const reconciler::loop_status& status,
                           const std::vector<desired_state::resource_key>& changed) {
    impl_->publish(status, changed);
}

void status_topic::stop(std::chrono::milliseconds flush) { impl_->close(flush); }

const std::string& status_topic::error() const noexcept { return impl_->error_text(); }

status_topic_stats status_topic::stats() const { return impl_->stats(); }

const watchers::kafka_uri& status_topic::uri() const noexcept { return impl_->uri(); }

}  // namespace driftless::status_surface
