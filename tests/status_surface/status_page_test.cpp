// The status page as the server renders it: every value escaped, the
// script free of user data, the page whole without JavaScript.
#include <doctest/doctest.h>

#include "status_surface/status_page.hpp"
#include "status_surface/status_server.hpp"

using namespace driftless;
using namespace driftless::reconciler;
using namespace driftless::status_surface;
using desired_state::kind;

TEST_CASE("status page: objects, errors and source errors shown, everything from users' files escaped") {
    loop_status s;
    s.instance = {"line-3", "docker", {"/srv/specs"}};
    s.ready = true;
    s.synced = true;
    s.desired = 2;
    s.failing = 1;
    auto& bad = s.objects[{kind::service, "web<script>alert(1)</script>"}];
    bad.observed = "rolled_back";
    bad.failing = true;
    bad.error = "it exited with code 3; last log lines: <b>boom</b> & \"quotes\"";
    bad.desired_hash = "0123456789abcdef";
    auto& ok = s.objects[{kind::service, "db"}];
    ok.observed = "running";
    s.source_errors.push_back({{"specs/<x>.yaml", 3, 7}, "ports[1]", "\"80800:80\": port out of range"});

    event_log log;
    event healed;
    healed.type = event_type::healed;
    healed.message = "Service/x<script>y</script> was gone: made again";
    log.publish(healed);
    const auto page = status_page(s, &log);
    CHECK(page.find("<script>alert(1)") == std::string::npos);
    CHECK(page.find("web&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("&lt;b&gt;boom&lt;/b&gt; &amp; &quot;quotes&quot;") != std::string::npos);
    CHECK(page.find("specs/&lt;x&gt;.yaml:3:7: ports[1]") != std::string::npos);
    CHECK(page.find("<tr class=\"problem\">") != std::string::npos);
    CHECK(page.find("0123456789ab / -") != std::string::npos);
    CHECK(page.find("<b>owner:</b> line-3") != std::string::npos);
    CHECK(page.find("/srv/specs (synced)") != std::string::npos);
    // Whole without JavaScript: it reloads itself; no external resource.
    CHECK(page.find("<noscript><meta http-equiv=\"refresh\"") != std::string::npos);
    CHECK(page.find("http://") == std::string::npos);
    CHECK(page.find("https://") == std::string::npos);
    // The page's own scripts only (the last event's id, the page's code),
    // and the latest events, escaped.
    std::size_t scripts = 0;
    for (auto at = page.find("<script>"); at != std::string::npos; at = page.find("<script>", at + 1)) ++scripts;
    CHECK(scripts == 2);
    CHECK(page.find("window.DRIFTLESS_LAST_EVENT = 1;") != std::string::npos);
    CHECK(page.find("<b>healed</b> Service/x&lt;script&gt;y&lt;/script&gt; was gone") != std::string::npos);
    CHECK(page.find("'rolled_back'") != std::string::npos);
    CHECK(page.find("TYPES") == std::string::npos);

    const auto r = respond(s, "/");
    CHECK(r.code == 200);
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(html_escape("a<b>&'\"") == "a&lt;b&gt;&amp;&#39;&quot;");
}
