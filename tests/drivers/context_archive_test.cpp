// A build context's tar stream, read back as the engine reads it.
#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "drivers/context_archive.hpp"

using namespace driftless;
namespace fs = std::filesystem;

namespace {

struct entry {
    std::string path;
    unsigned type = 0;
    unsigned mode = 0;
    long uid = -1, gid = -1;
    std::string data, link;
};

std::vector<entry> read_back(const std::string& tar) {
    std::vector<entry> out;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        entry x;
        x.path = archive_entry_pathname(e);
        x.type = archive_entry_filetype(e);
        x.mode = archive_entry_perm(e);
        x.uid = static_cast<long>(archive_entry_uid(e));
        x.gid = static_cast<long>(archive_entry_gid(e));
        if (const char* l = archive_entry_symlink(e)) x.link = l;
        char buffer[4096];
        for (la_ssize_t n; (n = archive_read_data(a, buffer, sizeof buffer)) > 0;) x.data.append(buffer, static_cast<std::size_t>(n));
        out.push_back(std::move(x));
    }
    archive_read_free(a);
    return out;
}

struct temp_context {
    temp_context() {
        char tmpl[] = "/tmp/driftless-tar-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        root = tmpl;
    }
    ~temp_context() { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel, std::ios::trunc) << text;
    }
    fs::path root;
};

}  // namespace

TEST_CASE("context archive: the listed entries, in order, owned by root, with their bits, contents and link targets") {
    temp_context c;
    c.write("Dockerfile", "FROM scratch\nCOPY . /\n");
    c.write("bin/run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(c.root / "bin/run.sh", fs::perms::owner_exec, fs::perm_options::add);
    c.write("skip.log", "not sent\n");
    c.write(".dockerignore", "*.log\n");
    fs::create_symlink("run.sh", c.root / "bin/start");
    // A big file, past libarchive's blocks and our read buffer.
    c.write("data.bin", std::string(300'000, 'z'));
    desired_state::context_digester d;
    auto listing = d.read(c.root, "Dockerfile");
    REQUIRE_MESSAGE(listing.ok(), listing.err().message);
    auto tar = drivers::context_archive(c.root, *listing);
    REQUIRE_MESSAGE(tar.ok(), tar.err().message);
    const auto got = read_back(*tar);
    std::vector<std::string> paths;
    for (const auto& e : got) paths.push_back(e.path);
    // A folder is written with its trailing '/', as tar writes folders.
    CHECK(paths == std::vector<std::string>{".dockerignore", "Dockerfile", "bin/", "bin/run.sh", "bin/start", "data.bin"});
    for (const auto& e : got) {
        CHECK(e.uid == 0);
        CHECK(e.gid == 0);
    }
    CHECK(got[1].data == "FROM scratch\nCOPY . /\n");
    CHECK(got[2].type == AE_IFDIR);
    CHECK((got[3].mode & 0100) != 0);
    CHECK(got[3].data == "#!/bin/sh\necho hi\n");
    CHECK(got[4].type == AE_IFLNK);
    CHECK(got[4].link == "run.sh");
    CHECK(got[5].data == std::string(300'000, 'z'));
}

TEST_CASE("context archive: a file that changed after it was listed is an error; the next try reads it again") {
    temp_context c;
    c.write("Dockerfile", "FROM scratch\n");
    c.write("app.txt", "one\n");
    desired_state::context_digester d;
    auto listing = d.read(c.root, "Dockerfile");
    REQUIRE(listing.ok());
    c.write("app.txt", "one, and more\n");
    auto tar = drivers::context_archive(c.root, *listing);
    REQUIRE_FALSE(tar.ok());
    CHECK(tar.err().message == "build context: " + (c.root / "app.txt").string() + " changed while it was being sent; it is read again on the next try");
    fs::remove(c.root / "app.txt");
    CHECK(drivers::context_archive(c.root, *listing).err().message.find("app.txt went (No such file or directory)") != std::string::npos);
}
