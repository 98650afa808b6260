// What specs may ask for on this host (`--policy FILE`, DESIGN.md §5). A
// spec that asks for more is an error for that spec only: it is not
// created or changed, and whatever already runs under its name is left as
// it is (its key is held, as for a name defined twice).
//
// The file is YAML; every key is optional and an absent key restricts
// nothing. A list key also takes `false` (nothing allowed) or `true`
// (anything, as when absent):
//
//   images: [registry.local, driftless/]   # allowed images (whole reference components, below)
//   bind_mounts: [/srv/, /var/lib/app]     # allowed bind sources, also a local volume's bind device
//   read_only_binds: true                  # every bind mount read-only
//   volume_drivers: [local]                # allowed Volume drivers
//   volume_types: [nfs, tmpfs]             # allowed `type` options of local Volumes
//   undeclared_volumes: false              # may a service mount a volume no source declares
//   privileged: false                      # privileged containers
//   capabilities: [NET_ADMIN]              # capabilities cap_add may add
//   devices: [/dev/ttyUSB0]                # host devices (false: none)
//   host_network: false                    # the "host" network or network_mode: host
//   host_namespaces: false                 # pid: host, ipc: host
//   unconfined: false                      # security_opt turning seccomp, AppArmor or SELinux off
//   sysctls: [net.ipv4.*]                  # kernel settings: exact names or "prefix.*"
//   builds: [/srv/apps/]                   # folders build contexts may be in (false: no builds);
//                                          # a built image is judged by its context, not by `images`
//
// Images: references are normalised as docker does ("busybox" is
// "docker.io/library/busybox", "index.docker.io" is "docker.io") and an
// entry matches whole components: "registry.local" allows
// "registry.local/x" but neither "registry.local.evil.example/x" nor
// "registry.local:5000/x" (a port is another registry); "driftless/"
// allows "driftless/busybox:1". An entry with a tag or digest allows that
// image only. An entry without "/" whose name has a "." or is "localhost"
// is a registry.
//
// Paths (bind sources, volume devices, devices) are matched by whole
// components, never with "..", and are resolved on this machine at check
// time: the longest existing prefix through realpath, so a symlink inside
// an allowed folder that leads out of it is denied. This is best effort: a
// writer racing the engine can swap a folder for a symlink after the check,
// and driftless sees its own file system, not a remote engine's or other
// swarm nodes'.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/diagnostic.hpp"
#include "desired_state/result.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state {

// A list key: unset allows anything, empty allows nothing.
using allow_list = std::optional<std::vector<std::string>>;

struct policy {
    allow_list images;
    allow_list bind_mounts;
    bool read_only_binds = false;
    allow_list volume_drivers;
    allow_list volume_types;
    bool undeclared_volumes = true;
    bool privileged = true;
    allow_list capabilities;       // upper case, without CAP_
    allow_list devices;
    bool host_network = true;
    bool host_namespaces = true;
    bool unconfined = true;
    allow_list sysctls;
    allow_list builds;
};

// Reads a policy from its text; every problem is an error naming
// path:line:col and the key, as spec errors do.
[[nodiscard]] result<policy> parse_policy(std::string_view text, const std::string& path);
[[nodiscard]] result<policy> load_policy(const std::string& path);

// The Volumes a snapshot declares, which a service's named volume mounts
// are judged against.
struct declared_volumes {
    std::set<std::string> names;    // every declared Volume, allowed or not
    std::set<std::string> denied;   // those the policy denies
};

// What `s` asks for beyond `p`: one diagnostic per denied field, at the
// spec's origin. Empty when the spec is allowed. Reads the file system
// (bind sources and devices are resolved); never writes.
[[nodiscard]] std::vector<diagnostic> check_policy(const policy& p, const spec& s,
                                                   const declared_volumes& volumes = {});

}  // namespace driftless::desired_state
