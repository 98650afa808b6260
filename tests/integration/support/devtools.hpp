// A headless Chromium driven through its DevTools protocol, for testing the
// status page in a real browser: open a URL, evaluate an expression in the
// page, take a screenshot. Blocking calls with deadlines.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "support/process.hpp"

namespace driftless::testing {

class headless_browser {
public:
    // Starts `chromium --headless` on `url` with a profile of its own.
    // Throws (a doctest failure) when Chromium does not start.
    explicit headless_browser(const std::string& url);
    ~headless_browser();
    headless_browser(const headless_browser&) = delete;
    headless_browser& operator=(const headless_browser&) = delete;

    // The expression's value as a string (JSON.stringify'd when not one);
    // nullopt when it threw or the browser did not answer within `limit`.
    std::optional<std::string> evaluate(const std::string& expression, std::chrono::milliseconds limit = std::chrono::seconds(10));
    // A PNG of the page as it is now, written to `path`.
    bool screenshot(const std::filesystem::path& path);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// True when `chromium` can be run here.
bool chromium_available();

}  // namespace driftless::testing
