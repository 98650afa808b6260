// --policy FILE: bind mounts (resolved on disk), volumes that bind host
// folders, volume drivers and types, and volumes no source declares.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <unistd.h>

#include "desired_state/policy.hpp"
#include "desired_state/store.hpp"
#include "policy_support.hpp"

using namespace driftless::desired_state;
using namespace driftless::desired_state::testing;
using strings = std::vector<std::string>;
namespace fs = std::filesystem;

namespace {

// A folder of its own under the temporary folder, removed at the end.
class temp_folder {
public:
    temp_folder() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("driftless-policy-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(path_);
        path_ = fs::canonical(path_);
    }
    ~temp_folder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
    [[nodiscard]] std::string operator/(std::string_view rest) const { return (path_ / rest).string(); }
    [[nodiscard]] std::string str() const { return path_.string(); }

private:
    fs::path path_;
};

strings snapshot_errors(store& s) {
    strings out;
    for (const auto& d : s.current()->errors) out.push_back(d.to_string());
    return out;
}

}  // namespace

TEST_CASE("policy: a local volume that binds a host folder is judged as a bind mount") {
    auto p = policy_of("bind_mounts: [/srv]\n");
    CHECK(denied(p, "kind: Volume\nname: root\ndriver_opts: {type: none, o: bind, device: /}\n") ==
          strings{"web.yaml:1:1: driver_opts.device: denied by the policy: bind device \"/\" is not inside an allowed "
                  "folder (\"/srv\")"});
    CHECK(denied(p, "kind: Volume\nname: etc\ndriver_opts: {o: \"rbind,ro\", device: /etc}\n").size() == 1);
    CHECK(denied(p, "kind: Volume\nname: up\ndriver_opts: {o: bind, device: /srv/../etc}\n").size() == 1);
    CHECK(denied(p, "kind: Volume\nname: typed\ndriver_opts: {type: bind, device: /etc}\n").size() == 1);
    CHECK(denied(p, "kind: Volume\nname: data\ndriver_opts: {type: none, o: bind, device: /srv/data}\n").empty());
    // Not a bind: a plain local volume, or an option that only contains the word.
    CHECK(denied(p, "kind: Volume\nname: plain\n").empty());
    CHECK(denied(p, "kind: Volume\nname: nfs\ndriver_opts: {type: nfs, o: \"addr=10.0.0.1,nobind\", device: \":/x\"}\n")
              .empty());
    // Another driver's options mean what that driver says; drivers are judged by volume_drivers.
    CHECK(denied(p, "kind: Volume\nname: other\ndriver: rexray\ndriver_opts: {o: bind, device: /}\n").empty());

    auto ro = policy_of("read_only_binds: true\n");
    CHECK(denied(ro, "kind: Volume\nname: data\ndriver_opts: {type: none, o: bind, device: /srv/data}\n") ==
          strings{"web.yaml:1:1: driver_opts.o: denied by the policy: the volume binds host path \"/srv/data\" "
                  "read-write; add \"ro\" to o (read_only_binds: true)"});
    CHECK(denied(ro, "kind: Volume\nname: data\ndriver_opts: {type: none, o: \"bind,ro\", device: /srv/data}\n").empty());
}

TEST_CASE("policy: a service mounting a denied volume is denied with it") {
    store s;
    s.set_policy(policy_of("bind_mounts: [/srv]\n"));
    CHECK(s.put("root.yaml", "kind: Volume\nname: root\ndriver_opts: {type: none, o: bind, device: /}\n").empty());
    CHECK(s.put("web.yaml", "name: web\nimage: a:1\nmounts: [\"root:/host\"]\n").empty());
    CHECK(s.put("ok.yaml", "name: ok\nimage: a:1\nmounts: [\"data:/data\"]\n").empty());
    auto snap = s.current();
    CHECK(snap->resources.count({kind::volume, "root"}) == 0);
    CHECK(snap->resources.count({kind::service, "web"}) == 0);
    CHECK(snap->held.count({kind::service, "web"}) == 1);
    CHECK(snap->resources.count({kind::service, "ok"}) == 1);
    CHECK(snapshot_errors(s) ==
          strings{"root.yaml:1:1: driver_opts.device: denied by the policy: bind device \"/\" is not inside an allowed "
                  "folder (\"/srv\")",
                  "web.yaml:1:1: mounts: denied by the policy: volume \"root\" is denied by the policy (see its "
                  "own error)"});
}

