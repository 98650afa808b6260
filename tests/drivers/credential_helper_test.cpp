// Credentials as docker's CLI finds them: config.json, then a credential
// helper, here a shell script put first on PATH for the test.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/credential_helper.hpp"
#include "drivers/run_program.hpp"
#include "tools/scoped_env.hpp"

using namespace driftless::drivers;
using namespace std::chrono_literals;
using driftless::testing::path_with;
using driftless::testing::scoped_env;

namespace {

// A folder with docker-credential-drifttest in it, first on PATH, and
// DOCKER_CONFIG pointing at it.
struct helper_folder {
    helper_folder() {
        char tmpl[] = "/tmp/driftless-credhelperXXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        const std::string script = dir + "/docker-credential-drifttest";
        std::ofstream(script) << "#!/bin/sh\n"
                                 "host=$(cat)\n"
                                 "echo \"$1 $host\" >> \"$(dirname \"$0\")/asked\"\n"
                                 "case \"$host\" in\n"
                                 "  127.0.0.1:5000) echo '{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}' ;;\n"
                                 "  https://index.docker.io/v1/) echo '{\"Username\":\"hubuser\",\"Secret\":\"hubpass\"}' ;;\n"
                                 "  token.example.com) echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-me\"}' ;;\n"
                                 "  missing.example.com) echo 'credentials not found in native keychain'; exit 1 ;;\n"
                                 "  broken.example.com) echo 'gpg: decryption failed' >&2; exit 3 ;;\n"
                                 "  garbage.example.com) echo 'hello' ;;\n"
                                 "  slow.example.com) exec sleep 30 ;;\n"
                                 "esac\n";
        REQUIRE(::chmod(script.c_str(), 0755) == 0);
        path.emplace("PATH", path_with(dir));
        config.emplace("DOCKER_CONFIG", dir);
    }
    ~helper_folder() {
        config.reset();
        path.reset();
        std::filesystem::remove_all(dir);
    }
    void write_config(const std::string& json) const { std::ofstream(dir + "/config.json") << json; }
    std::string asked() const {
        std::ifstream in(dir + "/asked");
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::string dir;
    std::optional<scoped_env> path, config;
};

}  // namespace

TEST_CASE("credential helper: docker-credential-NAME get, the host on stdin") {
    helper_folder f;
    auto c = run_credential_helper("drifttest", "127.0.0.1:5000");
    REQUIRE_MESSAGE(c.ok(), c.err().message);
    CHECK(c->username == "alice");
    CHECK(c->password == "s3cret");
    CHECK(c->identity_token.empty());
    CHECK(f.asked() == "get 127.0.0.1:5000\n");
    // Docker Hub is asked for by the name docker's CLI uses.
    CHECK(run_credential_helper("drifttest", "index.docker.io")->username == "hubuser");
    // The user name <token>: the secret is an identity token.
    auto t = run_credential_helper("drifttest", "token.example.com");
    CHECK(t->username.empty());
    CHECK(t->identity_token == "refresh-me");
}

TEST_CASE("credential helper: what goes wrong names the helper and the host") {
    helper_folder f;
    auto none = run_credential_helper("drifttest", "missing.example.com");
    CHECK(none.err().code == "not_found");
    CHECK(none.err().message == "docker-credential-drifttest has no credentials for missing.example.com");
    auto broken = run_credential_helper("drifttest", "broken.example.com");
    CHECK(broken.err().code == "credentials");
    CHECK(broken.err().message == "docker-credential-drifttest get, for broken.example.com: exited with status 3: gpg: decryption failed");
    auto garbage = run_credential_helper("drifttest", "garbage.example.com");
    CHECK(garbage.err().code == "credentials");
    CHECK(garbage.err().message ==
          "docker-credential-drifttest get, for garbage.example.com: printed no {\"Username\": ..., \"Secret\": ...} (it printed \"hello\")");
    auto missing = run_credential_helper("nothere", "127.0.0.1:5000");
    CHECK(missing.err().code == "credentials");
    CHECK(missing.err().message.rfind("docker-credential-nothere get, for 127.0.0.1:5000: the program is not installed (not found on PATH)", 0) == 0);
    auto slow = run_credential_helper("drifttest", "slow.example.com", 300ms);
    CHECK(slow.err().code == "timeout");
    CHECK(slow.err().message == "docker-credential-drifttest get, for slow.example.com: no answer within 300 ms");
    CHECK(run_credential_helper("../../bin/sh", "x").err().message.find("is not a helper's name") != std::string::npos);
}

TEST_CASE("credential helper: resolved from config.json, then the helper it names") {
    helper_folder f;
    const std::string file = f.dir + "/config.json";
    SUBCASE("no config.json: anonymous") {
        auto r = resolve_credentials("127.0.0.1:5000");
        REQUIRE(r.ok());
        CHECK(r->anonymous());
        CHECK(r->from == "no credentials for 127.0.0.1:5000 in " + file);
    }
    SUBCASE("auths") {
        f.write_config(R"({"auths":{"127.0.0.1:5000":{"auth":"Ym9iOnB3"}}})");
        auto r = resolve_credentials("127.0.0.1:5000");
        REQUIRE(r.ok());
        CHECK(r->credentials.username == "bob");
        CHECK(r->credentials.password == "pw");
        CHECK(r->from == "credentials for 127.0.0.1:5000 from " + file);
        CHECK(resolve_credentials("other.example.com")->anonymous());
    }
    SUBCASE("credHelpers and credsStore") {
        f.write_config(R"({"credHelpers":{"127.0.0.1:5000":"drifttest"},"credsStore":"drifttest"})");
        auto r = resolve_credentials("127.0.0.1:5000");
        REQUIRE(r.ok());
        CHECK(r->credentials.username == "alice");
        CHECK(r->from == "credentials for 127.0.0.1:5000 from docker-credential-drifttest");
        CHECK(resolve_credentials("docker.io")->credentials.username == "hubuser");
        // Nothing in the store for a host: anonymous, as docker goes on.
        auto none = resolve_credentials("missing.example.com");
        REQUIRE(none.ok());
        CHECK(none->anonymous());
        CHECK(none->from == "docker-credential-drifttest has no credentials for missing.example.com");
        CHECK(resolve_credentials("broken.example.com").err().code == "credentials");
    }
    SUBCASE("a config.json that cannot be read") {
        f.write_config("{not json");
        CHECK(resolve_credentials("127.0.0.1:5000").err().message == file + ": not JSON (credentials for 127.0.0.1:5000)");
        f.write_config(R"({"auths":{"127.0.0.1:5000":{"auth":"!!"}}})");
        CHECK(resolve_credentials("127.0.0.1:5000").err().message ==
              file + ": auths[\"127.0.0.1:5000\"].auth is not base64 of user:password");
    }
}

TEST_CASE("credential helper: every registry config.json names, each resolved; a failing helper leaves its host out") {
    helper_folder f;
    const std::string file = f.dir + "/config.json";
    CHECK(resolve_all_credentials()->by_host.empty());
    f.write_config(R"({"auths":{"http://127.0.0.1:5000/v2/":{"auth":"Ym9iOnB3"},"https://index.docker.io/v1/":{}},)"
                   R"("credHelpers":{"token.example.com":"drifttest","broken.example.com":"drifttest",)"
                   R"("missing.example.com":"drifttest"},"credsStore":"drifttest"})");
    auto all = resolve_all_credentials();
    REQUIRE_MESSAGE(all.ok(), all.err().message);
    std::vector<std::string> hosts;
    for (const auto& entry : all->by_host) hosts.push_back(entry.first);
    // Docker Hub's empty entry (docker login with a credsStore) goes to the store.
    CHECK(hosts == std::vector<std::string>{"127.0.0.1:5000", "index.docker.io", "token.example.com"});
    CHECK(all->by_host["127.0.0.1:5000"].credentials.username == "bob");
    CHECK(all->by_host["index.docker.io"].credentials.username == "hubuser");
    CHECK(all->by_host["token.example.com"].credentials.identity_token == "refresh-me");
    CHECK(all->problems == std::vector<std::string>{
                               "docker-credential-drifttest get, for broken.example.com: exited with status 3: gpg: decryption failed"});
    f.write_config("[]");
    CHECK(resolve_all_credentials()->by_host.empty());
    f.write_config("{");
    CHECK(resolve_all_credentials().err().message == file + ": not JSON (credentials for the registries it names)");
}

TEST_CASE("run program: stdin in, stdout and stderr out, a time limit") {
    auto echo = run_program({"cat"}, "some input", 10s);
    REQUIRE(echo.ok());
    CHECK(echo->out == "some input");
    CHECK(echo->exit_code == 0);
    auto failing = run_program({"sh", "-c", "echo out; echo err >&2; exit 7"}, "", 10s);
    CHECK(failing->exit_code == 7);
    CHECK(failing->out == "out\n");
    CHECK(failing->err == "err\n");
    // A program that reads nothing and is gone: its stdin ends, nothing breaks.
    auto deaf = run_program({"true"}, std::string(1 << 20, 'x'), 10s);
    CHECK(deaf->exit_code == 0);
    auto slow = run_program({"sleep", "30"}, "", 200ms);
    CHECK(slow->timed_out);
    CHECK(slow->exit_code == -1);
    CHECK(run_program({"driftless-no-such-program"}, "", 1s).err().code == "not_found");
}
