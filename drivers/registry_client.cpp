#include "drivers/registry_client.hpp"

#include <utility>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <set>

#include "desired_state/image_names.hpp"
#include "desired_state/printable.hpp"
#include "drivers/image_manifest.hpp"
#include "drivers/registry_answers.hpp"
#include "drivers/registry_session.hpp"

namespace driftless::drivers {

namespace asio = boost::asio;
using time_point = std::chrono::system_clock::time_point;

namespace {

constexpr std::uint64_t manifest_limit = 4 * 1024 * 1024;
constexpr std::uint64_t tag_list_limit = 16 * 1024 * 1024;

}  // namespace

struct registry_client::impl {
    impl(asio::any_io_executor ex, const std::string& host, registry_options o) : options(std::move(o)) {
        auto endpoint = registry_endpoint_for(host, options.insecure, !options.ca_file.empty());
        if (!endpoint.ok()) {
            bad_host = endpoint.err();
            return;
        }
        session.emplace(ex, std::move(endpoint).value(), options.ca_file, options.timeout, options.credentials);
        if (options.platform.empty()) options.platform = host_platform();
    }

    registry_options options;
    std::optional<registry_session> session;
    std::optional<error> bad_host;

    // "" when the client can ask about `repository` (and `reference`, a tag
    // or a digest, when given); else the error to return.
    std::optional<error> refuse(const std::string& repository, const std::string* reference = nullptr) const {
        if (bad_host) return bad_host;
        if (auto e = desired_state::check_repository_path(repository); !e.empty())
            return session->fail("invalid", "repository \"" + desired_state::printable(repository) + "\": " + e);
        if (reference != nullptr)
            if (auto e = check_manifest_reference(*reference); !e.empty())
                return session->fail("invalid", repository + ": \"" + desired_state::printable(*reference) + "\": " + e);
        return std::nullopt;
    }

    // `method`: "GET" or "HEAD" (a pointer: GCC 12 destroys a temporary
    // string in a co_await expression twice).
    asio::awaitable<result<http_response>> manifest(const std::string& repository, const std::string& reference,
                                                    const char* method) {
        registry_fetch f;
        f.method = method;
        f.target = "/v2/" + repository + "/manifests/" + reference;
        f.accept = manifest_accept();
        f.body_limit = manifest_limit;
        f.what = "manifest " + reference;
        co_return co_await session->fetch(repository, std::move(f));
    }

