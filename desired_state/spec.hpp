// The desired-state model: what one YAML/JSON document declares, after
// parsing, ${VAR} expansion, validation and defaulting (DESIGN.md §3).
//
// A `spec` is a plain value: copyable, comparable, no I/O. Every field holds
// its canonical form (durations in nanoseconds, memory in bytes, CPUs in
// nano-CPUs, port ranges expanded to single ports), so two documents that
// mean the same thing produce equal specs and the same `spec_hash`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace driftless::desired_state {

enum class kind { service, network, volume };

[[nodiscard]] const char* to_string(kind k) noexcept;      // "Service", "Network", "Volume"
[[nodiscard]] std::optional<kind> kind_from_string(std::string_view s) noexcept;

// Where a thing was written: a file (path, 1-based line and column) or a
// Kafka record (path = "topic/partition/offset", line = column = 0).
struct source_location {
    std::string path;
    int line = 0;
    int column = 0;

    [[nodiscard]] std::string to_string() const;  // "path:line:col" or "path"
    bool operator==(const source_location&) const = default;
};

using string_map = std::map<std::string, std::string>;

enum class pull_policy { missing, always, never };
enum class restart_policy { no, always, on_failure, unless_stopped };
enum class service_mode { replicated, global };

// One published (or merely declared) port. Ranges such as "8000-8002:80-82"
// are expanded into one entry per port.
struct port_mapping {
    std::uint16_t target = 0;          // container port
    std::uint16_t published = 0;       // host port; 0 = not published / engine picks
    std::string host_ip;               // "" = all interfaces
    std::string protocol = "tcp";      // tcp | udp | sctp
    std::string mode = "ingress";      // ingress | host (swarm)
    auto operator<=>(const port_mapping&) const = default;
};

enum class mount_type { bind, volume, tmpfs };

struct mount {
    mount_type type = mount_type::volume;
    std::string source;                // host path (bind) or volume name; "" for tmpfs
    std::string target;                // absolute path in the container
    bool read_only = false;
    std::string bind_propagation;      // bind: "" | private | rprivate | shared | rshared | slave | rslave
    bool volume_nocopy = false;        // volume: do not copy image data into a new volume
    std::int64_t tmpfs_size = 0;       // tmpfs: bytes, 0 = unlimited
    std::uint32_t tmpfs_mode = 0;      // tmpfs: octal permission bits, 0 = engine default
    std::string bind_selinux;          // bind: "" | z (shared) | Z (private) relabel
    bool bind_create_host_path = true; // bind: create a missing source folder (compose's default)
    std::string volume_subpath;        // volume: mount this path inside the volume
    auto operator<=>(const mount&) const = default;
};

struct resource_limits {
    std::int64_t nano_cpus = 0;        // 0.5 CPU = 500'000'000; 0 = unset
    std::int64_t memory_bytes = 0;     // 0 = unset
    bool operator==(const resource_limits&) const = default;
};

struct healthcheck {
    std::vector<std::string> test;     // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]; a string becomes CMD-SHELL
    std::int64_t interval_ns = 0;      // 0 = engine default
    std::int64_t timeout_ns = 0;
    std::int64_t start_period_ns = 0;
    int retries = 0;
    bool disable = false;
    bool operator==(const healthcheck&) const = default;
};

struct expose_spec {
    std::string host;                  // e.g. web.factory.local
    std::string alias;                 // optional second host name
    std::uint16_t port = 0;            // container port Traefik forwards to
    bool operator==(const expose_spec&) const = default;
};

// A resource limit other than nofile-with-soft-equal-to-hard (open_files).
struct ulimit {
    std::string name;                  // nofile, nproc, core, memlock, ...
    std::int64_t soft = 0;
    std::int64_t hard = 0;
    auto operator<=>(const ulimit&) const = default;
};

// A host device given to the container: "/dev/ttyUSB0:/dev/ttyUSB0:rwm".
struct device_mapping {
    std::string host_path;
    std::string container_path;
    std::string permissions = "rwm";
    auto operator<=>(const device_mapping&) const = default;
};

// A compose secret or config, given to the containers as a file. Under
// docker and podman a file-backed one is bind-mounted read-only, one from a
// variable or inline content is copied in before the container starts;
// under swarm each is a swarm secret or config named with its content's
// digest (secrets are immutable there: new content, new name).
struct secret_mount {
    bool config = false;               // a config (else a secret)
    std::string name;                  // engine name: PROJECT_KEY or `name:`; swarm: plus "-" and 12 digest digits
    std::string target;                // absolute path in the container
    std::string file;                  // the host file it comes from; "" = `data` only (environment:, content:)
    std::string uid = "0";             // swarm and copied files
    std::string gid = "0";
    std::uint32_t mode = 0444;
    std::string digest;                // redact_secret(data): stands for the content in the canonical form
    std::string data;                  // the content: never in the canonical form, a label, a log or an error
    auto operator<=>(const secret_mount&) const = default;
};

