#include <doctest/doctest.h>

#include "desired_state/hash.hpp"
#include "desired_state/store.hpp"
#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;

namespace {
strings texts(const std::vector<diagnostic>& ds) {
    strings out;
    for (const auto& d : ds) out.push_back(d.to_string());
    return out;
}
const resource_key web{kind::service, "web"};
}  // namespace

TEST_CASE("store: documents in, snapshots out") {
    store st(options_with());
    auto s0 = st.current();
    CHECK(s0->resources.empty());
    CHECK(s0->documents == 0);
    CHECK(s0->synced);

    CHECK(st.put("a.yaml", "name: web\nimage: nginx\n---\nkind: Network\nname: front\n").empty());
    auto s1 = st.current();
    CHECK(s1->version > s0->version);
    CHECK(s1->documents == 1);
    REQUIRE(s1->resources.size() == 2);
    const desired_entry& e = s1->resources.at(web);
    CHECK(e.doc_id == "a.yaml");
    CHECK(e.hash == spec_hash(e.spec));
    CHECK(e.spec.origin == source_location{"a.yaml", 1, 1});
    CHECK(st.contains("a.yaml"));
    CHECK(st.doc_ids() == strings{"a.yaml"});

    SUBCASE("cached until changed") {
        CHECK(st.current() == s1);
        CHECK(st.put("a.yaml", "name: web\nimage: nginx\n---\nkind: Network\nname: front\n").empty());
        CHECK(st.current() == s1);   // same content: no new snapshot
    }
    SUBCASE("a bad version keeps the last good specs, errors beside") {
        auto errs = st.put("a.yaml", "name: web\nimage: nginx:2\nreplicas: x\n");
        CHECK(texts(errs) == strings{"a.yaml:3:11: replicas: \"x\": expected an integer"});
        auto s2 = st.current();
        CHECK(s2->version > s1->version);
        CHECK(s2->resources.size() == 2);
        CHECK(s2->resources.at(web).spec.as_service()->image == "nginx");
        CHECK(texts(s2->errors) == strings{"a.yaml:3:11: replicas: \"x\": expected an integer"});
        SUBCASE("fixed") {
            CHECK(st.put("a.yaml", "name: web\nimage: nginx:2\n").empty());
            auto s3 = st.current();
            CHECK(s3->errors.empty());
            CHECK(s3->resources.size() == 1);   // the network went away with the new version
            CHECK(s3->resources.at(web).spec.as_service()->image == "nginx:2");
        }
    }
    SUBCASE("erase removes the specs") {
        st.erase("a.yaml");
        st.erase("never-seen.yaml");   // not an error
        auto s2 = st.current();
        CHECK(s2->resources.empty());
        CHECK(s2->documents == 0);
        CHECK_FALSE(st.contains("a.yaml"));
    }
    SUBCASE("sync gate") {
        st.set_synced(false);
        auto s2 = st.current();
        CHECK_FALSE(s2->synced);
        CHECK(s2->version > s1->version);
        st.set_synced(false);
        CHECK(st.current() == s2);
    }
}

TEST_CASE("store: a new document with errors only") {
    store st(options_with());
    auto errs = st.put("b.yaml", "name: [\n");
    CHECK(errs.size() == 1);
    auto s = st.current();
    CHECK(s->documents == 1);
    CHECK(s->resources.empty());
    CHECK(s->errors.size() == 1);
}

TEST_CASE("store: put_specs and put_errors") {
    store st(options_with());
    auto r = parse("name: web\nimage: nginx\n");
    REQUIRE(r.ok());
    CHECK(st.put_specs("kafka:t/web", r.specs).empty());
    CHECK(st.current()->resources.count(web) == 1);
    st.put_errors("kafka:t/web", {diagnostic{{"t/0/7", 0, 0}, "", "key does not match the name"}});
    auto s = st.current();
    CHECK(s->resources.count(web) == 1);   // last good kept
    CHECK(texts(s->errors) == strings{"t/0/7: key does not match the name"});
}

TEST_CASE("store: a name defined by two documents is held, both places named") {
    store st(options_with());
    CHECK(st.put("a.yaml", "# web\n\nname: web\nimage: nginx\n").empty());
    CHECK(st.put("b.yaml", "name: web\nimage: httpd\n---\nkind: Network\nname: web\n").empty());
    auto s = st.current();
    CHECK(s->held == std::set<resource_key>{web});
    CHECK(s->resources.count(web) == 0);
    CHECK(s->resources.count({kind::network, "web"}) == 1);
    CHECK(texts(s->errors) ==
          strings{"a.yaml:3:1: name: Service \"web\" is also defined at b.yaml:1:1; neither is applied until one is removed",
                  "b.yaml:1:1: name: Service \"web\" is also defined at a.yaml:3:1; neither is applied until one is removed"});
    SUBCASE("removing one releases the other") {
        st.erase("a.yaml");
        auto s2 = st.current();
        CHECK(s2->held.empty());
        CHECK(s2->errors.empty());
        CHECK(s2->resources.at(web).spec.as_service()->image == "httpd");
    }
}

TEST_CASE("store: documents in error with no last good version are listed as unparsed") {
    store st;
    (void)st.put("good.yaml", "name: web\nimage: nginx:1\n");
    (void)st.put("broken.yaml", "name: [\n");
    st.put_errors("kafka:desired", {diagnostic{{"kafka://b:9092/desired", 0, 0}, "", "brokers down"}});
    auto snap = st.current();
    CHECK(snap->unparsed == std::set<std::string>{"broken.yaml", "kafka:desired"});
    (void)st.put("good.yaml", "name: [\n");   // broken now, but its last good stands
    CHECK(st.current()->unparsed.count("good.yaml") == 0);
}
