#include "reconciler/sources.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "watchers/directory_source.hpp"
#include "watchers/directory_watcher.hpp"
#include "watchers/kafka_settings.hpp"
#include "watchers/kafka_source.hpp"

namespace driftless::reconciler {

namespace {

// A save is one event (IN_CLOSE_WRITE, or IN_MOVED_TO for a rename), a
// git-sync or ConfigMap swap a handful within a millisecond: a short quiet
// time catches them whole, and a file caught half-written costs nothing but
// a reported error (its last good version stands) until the next event.
watchers::watcher_options folder_watch_options() {
    watchers::watcher_options o;
    o.debounce = std::chrono::milliseconds(15);
    return o;
}

}  // namespace

// Applies one scan's delta to the store. Read errors are a level (the whole
// current list): each is recorded beside its document, whose last good
// specs stay, and those no longer listed are cleared. They never erase.
static void sources_apply(desired_state::store& store, std::set<std::string>& errored,
                   const std::vector<watchers::document_change>& changes, const std::vector<watchers::scan_error>& errors) {
    for (const auto& c : changes) {
        if (c.op == watchers::document_change::op_kind::erase) store.erase(c.doc_id);
        else (void)store.put(c.doc_id, c.text);
    }
    std::map<std::string, std::vector<desired_state::diagnostic>> now;
    for (const auto& e : errors) now[e.path].push_back(desired_state::diagnostic{{e.path, 0, 0}, "", e.message});
    for (const auto& path : errored) {
        if (!now.count(path) && store.contains(path)) store.put_errors(path, {});
    }
    errored.clear();
    for (auto& [path, diags] : now) {
        store.put_errors(path, std::move(diags));
        errored.insert(path);
    }
}

struct sources::impl {
    boost::asio::any_io_executor ex;
    desired_state::store& store;
    std::vector<std::filesystem::path> folders;
    std::vector<std::unique_ptr<watchers::directory_source>> scanners;
    std::vector<std::unique_ptr<watchers::directory_watcher>> watchers;
    std::vector<std::set<std::string>> errored;    // per folder: paths with read errors
    std::vector<watchers::kafka_uri> kafka_uris;
    std::vector<watchers::kafka_setting> kafka_settings;
    std::vector<std::unique_ptr<watchers::kafka_source>> kafka;
    std::function<void()> on_change;               // set by watch()
    desired_state::parse_options kafka_parse;      // Kafka records: no companion files
    std::unique_ptr<boost::asio::steady_timer> companion_timer;

    // A compose file's .env or env_file changes without any document
    // changing: a small poll (a stat and a read of a few small files)
    // notices it, independent of inotify.
    void watch_companions() {
        if (!companion_timer) companion_timer = std::make_unique<boost::asio::steady_timer>(ex);
        companion_timer->expires_after(std::chrono::seconds(1));
        companion_timer->async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            if (store.refresh_companions() && on_change) on_change();
            watch_companions();
        });
    }

    bool kafka_synced() const {
        for (const auto& k : kafka)
            if (!k->synced()) return false;
        return kafka.size() == kafka_uris.size();
    }

    // Two clusters may carry a topic of one name; its documents are one set.
    bool topic_synced(const std::string& topic) const {
        std::size_t started = 0, wanted = 0;
        for (const auto& k : kafka)
            if (k->uri().topic == topic) {
                if (!k->synced()) return false;
                ++started;
            }
        for (const auto& u : kafka_uris) wanted += u.topic == topic;
        return started == wanted;
    }

    // Kafka sources start once, whichever of scan_once()/watch() comes first;
    // their changes land in the store on the io thread and wake the loop.
    //
    // Each topic's documents wait for their own source's sync (DESIGN.md
    // §5): marked unsynced by their prefix until it has read through, while
    // folders and other topics already synced converge. A source that
    // fails to start stays unsynced.
    void start_kafka() {
        if (!kafka.empty() || kafka_uris.empty()) return;
        for (const auto& uri : kafka_uris) store.set_synced(watchers::kafka_doc_prefix(uri.topic), false);
        for (const auto& uri : kafka_uris) {
            watchers::kafka_source_options o;
            o.settings = kafka_settings;
            o.records.parse = kafka_parse;
            auto* self = this;
            auto source = std::make_unique<watchers::kafka_source>(
                ex, uri, o,
                [self](std::vector<watchers::kafka_change> changes) {
                    watchers::apply_kafka_changes(self->store, changes);
                    if (self->on_change) self->on_change();
                },
                [self, uri] {
                    for (const auto& k : self->kafka) {
                        if (!(k->uri() == uri)) continue;
                        watchers::apply_kafka_broker_error(self->store, uri, k->broker_error());
                    }
                    self->store.set_synced(watchers::kafka_doc_prefix(uri.topic), self->topic_synced(uri.topic));
                    if (self->on_change) self->on_change();
                });
            if (auto st = source->start(); !st.ok()) {
                spdlog::error("{}", st.err().message);
                continue;
            }
            kafka.push_back(std::move(source));
        }
    }
};