struct logging_config {
    std::string driver;                // "" = engine default
    string_map options;
    bool operator==(const logging_config&) const = default;
};

// How a service joins one of its networks, beyond the network's name.
struct network_endpoint {
    std::vector<std::string> aliases;  // sorted; compose adds the service name
    std::string ipv4_address;
    std::string ipv6_address;
    bool operator==(const network_endpoint&) const = default;
};

// depends_on with compose's long form. The plain list (service.depends_on)
// holds every name; this holds the conditions that are not the default.
struct dependency {
    std::string condition = "service_started";  // service_started | service_healthy | service_completed_successfully
    bool restart = false;
    bool required = true;
    bool operator==(const dependency&) const = default;
};

// Swarm's restart policy (compose deploy.restart_policy).
struct swarm_restart_policy {
    std::string condition = "any";     // none | on-failure | any
    std::int64_t delay_ns = 0;         // 0 = swarm default
    std::int64_t max_attempts = 0;     // 0 = unlimited
    std::int64_t window_ns = 0;
    bool operator==(const swarm_restart_policy&) const = default;
};

// Swarm's update and rollback settings (compose deploy.update_config /
// rollback_config); the same names drive rollouts on docker and podman.
struct update_policy {
    std::int64_t parallelism = 1;
    std::int64_t delay_ns = 0;
    std::string failure_action;        // "" = default | pause | continue | rollback
    std::int64_t monitor_ns = 0;
    double max_failure_ratio = 0;
    std::string order;                 // "" = default | stop-first | start-first
    bool operator==(const update_policy&) const = default;
};

// An image built from a folder (compose `build:`; reconciler/builds.hpp).
// The context's contents are not here: their digest joins the service's
// hash when a pass reads the folder (desired_state/build_context.hpp).
struct build_spec {
    std::string context;                   // absolute folder, normalised
    std::string dockerfile = "Dockerfile"; // relative to context, inside it
    string_map args;
    std::string target;
    string_map labels;                     // on the image
    std::string network;                   // for RUN steps: "" = default | host | none | a network's name
    std::vector<std::string> extra_hosts;  // "name:ip", sorted
    std::int64_t shm_size = 0;             // bytes, for RUN steps
    std::vector<std::string> cache_from;   // order kept
    bool no_cache = false;
    bool pull = false;                     // pull the FROM images afresh
    bool operator==(const build_spec&) const = default;
};

// A release rule for a registry image (`follow:`; reconciler/releases.hpp):
// the highest tag in `semver` whose image is at least `min_age` old, asked
// for every `interval`, pinned by its digest. Not in the hash: the digest it
// picks is (a changed rule that picks the same image changes nothing).
struct follow_rule {
    std::string semver;                    // a version range (semver.hpp), as written
    std::int64_t min_age_ns = 0;
    std::int64_t interval_ns = 600'000'000'000;   // 10 min
    bool operator==(const follow_rule&) const = default;
};

struct service {
    std::string image;                                   // with build: the tag given to what is built
    pull_policy pull = pull_policy::missing;
    std::optional<std::vector<std::string>> command;     // unset = image default
    std::optional<std::vector<std::string>> entrypoint;  // unset = image default
    string_map env;
    std::vector<port_mapping> ports;                     // sorted
    std::vector<std::string> networks;                   // order kept: the first is attached at create
    std::vector<mount> mounts;                           // sorted by target
    std::string user;
    resource_limits limits;
    resource_limits reservations;
    std::int64_t open_files = 0;                         // nofile soft = hard; 0 = unset
    restart_policy restart = restart_policy::unless_stopped;
    std::optional<struct healthcheck> health;
    std::optional<std::int64_t> stop_grace_period_ns;    // unset = engine default (10 s)
    std::vector<std::string> depends_on;                 // sorted, names of Services
    // Compose projects this service's project comes after (the file's
    // x-driftless.depends_on; reconciler/depends.hpp): an order between
    // projects, not a property of the container, so not in the hash.
    std::vector<std::string> after_projects;
    int replicas = 1;
    service_mode mode = service_mode::replicated;
    std::vector<std::string> constraints;                // sorted
    std::optional<expose_spec> expose;

