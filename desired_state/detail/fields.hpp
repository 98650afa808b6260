// Readers for the fields of a service, shared by driftless documents and
// compose files (which spell some keys differently but mean the same).
// Internal to desired_state. Each reads `n` (the field's value) into its
// part of the spec and records every problem in `ctx`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "desired_state/detail/reader.hpp"
#include "desired_state/detail/tree.hpp"
#include "desired_state/spec.hpp"

namespace driftless::desired_state::detail {

// ports.cpp: short strings ("127.0.0.1:8000-8001:80-81/udp") and long form
// mappings; ranges expanded, sorted, published ports checked for clashes.
void read_ports(context& ctx, const node& n, const std::string& field, std::vector<port_mapping>& out);

// mounts.cpp: long form mappings and "SRC:DST[:OPTS]" strings; sorted by
// target, duplicate targets are errors.
void read_mounts(context& ctx, const node& n, const std::string& field, std::vector<mount>& out);

// quantities: a scalar read as bytes, nano-CPUs or nanoseconds.
std::optional<std::int64_t> read_memory(context& ctx, const node& n, const std::string& field);
std::optional<std::int64_t> read_cpus(context& ctx, const node& n, const std::string& field);
std::optional<std::int64_t> read_duration(context& ctx, const node& n, const std::string& field);

// command.cpp: a list of strings, or one string split like a shell would.
void read_command(context& ctx, const node& n, const std::string& field,
                  std::optional<std::vector<std::string>>& out);

// A reservation larger than its limit is an error at `at`.
void check_reservations(context& ctx, const node& at, const std::string& field, const resource_limits& limits,
                        const resource_limits& reservations);

// service_fields.cpp
std::optional<std::string> read_image(context& ctx, const node& n, const std::string& field);
std::optional<pull_policy> read_pull(context& ctx, const node& n, const std::string& field);
std::optional<restart_policy> read_restart(context& ctx, const node& n, const std::string& field);
std::optional<service_mode> read_mode(context& ctx, const node& n, const std::string& field);
std::optional<std::string> read_user(context& ctx, const node& n, const std::string& field);
std::optional<std::int64_t> read_open_files(context& ctx, const node& n, const std::string& field);
void read_networks(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out);
// depends_on as a list of names.
void read_depends_on(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out);
// depends_on as a mapping (compose's long form, native specs too): {db:
// {condition: service_healthy, restart: true, required: false}}; every name
// joins depends_on, a dependency other than the default also
// depends_on_conditions.
void read_dependencies(context& ctx, const node& n, const std::string& field, service& s);
void read_constraints(context& ctx, const node& n, const std::string& field, std::vector<std::string>& out);
void read_healthcheck(context& ctx, const node& n, const std::string& field, std::optional<healthcheck>& out);
void read_expose(context& ctx, const node& n, const std::string& field, std::optional<expose_spec>& out);
// update_config / rollback_config (compose's deploy.*, and native specs'
// own keys): {parallelism, delay, failure_action, monitor,
// max_failure_ratio, order}; `rollback`: failure_action cannot be rollback.
void read_update_policy(context& ctx, const node& n, const std::string& field, bool rollback,
                        std::optional<update_policy>& out);
// {cpus, memory}: the body of a limit or of a reservation.
void read_limits(context& ctx, const node& n, const std::string& field, resource_limits& out);

// A service being read: the value plus where some fields were written, for
// the checks that involve more than one field.
struct service_draft {
    service value;
    const node* image_at = nullptr;
    const node* build_at = nullptr;
    const node* follow_at = nullptr;
    const node* pull_at = nullptr;
    const node* replicas_at = nullptr;
    const node* mode_at = nullptr;
    std::string replicas_field = "replicas";
};

// build: "PATH" or {context, dockerfile, args, target, labels, network,
// extra_hosts, shm_size, cache_from, no_cache, pull}; relative paths
// against the declaring file's folder (compose: the project's).
void read_build(context& ctx, const node& n, const std::string& field, std::optional<build_spec>& out);

// follow_fields.cpp: follow: {semver, min_age, interval}; a compose
// service's x-driftless: {follow: ...}; and the checks across fields (a
// repository without tag or digest, not built, not pulled always).
void read_follow(context& ctx, const node& n, const std::string& field, std::optional<follow_rule>& out);
void read_service_extension(context& ctx, const node& n, const std::string& field, service_draft& draft);
void check_follow(context& ctx, const std::string& field_prefix, service_draft& draft);

// Checks across fields: image required (unless built: then it defaults to
// the service's name), replicas with mode global, depending on itself, a
// built image never pulled.
void finish_service(context& ctx, const node& doc, const std::string& field_prefix, const std::string& name,
                    service_draft& draft);

}  // namespace driftless::desired_state::detail

namespace driftless::desired_state::detail {

// network_fields.cpp: a network's address plan (subnet, ip_range, gateway),
// read where they were written so the checks across them name the place.
struct network_draft {
    network value;
    const node* subnet_at = nullptr;
    const node* ip_range_at = nullptr;
    const node* gateway_at = nullptr;
    std::string prefix;  // field prefix of the three ("" or "networks.front.ipam.config[0]")
};

// Reads `key` when it is subnet, ip_range or gateway; false when it is none.
bool read_network_address(context& ctx, const std::string& key, const node& value, const std::string& field,
                          network_draft& draft);

// ip_range and gateway need a subnet and must lie inside it.
void finish_network(context& ctx, network_draft& draft);

}  // namespace driftless::desired_state::detail
