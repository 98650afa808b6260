#include "drivers/registry_session.hpp"

#include <utility>
#include <boost/asio/use_awaitable.hpp>

#include "desired_state/printable.hpp"
#include "drivers/registry_answers.hpp"
#include "drivers/thread_of_its_own.hpp"

namespace driftless::drivers {

namespace asio = boost::asio;

namespace {

constexpr int most_redirects = 5;

bool success(int status) { return status >= 200 && status < 300; }

}  // namespace

registry_session::registry_session(asio::any_io_executor ex, registry_endpoint endpoint, const std::string& ca_file,
                                   std::chrono::milliseconds timeout, credential_lookup lookup)
    : ex_(ex), endpoint_(std::move(endpoint)), timeout_(timeout), lookup_(std::move(lookup)), client_(ex, ca_file) {
    if (!lookup_) lookup_ = [](const std::string& host) { return resolve_credentials(host); };
}

error registry_session::fail(const std::string& code, const std::string& what) const {
    return error{code, "registry " + endpoint_.name + ": " + what};
}

std::string registry_session::credentials_said() const {
    return credentials_ ? credentials_->from : "no credentials were looked up";
}

std::string registry_session::authorization(const std::string& scope) const {
    if (const auto token = tokens_.find(scope, token_cache::clock::now()); !token.empty()) return "Bearer " + token;
    if (basic_ && credentials_ && !credentials_->credentials.username.empty()) return basic_authorization(credentials_->credentials);
    return {};
}

asio::awaitable<result<http_response>> registry_session::fetch(const std::string& repository, registry_fetch f) {
    const std::string scope = "repository:" + repository + ":pull";
    const http_limits limits{timeout_, f.body_limit};
    http_response answer;
    for (int attempt = 0;; ++attempt) {
        http_request req;
        req.method = f.method;
        req.host = endpoint_.host;
        req.port = endpoint_.port;
        req.tls = endpoint_.tls;
        req.target = f.target;
        if (!f.accept.empty()) req.headers.emplace_back("Accept", f.accept);
        if (auto a = authorization(scope); !a.empty()) req.headers.emplace_back("Authorization", std::move(a));
        auto sent = co_await client_.send(std::move(req), limits);
        if (!sent.ok()) co_return fail(sent.err().code, f.method + " " + f.target + ": " + sent.err().message);
        answer = std::move(sent).value();
        // One answer to a challenge, then the registry's word stands.
        if (answer.status != 401 || attempt > 0) break;
        auto st = co_await authenticate(repository, answer);
        if (!st.ok()) co_return st.err();
    }
    if (f.follow_redirects && answer.status >= 300 && answer.status < 400) {
        http_url at;
        at.tls = endpoint_.tls;
        at.host = endpoint_.host;
        at.port = endpoint_.port;
        at.authority = host_header(endpoint_.host, endpoint_.port, endpoint_.tls);
        at.target = f.target;
        std::string auth_header = authorization(scope);
        auto followed = co_await follow(std::move(at), std::move(answer), f, std::move(auth_header));
        if (!followed.ok()) co_return followed.err();
        answer = std::move(followed).value();
    }
    if (success(answer.status)) co_return answer;
    auto e = registry_status_error(endpoint_.name, repository, f.what, answer.status, answer.body,
                                   answer.header("Retry-After"), std::chrono::system_clock::now());
    if (e.code == "unauthorized") e.message += " (" + credentials_said() + ")";
    co_return e;
}

asio::awaitable<result<http_response>> registry_session::follow(http_url from, http_response answer, const registry_fetch& f,
                                                                 std::string auth_header) {
    const http_limits limits{timeout_, f.body_limit};
    for (int hop = 0; answer.status >= 300 && answer.status < 400; ++hop) {
        if (hop == most_redirects) co_return fail("invalid", f.what + ": more than " + std::to_string(most_redirects) + " redirects");
        const std::string location = answer.header("Location");
        if (location.empty()) co_return fail("invalid", f.what + ": HTTP " + std::to_string(answer.status) + " without a Location");
        auto next = resolve_http_url(from, location);
        if (!next.ok())
            co_return fail("invalid", f.what + ": a redirect to \"" + desired_state::printable(location) + "\": " + next.err().message);
        if (from.tls && !next->tls)
            co_return fail("invalid", f.what + ": a redirect from https to plain http (" + next->origin() + "), which driftless does not follow");
        http_request req;
        req.host = next->host;
        req.port = next->port;
        req.tls = next->tls;
        req.target = next->target;
        if (!f.accept.empty()) req.headers.emplace_back("Accept", f.accept);
        // The registry's token or password stays with the registry: storage
        // elsewhere is reached with what the URL itself carries.
        const bool same_origin = next->host == endpoint_.host && next->port == endpoint_.port && next->tls == endpoint_.tls;
        if (same_origin && !auth_header.empty()) req.headers.emplace_back("Authorization", auth_header);
        auto sent = co_await client_.send(std::move(req), limits);
        if (!sent.ok()) co_return fail(sent.err().code, f.what + ": GET " + next->origin() + ": " + sent.err().message);
        answer = std::move(sent).value();
        from = std::move(next).value();
    }
    co_return answer;
}

asio::awaitable<status> registry_session::ensure_credentials() {
    if (credentials_) co_return status{};
    std::function<result<resolved_credentials>()> work = [lookup = lookup_, host = endpoint_.name] { return lookup(host); };
    auto found = co_await on_thread_of_its_own(std::move(work));
    if (!found.ok()) co_return fail(found.err().code, found.err().message);
    credentials_ = std::move(found).value();
    co_return status{};
}

asio::awaitable<status> registry_session::authenticate(const std::string& repository, const http_response& challenged) {
    const auto challenge = read_challenge(challenged.headers_named("WWW-Authenticate"));
    const auto refused = [&](const std::string& why) {
        return error{"unauthorized", "registry " + endpoint_.name + " refused access to " + repository + ": " + why, 401};
    };
    if (challenge.kind == registry_challenge::scheme::none)
        co_return refused("HTTP 401 without a challenge driftless can answer (WWW-Authenticate: \"" +
                          desired_state::printable(challenged.header("WWW-Authenticate")) + "\")");
    auto looked_up = co_await ensure_credentials();
    if (!looked_up.ok()) co_return looked_up;
    const registry_credentials& creds = credentials_->credentials;
    if (challenge.kind == registry_challenge::scheme::basic) {
        if (creds.username.empty())
            co_return refused("it asks for a user name and password (" + credentials_said() + ")");
        basic_ = true;
        co_return status{};
    }
    const std::string scope = "repository:" + repository + ":pull";
    tokens_.forget(scope);
    auto req = token_request(challenge.bearer, scope, creds, endpoint_.tls);
    if (!req.ok()) co_return fail("invalid", req.err().message);
    const std::string realm = desired_state::printable(challenge.bearer.realm);   // for messages
    const http_limits limits{timeout_, 1024 * 1024};
    auto sent = co_await client_.send(std::move(req).value(), limits);
    if (!sent.ok()) co_return fail(sent.err().code, "token service " + realm + ": " + sent.err().message);
    if (sent->status == 401 || sent->status == 403)
        co_return refused("its token service " + realm + " answered HTTP " + std::to_string(sent->status) + " (" +
                          credentials_said() + ")");
    if (!success(sent->status))
        co_return registry_status_error(endpoint_.name, repository, "token from " + realm, sent->status, sent->body,
                                        sent->header("Retry-After"), std::chrono::system_clock::now());
    auto token = parse_token_response(sent->body);
    if (!token.ok()) co_return fail("invalid", "token service " + realm + ": " + token.err().message);
    tokens_.store(scope, token.value(), token_cache::clock::now());
    co_return status{};
}

}  // namespace driftless::drivers
