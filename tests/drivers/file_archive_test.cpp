#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <vector>

#include "drivers/file_archive.hpp"

using driftless::drivers::file_archive;

namespace {

struct entry {
    std::string path;
    bool folder = false;
    unsigned mode = 0;
    long uid = -1;
    std::string data;
};

// Reads the stream back with libarchive's reader, as the engine would.
std::vector<entry> read_back(const std::string& tar) {
    std::vector<entry> out;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        entry x;
        x.path = archive_entry_pathname(e);
        x.folder = archive_entry_filetype(e) == AE_IFDIR;
        x.mode = archive_entry_perm(e);
        x.uid = static_cast<long>(archive_entry_uid(e));
        char buffer[256];
        for (la_ssize_t n; (n = archive_read_data(a, buffer, sizeof buffer)) > 0;) x.data.append(buffer, static_cast<std::size_t>(n));
        out.push_back(std::move(x));
    }
    archive_read_free(a);
    return out;
}

}  // namespace

TEST_CASE("file_archive: one file with its folders, mode and owner, to extract at /") {
    auto tar = file_archive("/run/secrets/db", "pw\n", 0400, 70, 70);
    REQUIRE(tar);
    CHECK(tar->size() % 512 == 0);
    const auto entries = read_back(*tar);
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].path == "run/");
    CHECK(entries[0].folder);
    CHECK(entries[0].mode == 0755);
    CHECK(entries[1].path == "run/secrets/");
    CHECK(entries[2].path == "run/secrets/db");
    CHECK_FALSE(entries[2].folder);
    CHECK(entries[2].mode == 0400);
    CHECK(entries[2].uid == 70);
    CHECK(entries[2].data == "pw\n");

    auto empty = file_archive("/conf", "", 0444, 0, 0);
    REQUIRE(empty);
    REQUIRE(read_back(*empty).size() == 1);
    CHECK(read_back(*empty)[0].data.empty());
    CHECK_FALSE(file_archive("/", "x", 0444, 0, 0));
    CHECK_FALSE(file_archive("/run/", "x", 0444, 0, 0));
}
