#include "drivers/image_build.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "drivers/context_archive.hpp"
#include "drivers/engine_credentials.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/image_push.hpp"
#include "drivers/labels.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::docker {

namespace {

using nlohmann::json;

constexpr std::size_t kept_lines = 10;

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

bool starts_with_step(std::string_view line) {
    return line.size() > 5 && (line.substr(0, 5) == "Step " || line.substr(0, 5) == "STEP ");
}

}  // namespace

std::string build_target(const build_request& r, const std::string& owner) {
    const auto& b = r.spec;
    json labels = b.labels;
    labels[drivers::labels::owner] = owner;
    labels[drivers::labels::build_hash] = r.build_hash;
    std::vector<std::pair<std::string, std::string>> q{{"t", r.tag}, {"dockerfile", b.dockerfile},
                                                        {"labels", labels.dump()}, {"rm", "1"}, {"forcerm", "1"}};
    if (!b.args.empty()) q.emplace_back("buildargs", json(b.args).dump());
    if (!b.target.empty()) q.emplace_back("target", b.target);
    if (!b.network.empty()) q.emplace_back("networkmode", b.network);
    for (const auto& h : b.extra_hosts) q.emplace_back("extrahosts", h);
    if (b.shm_size > 0) q.emplace_back("shmsize", std::to_string(b.shm_size));
    if (!b.cache_from.empty()) q.emplace_back("cachefrom", json(b.cache_from).dump());
    if (b.no_cache) q.emplace_back("nocache", "1");
    if (b.pull) q.emplace_back("pull", "1");
    return "/build" + query_string(q);
}

void build_log::text(std::string_view chunk, const build_output& output) {
    partial_.append(chunk);
    for (auto nl = partial_.find('\n'); nl != std::string::npos; nl = partial_.find('\n')) {
        std::string line = partial_.substr(0, nl);
        partial_.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (starts_with_step(line)) step_ = line;
        if (output) output(line);
        last_.push_back(std::move(line));
        if (last_.size() > kept_lines) last_.pop_front();
    }
}

void build_log::feed(std::string_view line, const build_output& output) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) return;
    if (auto e = stream_error_message(line)) {
        error_ = std::move(*e);
        return;
    }
    if (const auto s = j.find("stream"); s != j.end() && s->is_string()) {
        const auto& t = s->get_ref<const std::string&>();
        // A step's header comes without its line break, which follows alone.
        text(t, output);
    }
    if (const auto aux = j.find("aux"); aux != j.end() && aux->is_object())
        if (const auto id = aux->find("ID"); id != aux->end() && id->is_string()) id_ = id->get<std::string>();
}

std::string build_log::failure() const {
    std::string out;
    if (!step_.empty()) {
        // "Step 2/3 : RUN exit 3" -> "step 2/3 (RUN exit 3)"
        const auto colon = step_.find(':');
        std::string where = step_.substr(5, colon == std::string::npos ? std::string::npos : colon - 5);
        while (!where.empty() && where.back() == ' ') where.pop_back();
        out = "step " + where;
        if (colon != std::string::npos) {
            auto what = step_.substr(colon + 1);
            while (!what.empty() && what.front() == ' ') what.erase(0, 1);
            out += " (" + what + ")";
        }
        out += ": ";
    }
    out += error_.value_or("the build ended without an image");
    std::string tail;
    for (const auto& l : last_) {
        if (l == step_) continue;
        if (!tail.empty()) tail += " | ";
        tail += l;
    }
    if (!tail.empty()) out += "; last output: " + tail;
    return out;
}

asio::awaitable<result<std::optional<built_image>>> find_built_image(engine_client& client, const std::string& tag,
                                                                     const std::string& build_hash) {
    // The tag passed valid_image_reference: safe in a path.
    const std::string target = "/images/" + tag + "/json";
    auto r = co_await client.call(http_method::get, target);
    if (!r) {
        if (r.err().code == "not_found") co_return std::optional<built_image>{};
        co_return with_context(std::move(r).err(), "inspect image " + in_quotes(tag));
    }
    const auto j = json::parse(r->body, nullptr, false);
    if (!j.is_object()) co_return error{"engine", "inspect image " + in_quotes(tag) + ": the answer is not JSON"};
    std::string id = j.value("Id", std::string());
    std::string hash;
    if (const auto c = j.find("Config"); c != j.end() && c->is_object())
        if (const auto l = c->find("Labels"); l != c->end() && l->is_object())
            if (const auto h = l->find(labels::build_hash); h != l->end() && h->is_string()) hash = h->get<std::string>();
    if (hash != build_hash || id.empty()) co_return std::optional<built_image>{};
    co_return std::optional<built_image>(built_image{std::move(id), tag});
}

asio::awaitable<result<built_image>> build_image(engine_client& client, const build_request& r, const std::string& owner,
                                                 build_output output, std::shared_ptr<stream_cancel> cancel) {
    const std::string what = "build " + in_quotes(r.tag) + " from " + r.spec.context;
    auto tar = context_archive(r.spec.context, r.listing);
    if (!tar) co_return error{"invalid", what + ": " + tar.err().message};
    build_log log;
    line_handler on_line = [&](std::string_view line) -> status {
        log.feed(line, output);
        return {};
    };
    // A build runs as long as its steps do: no bound but the connection's.
    request_headers headers;
    headers.emplace_back("Content-Type", "application/x-tar");
    auto registries = co_await build_registry_config();
    if (!registries) co_return with_context(std::move(registries).err(), what);
    if (!registries->empty()) headers.emplace_back("X-Registry-Config", std::move(*registries));
    const std::string target = build_target(r, owner);
    auto st = co_await client.stream(http_method::post, target, std::move(*tar), std::move(on_line), std::nullopt,
                                     std::move(cancel), std::move(headers));
    if (!st) {
        if (st.err().code == "cancelled") co_return st.err();
        co_return with_context(st.err(), what);
    }
    if (log.error()) co_return error{"build", what + " failed: " + log.failure()};
    std::string id = log.image_id();
    if (id.empty()) {
        // Podman's compatible answer may end without the aux line: the tag says.
        const std::string target = "/images/" + r.tag + "/json";
        auto found = co_await client.call(http_method::get, target);
        if (!found) co_return with_context(std::move(found).err(), what + ": inspect the image built");
        const auto j = json::parse(found->body, nullptr, false);
        if (j.is_object()) id = j.value("Id", std::string());
        if (id.empty()) co_return error{"build", what + ": the engine made no image; " + log.failure()};
    }
    co_return built_image{std::move(id), r.tag};
}

asio::awaitable<result<std::optional<built_image>>> engine_builds::find(const std::string& tag,
                                                                         const std::string& build_hash) {
    co_return co_await find_built_image(client_, tag, build_hash);
}

asio::awaitable<result<built_image>> engine_builds::build(const build_request& r, build_output output) {
    auto cancel = std::make_shared<stream_cancel>();
    running_.insert(cancel);
    auto done = co_await build_image(client_, r, owner_, std::move(output), cancel);
    running_.erase(cancel);
    co_return done;
}

asio::awaitable<result<std::string>> engine_builds::push(const std::string& image, std::chrono::milliseconds limit) {
    auto cancel = std::make_shared<stream_cancel>();
    running_.insert(cancel);
    auto done = co_await push_image(client_, image, limit, cancel);
    running_.erase(cancel);
    co_return done;
}

void engine_builds::cancel() {
    for (const auto& c : running_) c->cancel();
}

}  // namespace driftless::drivers::docker