    // A manifest by digest, checked against it, and read.
    asio::awaitable<result<image_manifest>> checked_manifest(const std::string& repository, const std::string& digest) {
        auto got = co_await manifest(repository, digest, "GET");
        if (!got.ok()) co_return got.err();
        if (content_digest(got->body) != digest)
            co_return session->fail("invalid", repository + "@" + digest + ": the manifest served does not match its digest");
        auto m = parse_image_manifest(got->body, got->header("Content-Type"));
        if (!m.ok()) co_return session->fail(m.err().code, repository + "@" + digest + ": " + m.err().message);
        co_return m;
    }
};

registry_client::registry_client(asio::any_io_executor ex, std::string host, registry_options options)
    : impl_(std::make_shared<impl>(ex, host, std::move(options))) {}

registry_client::~registry_client() = default;

asio::awaitable<result<std::vector<std::string>>> registry_client::tags(std::string repository) {
    const auto self = impl_;
    if (auto refused = self->refuse(repository)) co_return *refused;
    const auto& o = self->options;
    const std::string base = "/v2/" + repository + "/tags/list";
    std::string target = base + (o.page_size > 0 ? "?n=" + std::to_string(o.page_size) : "");
    std::vector<std::string> out;
    std::set<std::string> read;   // pages already read: a Link back to one is not followed
    http_url at;
    at.tls = self->session->endpoint().tls;
    at.host = self->session->endpoint().host;
    at.port = self->session->endpoint().port;
    for (std::size_t page = 1;; ++page) {
        if (page > o.max_pages)
            co_return self->session->fail("invalid", repository + ": more than " + std::to_string(o.max_pages) +
                                                          " pages of tags; driftless reads at most that many");
        read.insert(target);
        registry_fetch f;
        f.target = target;
        f.accept = "application/json";
        f.body_limit = tag_list_limit;
        f.what = "tags";
        auto got = co_await self->session->fetch(repository, std::move(f));
        if (!got.ok()) co_return got.err();
        auto tags = parse_tag_list(got->body);
        if (!tags.ok()) co_return self->session->fail(tags.err().code, repository + ": " + tags.err().message);
        if (out.size() + tags->size() > o.max_tags)
            co_return self->session->fail("invalid", repository + ": more than " + std::to_string(o.max_tags) +
                                                          " tags; driftless reads at most that many");
        out.insert(out.end(), tags->begin(), tags->end());
        std::optional<std::string> next;
        for (const auto& link : got->headers_named("Link"))
            if (!next) next = next_link(link);
        if (!next) co_return out;
        // The next page must be this repository's tag list on this registry.
        auto url = resolve_http_url(at, *next);
        if (!url.ok() || url->host != at.host || url->port != at.port || url->tls != at.tls ||
            url->target.substr(0, url->target.find('?')) != base || read.count(url->target) > 0)
            co_return self->session->fail("invalid", repository + ": the tag list's next page \"" + desired_state::printable(*next) +
                                                          "\" is not a further page of this repository's tags");
        target = url->target;
    }
}

asio::awaitable<result<std::string>> registry_client::manifest_digest(std::string repository, std::string tag) {
    const auto self = impl_;
    if (auto refused = self->refuse(repository, &tag)) co_return *refused;
    auto head = co_await self->manifest(repository, tag, "HEAD");
    if (!head.ok()) co_return head.err();
    if (auto digest = head->header("Docker-Content-Digest"); desired_state::check_digest(digest).empty()) co_return digest;
    // No digest said (or not one driftless can check): the manifest's own.
    auto got = co_await self->manifest(repository, tag, "GET");
    if (!got.ok()) co_return got.err();
    co_return content_digest(got->body);
}

asio::awaitable<result<time_point>> registry_client::created(std::string repository, std::string tag) {
    const auto self = impl_;
    if (auto refused = self->refuse(repository, &tag)) co_return *refused;
    const std::string shown = repository + ":" + tag;
    auto got = co_await self->manifest(repository, tag, "GET");
    if (!got.ok()) co_return got.err();
    // A tag may also be a digest: then the manifest must match it.
    if (tag.find(':') != std::string::npos && content_digest(got->body) != tag)
        co_return self->session->fail("invalid", shown + ": the manifest served does not match its digest");
    auto m = parse_image_manifest(got->body, got->header("Content-Type"));
    if (!m.ok()) co_return self->session->fail(m.err().code, shown + ": " + m.err().message);
    if (m->is_list) {
        auto digest = pick_platform(*m, self->options.platform);
        if (!digest.ok()) co_return self->session->fail(digest.err().code, shown + ": " + digest.err().message);
        m = co_await self->checked_manifest(repository, digest.value());
        if (!m.ok()) co_return m.err();
        if (m->is_list) co_return self->session->fail("invalid", shown + ": a list's entry is a list again");
    }
    registry_fetch f;
    f.target = "/v2/" + repository + "/blobs/" + m->config_digest;
    f.body_limit = manifest_limit;
    f.follow_redirects = true;
    f.what = "config blob " + m->config_digest;
    auto config = co_await self->session->fetch(repository, std::move(f));
    if (!config.ok()) co_return config.err();
    if (content_digest(config->body) != m->config_digest)
        co_return self->session->fail("invalid", shown + ": the config blob served does not match its digest " + m->config_digest);
    auto when = parse_config_created(config->body);
    if (!when.ok()) co_return self->session->fail(when.err().code, shown + ": " + when.err().message);
    co_return when.value();
}

}  // namespace driftless::drivers