    // Container settings as compose names them. Empty, 0 or false means
    // unset (the engine's default); each is written into the canonical form
    // only when set, so a spec that uses none keeps its hash.
    std::map<std::string, dependency> depends_on_conditions;  // only names whose dependency is not the default
    std::map<std::string, network_endpoint> endpoints;   // by network name (one of `networks`)
    std::string network_mode;                            // "" | host | none | service:NAME | container:NAME
    std::vector<std::string> links;                      // "service" or "service:alias", sorted
    std::string hostname;
    std::string domainname;
    std::string working_dir;
    std::vector<std::string> extra_hosts;                // "name:ip", sorted
    std::vector<std::string> dns;                        // order kept
    std::vector<std::string> dns_search;                 // order kept
    std::vector<std::string> dns_options;                // order kept
    std::vector<std::string> expose_ports;               // compose `expose`: "8080/tcp", sorted
    bool read_only = false;
    bool tty = false;
    bool stdin_open = false;
    std::optional<bool> init;                            // unset = engine default
    bool privileged = false;
    std::int64_t shm_size = 0;                           // bytes
    std::string stop_signal;
    std::vector<std::string> cap_add;                    // sorted, upper case, CAP_ prefix stripped
    std::vector<std::string> cap_drop;                   // sorted, same form
    std::vector<std::string> security_opt;               // sorted
    string_map sysctls;
    std::int64_t pids_limit = 0;                         // 0 = unset
    std::vector<std::string> group_add;                  // supplementary groups, names or ids, as written
    std::int64_t cpu_shares = 0;                         // relative CPU weight; 0 = unset (the engine's 1024)
    std::string cpuset;                                  // CPUs allowed, "0-3,5"; "" = any
    std::int64_t mem_swappiness = -1;                    // 0..100; -1 = unset
    std::int64_t memswap_limit = 0;                      // memory + swap, bytes; -1 = unlimited swap; 0 = unset
    std::vector<ulimit> ulimits;                         // sorted by name; nofile with soft == hard stays in open_files
    std::optional<logging_config> logging;
    std::vector<device_mapping> devices;                 // sorted
    std::string pid;                                     // "" | host | container:NAME
    std::string ipc;                                     // "" | host | shareable | private | container:NAME
    std::string platform;
    std::string runtime;
    int restart_max_attempts = 0;                        // restart: on-failure:N
    // Swarm service settings (compose deploy.*).
    std::optional<swarm_restart_policy> swarm_restart;
    std::optional<update_policy> update_config;
    std::optional<update_policy> rollback_config;
    string_map service_labels;                           // deploy.labels: on the swarm service, not its containers
    std::string endpoint_mode;                           // "" | vip | dnsrr
    std::vector<std::string> placement_preferences;      // "spread=node.labels.zone", order kept
    std::int64_t max_replicas_per_node = 0;
    std::vector<secret_mount> secrets;                   // compose secrets and configs, sorted by target
    std::optional<build_spec> build;                     // set: the image is built here, never pulled
    std::optional<follow_rule> follow;                   // set: `image` is a repository whose tag is chosen by rule
    bool operator==(const service&) const = default;
};

struct network {
    std::string driver = "bridge";
    string_map driver_opts;
    bool internal = false;
    bool attachable = false;
    // The address plan; empty = the engine picks. Canonical text
    // ("10.1.0.0/16", "10.1.0.1"), checked: ip_range and gateway lie in subnet.
    std::string subnet;
    std::string ip_range;
    std::string gateway;
    bool operator==(const network&) const = default;
};

struct volume {
    std::string driver = "local";
    string_map driver_opts;
    bool operator==(const volume&) const = default;
};

struct spec {
    std::string name;
    string_map labels;                                   // user labels, without io.driftless.*
    std::variant<service, network, volume> body;
    source_location origin;                              // not part of the hash or of ==

    [[nodiscard]] desired_state::kind kind() const noexcept { return static_cast<desired_state::kind>(body.index()); }
    [[nodiscard]] const service* as_service() const noexcept { return std::get_if<service>(&body); }
    [[nodiscard]] const network* as_network() const noexcept { return std::get_if<network>(&body); }
    [[nodiscard]] const volume* as_volume() const noexcept { return std::get_if<volume>(&body); }

    bool operator==(const spec& o) const { return name == o.name && labels == o.labels && body == o.body; }
};

// Identity of a resource: unique per kind across all sources.
struct resource_key {
    desired_state::kind kind = desired_state::kind::service;
    std::string name;
    auto operator<=>(const resource_key&) const = default;
    [[nodiscard]] std::string to_string() const;         // "Service/web"
};

[[nodiscard]] inline resource_key key_of(const spec& s) { return {s.kind(), s.name}; }

}  // namespace driftless::desired_state
