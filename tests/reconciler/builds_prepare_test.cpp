// image_builds::prepare() over a real build context: read every time when
// nothing watches it, not read again while its watch reports nothing.
#include <utility>

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "reconciler/builds.hpp"

using namespace driftless;

namespace {

struct built_service {
    built_service() {
        char tmpl[] = "/tmp/driftless-prepare-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        root = tmpl;
        write("Dockerfile", "FROM scratch\nCOPY . /\n");
        write("main.c", "v1");
        // Through the store, as a compose file in the context's folder.
        desired_state::store store;
        const auto errors = store.put((root / "compose.yaml").string(), "name: prep\nservices:\n  app:\n    build: .\n");
        REQUIRE(errors.empty());
        snapshot = store.current();
    }
    ~built_service() { std::filesystem::remove_all(root); }
    void write(const std::string& rel, const std::string& text) const { std::ofstream(root / rel) << text; }
    static std::string hash(const desired_state::snapshot& s) {
        for (const auto& [key, entry] : s.resources)
            if (entry.spec.as_service() != nullptr) return entry.hash;
        return {};
    }

    std::filesystem::path root;
    std::shared_ptr<const desired_state::snapshot> snapshot;
};

}  // namespace

TEST_CASE("image_builds::prepare reads an unwatched context every pass, a watched one after it reported a change") {
    built_service svc;
    boost::asio::io_context io;
    drivers::image_builder builder;
    reconciler::image_builds builds(io.get_executor(), builder);
    CHECK(builds.contexts().empty());
    const auto first = builds.prepare(svc.snapshot);
    CHECK(builds.contexts() == std::set<std::string>{svc.root.string()});
    const auto h1 = built_service::hash(*first);

    SUBCASE("not watched (plan, apply): an edit is seen at the next pass") {
        svc.write("main.c", "v2");
        CHECK(built_service::hash(*builds.prepare(svc.snapshot)) != h1);
    }
    SUBCASE("watched: the same answer until the watch reports, then the edit") {
        std::uint64_t version = 1;
        builds.context_version = [&](const std::string&) { return std::optional<std::uint64_t>(version); };
        const auto read = builds.prepare(svc.snapshot);   // read once under the watch
        CHECK(built_service::hash(*read) == h1);
        svc.write("main.c", "v2");
        CHECK(builds.prepare(svc.snapshot) == read);      // nothing reported: not read, not copied
        version = 2;
        CHECK(built_service::hash(*builds.prepare(svc.snapshot)) != h1);
    }
    SUBCASE("watched in part only (no version): read every pass") {
        builds.context_version = [](const std::string&) { return std::optional<std::uint64_t>(); };
        svc.write("main.c", "v2");
        CHECK(built_service::hash(*builds.prepare(svc.snapshot)) != h1);
    }
}