sources::sources(boost::asio::any_io_executor ex, desired_state::store& store) : impl_(new impl{ex, store, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}}) {}

sources::~sources() { stop(); }

status sources::add(const std::string& text, missing_folder missing) {
    if (watchers::is_kafka_uri(text)) {
        auto uri = watchers::parse_kafka_uri(text);
        if (!uri.ok()) return error{"invalid", "-s \"" + text + "\": " + uri.err().message};
        impl_->kafka_uris.push_back(std::move(uri).value());
        return {};
    }
    std::string path = text;
    if (text.rfind("dir:", 0) == 0) path = text.substr(4);
    else if (text.find("://") != std::string::npos)
        return error{"invalid", "-s \"" + text + "\": unknown source scheme; expected a folder (PATH or dir:PATH) or kafka://HOST:PORT/TOPIC"};
    if (path.empty()) return error{"invalid", "-s \"" + text + "\": empty path"};
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (missing == missing_folder::refuse) return error{"invalid", "-s \"" + text + "\": no such file or folder"};
        spdlog::warn("-s \"{}\": no such file or folder yet; waiting for it, and nothing is removed until it is read",
                     text);
    }
    impl_->folders.emplace_back(path);
    impl_->scanners.push_back(std::make_unique<watchers::directory_source>(path));
    impl_->errored.emplace_back();
    return {};
}

status sources::set_kafka_settings(const std::vector<std::string>& settings) {
    auto parsed = watchers::read_kafka_settings(settings, "-X");
    if (!parsed.ok()) return parsed.err();
    if (auto st = watchers::check_kafka_settings(*parsed); !st.ok()) return st;
    impl_->kafka_settings = std::move(parsed).value();
    return {};
}

// The folders companion files may come from, resolved at each read: a link
// re-pointed since the start (git-sync's next checkout) leads where it leads
// now, and a folder not there yet opens nothing around it.
static std::vector<std::filesystem::path> companion_roots(const std::vector<std::filesystem::path>& folders) {
    std::vector<std::filesystem::path> roots;
    for (const auto& f : folders) {
        std::error_code ec;
        const auto real = std::filesystem::canonical(std::filesystem::absolute(f, ec), ec);
        if (ec) continue;
        if (std::filesystem::is_directory(real, ec)) roots.push_back(real);
        else if (std::filesystem::is_regular_file(real, ec)) roots.push_back(real.parent_path());
    }
    return roots;
}

void sources::set_parse_options(desired_state::parse_options folder_options, desired_state::parse_options kafka_options) {
    // Companion files are read only where the watched folders are: a
    // dropped compose file cannot pull /etc/shadow into a container's
    // environment. Best-effort against a writer racing the check.
    auto disk = desired_state::disk_reader(folder_options.max_bytes);
    folder_options.read_file = [folders = impl_->folders, disk](const std::string& path) {
        std::error_code ec;
        const auto real = std::filesystem::weakly_canonical(path, ec);
        bool inside = false;
        for (const auto& root : companion_roots(folders)) {
            const auto rel = real.lexically_relative(root);
            inside = inside || (!ec && !rel.empty() && *rel.begin() != "..");
        }
        if (!inside) {
            desired_state::file_read r;
            r.error = "outside the watched folders; not read";
            return r;
        }
        return disk(real.string());
    };
    impl_->store.set_parse_options(std::move(folder_options));
    kafka_options.read_file = nullptr;
    impl_->kafka_parse = std::move(kafka_options);
}

std::vector<watchers::kafka_uri> sources::kafka_uris() const { return impl_->kafka_uris; }
const std::vector<watchers::kafka_setting>& sources::kafka_settings() const { return impl_->kafka_settings; }
bool sources::synced() const { return impl_->kafka_synced(); }

void sources::scan_once() {
    impl_->start_kafka();
    for (std::size_t i = 0; i < impl_->scanners.size(); ++i) {
        auto r = impl_->scanners[i]->scan();
        sources_apply(impl_->store, impl_->errored[i], r.changes, r.errors);
    }
}

void sources::watch(std::function<void()> on_change) {
    impl_->on_change = on_change;
    impl_->start_kafka();
    impl_->watch_companions();
    for (std::size_t i = 0; i < impl_->folders.size(); ++i) {
        auto w = std::make_unique<watchers::directory_watcher>(
            impl_->ex, impl_->folders[i], folder_watch_options(),
            [this, i, on_change](std::vector<watchers::document_change> changes, std::vector<watchers::scan_error> errors) {
                sources_apply(impl_->store, impl_->errored[i], changes, errors);
                on_change();
            });
        auto first = w->start();
        sources_apply(impl_->store, impl_->errored[i], first.changes, first.errors);
        impl_->watchers.push_back(std::move(w));
    }
}

void sources::stop() {
    if (!impl_) return;
    if (impl_->companion_timer) impl_->companion_timer->cancel();
    for (auto& w : impl_->watchers) w->stop();
    for (auto& k : impl_->kafka) k->stop();
}

std::size_t sources::size() const { return impl_->folders.size() + impl_->kafka_uris.size(); }

}  // namespace driftless::reconciler
