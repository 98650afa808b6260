#include "drivers/image_push.hpp"

#include <optional>

#include "drivers/engine_credentials.hpp"
#include "drivers/engine_error.hpp"
#include "drivers/image_reference.hpp"
#include "drivers/registry_headers.hpp"
#include "drivers/url.hpp"

namespace driftless::drivers::docker {

std::string pushed_reference(std::string_view image, std::string_view digest) {
    return split_image_reference(image).repository + "@" + std::string(digest);
}

asio::awaitable<result<std::string>> push_image(engine_client& client, const std::string& image,
                                                std::chrono::milliseconds limit, std::shared_ptr<stream_cancel> cancel) {
    const std::string what = "push \"" + image + "\"";
    auto auth = co_await registry_auth_for(image);
    if (!auth) co_return with_context(std::move(auth).err(), what);
    const auto ref = split_image_reference(image);
    request_headers headers;
    headers.emplace_back("X-Registry-Auth", auth->header.empty() ? registry_auth_header({}, auth->registry) : auth->header);
    std::string digest;
    std::optional<error> failed;
    line_handler on_line = [&digest, &failed](std::string_view line) -> status {
        if (auto e = stream_error_message(line)) failed = error{"engine", std::move(*e)};
        else if (auto d = stream_pushed_digest(line)) digest = std::move(*d);
        return {};
    };
    // The repository passed valid_image_reference: safe in a path; the
    // engine's route takes the slashes and the port's colon as they are.
    const std::string target = "/images/" + ref.repository + "/push" + query_string({{"tag", ref.tag}});
    std::string body;
    auto st = co_await client.stream(http_method::post, target, std::move(body), std::move(on_line), limit,
                                     std::move(cancel), std::move(headers));
    if (!st) {
        if (st.err().code == "cancelled") co_return st.err();
        failed = st.err();
    }
    if (failed) {
        if (refused_by_registry(failed->message)) co_return registry_refused(what, *failed, *auth);
        co_return with_context(*failed, what);
    }
    if (digest.empty()) co_return error{"engine", what + ": the engine's answer gave no digest"};
    co_return digest;
}

}  // namespace driftless::drivers::docker
