#include "support/devtools.hpp"

#include <utility>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace driftless::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

bool chromium_available() { return sh("command -v chromium >/dev/null 2>&1").exit_code == 0; }

struct headless_browser::impl {
    std::filesystem::path profile;
    std::unique_ptr<child> browser;
    asio::io_context io;
    std::unique_ptr<websocket::stream<tcp::socket>> ws;
    int next_id = 1;

    // Sends one command and reads until its answer; nullopt on a failure.
    std::optional<json> call(const std::string& method, json params, std::chrono::milliseconds limit) {
        const int id = next_id++;
        timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
        ::setsockopt(ws->next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        beast::error_code ec;
        ws->write(asio::buffer(json{{"id", id}, {"method", method}, {"params", std::move(params)}}.dump()), ec);
        if (ec) return std::nullopt;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            beast::flat_buffer buffer;
            ws->read(buffer, ec);
            if (ec) return std::nullopt;
            auto answer = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
            if (answer.is_object() && answer.value("id", -1) == id) return answer;   // events in between are skipped
        }
        return std::nullopt;
    }
};

headless_browser::headless_browser(const std::string& url) : impl_(std::make_unique<impl>()) {
    impl_->profile = std::filesystem::temp_directory_path() / unique_id("driftless-chromium");
    std::filesystem::create_directories(impl_->profile);
    impl_->browser = std::make_unique<child>(
        std::vector<std::string>{"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 "--disable-extensions", "--user-data-dir=" + impl_->profile.string(),
                                 "--remote-debugging-port=0", "--window-size=1280,900", url},
        std::vector<std::string>{}, (impl_->profile / "chromium.log").string());
    // Chromium writes the port it took into the profile.
    std::string port;
    REQUIRE_MESSAGE(wait_until([&] {
        std::ifstream in(impl_->profile / "DevToolsActivePort");
        return static_cast<bool>(std::getline(in, port)) && !port.empty();
    }, std::chrono::seconds(30)), impl_->browser->log());
    // The page's target, once it is listed.
    std::string path;
    REQUIRE(wait_until([&] {
        const auto list = json::parse(sh("curl -s --max-time 2 http://127.0.0.1:" + port + "/json/list").out, nullptr, false);
        if (!list.is_array()) return false;
        for (const auto& t : list)
            if (t.value("type", "") == "page" && t.value("url", "").rfind(url, 0) == 0) {
                const std::string ws = t.value("webSocketDebuggerUrl", "");
                const auto at = ws.find("/devtools/");
                if (at == std::string::npos) return false;
                path = ws.substr(at);
                return true;
            }
        return false;
    }, std::chrono::seconds(30)));
    impl_->ws = std::make_unique<websocket::stream<tcp::socket>>(impl_->io);
    tcp::resolver resolver(impl_->io);
    asio::connect(impl_->ws->next_layer(), resolver.resolve("127.0.0.1", port));
    impl_->ws->handshake("127.0.0.1:" + port, path);
}

headless_browser::~headless_browser() {
    if (impl_->ws) {
        beast::error_code ec;
        impl_->ws->close(websocket::close_code::normal, ec);
    }
    if (impl_->browser) {
        impl_->browser->signal(SIGTERM);
        if (impl_->browser->wait(std::chrono::seconds(10)) == -1) impl_->browser->signal(SIGKILL);
        impl_->browser->wait(std::chrono::seconds(5));
    }
    std::error_code ec;
    std::filesystem::remove_all(impl_->profile, ec);
}

std::optional<std::string> headless_browser::evaluate(const std::string& expression, std::chrono::milliseconds limit) {
    auto answer = impl_->call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}}, limit);
    if (!answer || !answer->contains("result") || (*answer)["result"].contains("exceptionDetails")) return std::nullopt;
    const auto& v = (*answer)["result"]["result"];
    if (!v.contains("value")) return std::nullopt;
    return v["value"].is_string() ? v["value"].get<std::string>() : v["value"].dump();
}

bool headless_browser::screenshot(const std::filesystem::path& path) {
    auto answer = impl_->call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}}, std::chrono::seconds(30));
    if (!answer || !(*answer)["result"].contains("data")) return false;
    const auto b64 = path.string() + ".b64";
    {
        std::ofstream out(b64, std::ios::binary);
        out << (*answer)["result"]["data"].get<std::string>();
    }
    const bool ok = sh("base64 -d < '" + b64 + "' > '" + path.string() + "'").exit_code == 0;
    std::filesystem::remove(b64);
    return ok;
}

}  // namespace driftless::testing
