#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "../watchers/temp_tree.hpp"
#include "cli/key_file.hpp"

using namespace driftless::cli;
using driftless::watchers::testing::temp_tree;

namespace {

unsigned mode_of(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("key file: made when absent (folder 0700, file 0600, 32 random bytes), then read back") {
    temp_tree t;
    const auto path = t.path("lib/driftless/key");
    auto made = load_or_create_key(path);
    REQUIRE(made.ok());
    CHECK(made->size() == 32);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(path.parent_path()) == 0700);
    CHECK(std::distance(std::filesystem::directory_iterator(path.parent_path()), {}) == 1);   // no temporary left
    auto again = load_or_create_key(path);
    REQUIRE(again.ok());
    CHECK(*again == *made);

    temp_tree other;
    CHECK(*load_or_create_key(other.path("key")) != *made);
}

TEST_CASE("key file: a malformed or unreadable key is an error, never replaced") {
    temp_tree t;
    t.write("key", "short");
    CHECK(load_or_create_key(t.path("key")).err().message ==
          "key file \"" + t.path("key").string() +
              "\": holds 5 bytes, expected 32; restore the installation's key, or remove the file to make a new one "
              "(objects made under the old key then become conflicts)");
    std::ifstream in(t.path("key"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "short");

    const auto below_a_file = t.path("key") / "key";
    CHECK(load_or_create_key(below_a_file).err().message ==
          "key file \"" + below_a_file.string() +
              "\": cannot read it: Not a directory; give a readable key file with --key-file (DRIFTLESS_KEY_FILE)");
}
