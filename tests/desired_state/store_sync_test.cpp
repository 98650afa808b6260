// The store's side of the sync gate and of error scopes (DESIGN.md §5).
#include <doctest/doctest.h>

#include "desired_state/store.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;

namespace {
const resource_key web{kind::service, "web"};
const resource_key db{kind::service, "db"};
const resource_key front{kind::network, "front"};
}  // namespace

TEST_CASE("store sync gate: a source's documents wait by their prefix; others do not") {
    store st(options_with());
    (void)st.put("/srv/desired/a.yaml", "kind: Network\nname: front\n");
    st.set_synced("kafka:desired/", false);
    (void)st.put("kafka:desired/web", "name: web\nimage: nginx\n");
    auto s1 = st.current();
    CHECK_FALSE(s1->synced);
    CHECK(s1->unsynced == std::set<resource_key>{web});
    CHECK(s1->resources.count(web) == 1);   // still desired, only waiting
    CHECK(s1->resources.count(front) == 1);

    SUBCASE("other topics' prefixes are their own") {
        (void)st.put("kafka:desired2/db", "name: db\nimage: postgres\n");
        CHECK(st.current()->unsynced == std::set<resource_key>{web});
    }
    SUBCASE("read through: nothing waits, and the snapshot is new") {
        st.set_synced("kafka:desired/", true);
        auto s2 = st.current();
        CHECK(s2->synced);
        CHECK(s2->unsynced.empty());
        CHECK(s2->version > s1->version);
        st.set_synced("kafka:desired/", true);
        CHECK(st.current() == s2);
    }
    SUBCASE("two sources: synced only when both are") {
        st.set_synced("kafka:other/", false);
        st.set_synced("kafka:desired/", true);
        auto s2 = st.current();
        CHECK_FALSE(s2->synced);
        CHECK(s2->unsynced.empty());
    }
    SUBCASE("one source for the whole store") {
        st.set_synced("kafka:desired/", true);
        st.set_synced(false);
        CHECK(st.current()->unsynced == std::set<resource_key>{web, front});
    }
}

TEST_CASE("store: a document in error holds only its scope") {
    store st(options_with());
    (void)st.put("a.yaml", "name: db\nimage: postgres\n");
    const diagnostic bad{{"desired/0@3", 0, 0}, "", "bad"};

    SUBCASE("no last good version: its keys are held, no removal of others") {
        st.put_errors("kafka:desired/web", {bad}, {web, {kind::network, "web"}, {kind::volume, "web"}});
        auto s = st.current();
        CHECK(s->unparsed.empty());
        CHECK(s->held == std::set<resource_key>{web, {kind::network, "web"}, {kind::volume, "web"}});
        CHECK(s->errors == std::vector<diagnostic>{bad});
    }
    SUBCASE("an empty scope (a key that names nothing) holds nothing, and is reported") {
        st.put_errors("kafka:desired/", {bad}, {});
        auto s = st.current();
        CHECK(s->unparsed.empty());
        CHECK(s->held.empty());
        CHECK(s->errors == std::vector<diagnostic>{bad});
    }
    SUBCASE("with a last good version: that version stands, nothing is held") {
        (void)st.put("kafka:desired/web", "name: web\nimage: nginx\n");
        st.put_errors("kafka:desired/web", {bad}, {web});
        auto s = st.current();
        CHECK(s->held.empty());
        CHECK(s->resources.count(web) == 1);
    }
    SUBCASE("without a scope, what it declares is unknown") {
        st.put_errors("kafka:desired/web", {bad}, {web});
        auto s1 = st.current();
        st.put_errors("kafka:desired/web", {bad});
        auto s2 = st.current();
        CHECK(s2 != s1);
        CHECK(s2->unparsed == std::set<std::string>{"kafka:desired/web"});
        CHECK(s2->held.empty());
    }
    CHECK(st.current()->resources.count(db) == 1);
}
