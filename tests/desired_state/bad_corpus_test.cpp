// Every file under tests/bad/ is a document driftless must refuse. Its
// diagnostics, exactly, live beside it in NAME.expected (paths relative to
// tests/bad, as passed to parse_text). Adding a case is adding two files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}
}  // namespace

TEST_CASE("bad corpus: each file gives exactly its expected diagnostics") {
    const fs::path dir = fs::path(DRIFTLESS_TESTS_DIR) / "bad";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() != ".expected" && e.path().filename().string()[0] != '.')
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 20);
    for (const auto& f : files) {
        const std::string name = f.filename().string();
        CAPTURE(name);
        fs::path expected_path = f;
        expected_path += ".expected";
        REQUIRE_MESSAGE(fs::exists(expected_path), "missing " << expected_path.string());
        auto r = parse_text(slurp(f), name, options_with({{"TAG", "1.0"}}));
        std::vector<std::string> got;
        for (const auto& d : r.errors) got.push_back(d.to_string());
        CHECK_FALSE(r.ok());
        CHECK(r.specs.empty());
        CHECK(got == lines(slurp(expected_path)));
    }
}
