// The status page in a real browser (Debian's chromium, headless, driven
// through its DevTools protocol) against a running driftless and dockerd:
// the objects, a heal shown without a reload, a broken file's place, and
// markup from a file name shown as text. Leaves a screenshot in
// BUILD/artifacts/status-page.png.
#include <doctest/doctest.h>

#include <filesystem>

#include "support/devtools.hpp"
#include "support/process.hpp"
#include "support/scenario.hpp"

using namespace driftless::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::optional<std::string>& text, const std::string& part) {
    return text && text->find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("docker: the status page in a real browser: objects, a heal without reload, a broken file's place, markup as text") {
    ensure_docker();
    REQUIRE_MESSAGE(chromium_available(), "chromium is not installed: scripts/install-deps.sh all");
    scenario s("page");
    const std::string name = s.name("web");
    s.write("web.yaml", sleeper_yaml(name));
    // A file whose name holds markup, broken half way.
    const std::string hostile = "x<img src=x onerror=document.title='pwned'>.yaml";
    s.write(hostile, "kind: Service\nname: " + s.name("half") + "\nimage: [\n");
    auto run = s.start_run();
    REQUIRE(wait_until([&] { return s.container_state(name) == "running"; }, 60s));

    headless_browser b("http://127.0.0.1:" + std::to_string(s.status_port()) + "/");
    REQUIRE_MESSAGE(wait_until([&] { return b.evaluate("document.getElementById('live').textContent") == "live"; }, 30s),
                    run->log());
    CHECK(b.evaluate("document.title") == "driftless");
    // The page is drawn with the state of its request, which may be from
    // before the list that saw the container run; it reads the state again
    // once its event stream is open.
    CHECK(wait_until([&] { return contains(b.evaluate("document.getElementById('objects').innerText"), "running"); },
                     30s));
    const auto table = b.evaluate("document.getElementById('objects').innerText");
    INFO(table.value_or("(none)"));
    CHECK(contains(table, name));
    CHECK(contains(table, "web.yaml:"));   // where it is declared
    const auto errors = b.evaluate("document.getElementById('errors').innerText");
    INFO(errors.value_or("(none)"));
    CHECK(contains(errors, hostile + ":"));   // the markup is text, with the place
    CHECK(b.evaluate("String(document.querySelectorAll('img').length)") == "0");

    // Removed by hand: the heal shows up in this page, not a reloaded one.
    REQUIRE(b.evaluate("window.notReloaded = 'yes'") == "yes");
    REQUIRE(s.engine("rm -f " + name).exit_code == 0);
    CHECK_MESSAGE(wait_until([&] {
        const auto events = b.evaluate("document.getElementById('events').innerText");
        return contains(events, "healed") && contains(events, name);
    }, 60s), run->log());
    CHECK(b.evaluate("String(window.notReloaded)") == "yes");
    CHECK(wait_until([&] { return contains(b.evaluate("document.getElementById('objects').innerText"), "running"); }, 30s));

    const auto shot = std::filesystem::path(DRIFTLESS_BUILD_DIR) / "artifacts" / "status-page.png";
    std::filesystem::create_directories(shot.parent_path());
    CHECK(b.screenshot(shot));
    CHECK(std::filesystem::exists(shot));
    if (std::filesystem::exists(shot)) CHECK(std::filesystem::file_size(shot) > 10'000);
}
