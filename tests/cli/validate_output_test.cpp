// `driftless validate` as a user runs it: what it prints must be safe for a
// terminal whatever the files' keys and names hold.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "watchers/temp_tree.hpp"

namespace {

using driftless::watchers::testing::temp_tree;

// The command's stdout and stderr together, and its exit status.
std::pair<std::string, int> run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    const int status = ::pclose(pipe);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_CASE("validate prints keys and file names with control characters escaped") {
    temp_tree t;
    // YAML escapes put ESC, a newline and a C1 CSI into keys.
    t.write("evil.yaml", "name: web\nimage: nginx\n\"x\\nevil.yaml: converged\\e[2J\": 1\n\"\\u009b31m\\a\": 2\n");
    t.write("name\x1b]0;pwned\x07.yaml", "name: [\n");
    const auto [out, status] = run(std::string(DRIFTLESS_BINARY) + " validate '" + t.root().string() + "'");
    CHECK(status == 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        INFO("byte " << i << " of:\n" << out);
        CHECK_FALSE(((c < 0x20 && c != '\n') || c == 0x7f || (c == 0xc2 && i + 1 < out.size() &&
                                                               static_cast<unsigned char>(out[i + 1]) < 0xa0)));
    }
    const std::string dir = t.root().string();
    CHECK(out == dir + "/evil.yaml:3:1: x\\nevil.yaml: converged\\x1b[2J: unknown key\n" +
                     dir + "/evil.yaml:4:1: \\u009b31m\\x07: unknown key\n" +
                     dir + "/name\\x1b]0;pwned\\x07.yaml:2:1: invalid YAML: end of sequence flow not found\n"
                     "0 resources in 2 files, 3 errors\n");
}
