// Where an image's repository lives and how its registry is reached: the
// registry host an image reference names (Docker Hub's when it names
// none), the repository's path in the distribution grammar, and whether
// the registry is spoken to over https (the default) or plain http (a
// loopback host, as docker does, or one the user calls insecure). Pure
// functions; the names are checked here so that nothing else reaches a
// URL (desired_state/image_names.hpp has the grammar). Their errors
// ("invalid") are terminal: a name outside the grammar stays outside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::drivers {

struct registry_repository {
    std::string host;   // "registry.local:5000"; "docker.io" for Docker Hub
    std::string path;   // "team/web"; Docker Hub's official images under "library/"
};

// "registry.local:5000/team/web" -> {"registry.local:5000", "team/web"};
// "web" -> {"docker.io", "library/web"}. The first component is a host
// when it holds a '.' or a ':' or is "localhost". An error ("invalid")
// says what in the name breaks the grammar.
[[nodiscard]] result<registry_repository> locate_repository(std::string_view repository);

struct registry_endpoint {
    std::string name;             // as given: for messages and credentials ("127.0.0.1:5000", "docker.io")
    bool tls = true;
    std::string host;             // where requests go ("registry-1.docker.io" for Docker Hub)
    std::uint16_t port = 443;
};

// How to reach the registry `host` ("name[:port]", "[v6]:port"). Plain
// http for a host listed in `insecure` (written as "host:port", or "host"
// for any port), and for localhost, 127.0.0.0/8 and ::1 unless the
// registry has a CA of its own (`own_ca`: a loopback registry that speaks
// TLS, as docker's certs.d/HOST/ca.crt says); https otherwise.
[[nodiscard]] result<registry_endpoint> registry_endpoint_for(std::string_view host,
                                                              const std::vector<std::string>& insecure = {},
                                                              bool own_ca = false);

// "" when `reference` is a tag or a digest that may follow
// /v2/NAME/manifests/, else what is wrong with it.
[[nodiscard]] std::string check_manifest_reference(std::string_view reference);

}  // namespace driftless::drivers