TEST_CASE("policy: volume drivers and local volume types") {
    auto p = policy_of("volume_drivers: [local]\nvolume_types: [nfs, tmpfs]\n");
    CHECK(denied(p, "kind: Volume\nname: plain\n").empty());
    CHECK(denied(p, "kind: Volume\nname: share\ndriver_opts: {type: nfs, o: addr=10.0.0.1, device: \":/x\"}\n").empty());
    CHECK(denied(p, "kind: Volume\nname: disk\ndriver_opts: {type: ext4, device: /dev/sda1}\n") ==
          strings{"web.yaml:1:1: driver_opts.type: denied by the policy: local volume type \"ext4\" is not allowed "
                  "(\"nfs\", \"tmpfs\")"});
    CHECK(denied(p, "kind: Volume\nname: other\ndriver: rexray\n") ==
          strings{"web.yaml:1:1: driver: denied by the policy: volume driver \"rexray\" is not allowed (\"local\")"});
    // A bind is judged by bind_mounts, whatever its type says.
    CHECK(denied(p, "kind: Volume\nname: data\ndriver_opts: {type: none, o: bind, device: /srv/data}\n").empty());

    auto none = policy_of("volume_types: false\n");
    CHECK(denied(none, "kind: Volume\nname: scratch\ndriver_opts: {type: tmpfs, device: tmpfs}\n").size() == 1);
    CHECK(denied(none, "kind: Volume\nname: plain\n").empty());
}

TEST_CASE("policy: a mounted volume that no source declares") {
    store s;
    s.set_policy(policy_of("undeclared_volumes: false\n"));
    CHECK(s.put("web.yaml", "name: web\nimage: a:1\nmounts: [\"data:/data\", {type: tmpfs, target: /tmp}]\n").empty());
    CHECK(snapshot_errors(s) ==
          strings{"web.yaml:1:1: mounts: denied by the policy: volume \"data\" is not declared by any source; "
                  "declare it (kind: Volume) or allow undeclared_volumes"});
    CHECK(s.current()->held.count({kind::service, "web"}) == 1);
    CHECK(s.put("data.yaml", "kind: Volume\nname: data\n").empty());
    CHECK(snapshot_errors(s).empty());
    CHECK(s.current()->resources.count({kind::service, "web"}) == 1);

    // The default keeps volumes made by hand working.
    store open;
    open.set_policy(policy_of("bind_mounts: [/srv]\n"));
    CHECK(open.put("web.yaml", "name: web\nimage: a:1\nmounts: [\"data:/data\"]\n").empty());
    CHECK(snapshot_errors(open).empty());
}

TEST_CASE("policy: a bind source is resolved on disk; a symlink out of the folder is denied") {
    temp_folder allowed, outside;
    fs::create_directory(allowed / "real");
    fs::create_directory_symlink(outside.str(), allowed / "out");
    fs::create_directory_symlink(allowed / "real", allowed / "in");
    auto p = policy_of("bind_mounts: [" + allowed.str() + "]\n");
    auto bind = [&](const std::string& source) {
        return denied(p, "name: web\nimage: a:1\nmounts: [\"" + source + ":/data\"]\n");
    };
    CHECK(bind(allowed / "real").empty());
    CHECK(bind(allowed / "in/sub/not-yet").empty());       // the engine makes the missing part
    CHECK(bind(allowed / "out") ==
          strings{"web.yaml:1:1: mounts: denied by the policy: bind source \"" + (allowed / "out") +
                  "\" resolves to \"" + outside.str() + "\", which is not inside an allowed folder (\"" +
                  allowed.str() + "\")"});
    CHECK(bind(allowed / "out/deeper/new").size() == 1);
    // So does a volume's device.
    CHECK(denied(p, "kind: Volume\nname: vol\ndriver_opts: {o: bind, device: \"" + (allowed / "out") + "\"}\n").size() == 1);

    // An allowed folder that is itself a symlink allows what it leads to.
    temp_folder links;
    fs::create_directory_symlink(allowed.str(), links / "srv");
    auto via = policy_of("bind_mounts: [" + (links / "srv") + "]\n");
    CHECK(denied(via, "name: web\nimage: a:1\nmounts: [\"" + (links / "srv/real") + ":/data\"]\n").empty());
    CHECK(denied(via, "name: web\nimage: a:1\nmounts: [\"" + (links / "srv/out") + ":/data\"]\n").size() == 1);
}

TEST_CASE("policy: read_only_binds wants every bind mount read-only") {
    auto p = policy_of("read_only_binds: true\n");
    CHECK(denied(p, "name: web\nimage: a:1\nmounts: [\"/srv/web:/data:ro\", \"data:/var/data\"]\n").empty());
    CHECK(denied(p, "name: web\nimage: a:1\nmounts: [\"/srv/web:/data\"]\n") ==
          strings{"web.yaml:1:1: mounts: denied by the policy: bind mount of \"/srv/web\" on \"/data\" is read-write; "
                  "mount it read-only (read_only_binds: true)"});
}
