// Reading the engine's container list, the answer every pass reads and the
// one that grows with scale: 1,000 containers as dockerd 20.10 lists them
// (about 1.6 KB each, the canonical spec label included).
#include <benchmark/benchmark.h>

#include <string>

#include "drivers/docker_listing.hpp"

using namespace driftless;

namespace {

std::string hex64(std::size_t i, char fill) {
    std::string s = std::to_string(i);
    return std::string(64 - s.size(), fill) + s;
}

std::string container_list(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) {
        const std::string name = "prof-" + std::to_string(i);
        if (i) out += ", ";
        out += R"({"Id": ")" + hex64(i, 'a') + R"(", "Names": ["/)" + name + R"("], "Image": "driftless-test/busybox:1", )"
               R"("ImageID": "sha256:ca18b7b1b8458607e6be49c5d919042ad16a58f66b762eb1e9681f65cb6fc149", )"
               R"("Command": "sleep infinity", "Created": 1795333525, "Ports": [], "Labels": {"app": "steady", )"
               R"("index": ")" + std::to_string(i) + R"(", "io.driftless.kind": "Service", "io.driftless.name": ")" + name +
               R"(", "io.driftless.owner": "prof", "io.driftless.spec": "{\"kind\":\"Service\",\"labels\":{\"app\":\"steady\",)"
               R"(\"index\":\")" + std::to_string(i) + R"(\"},\"name\":\")" + name + R"(\",\"spec\":{\"command\":[\"sleep\",)"
               R"(\"infinity\"],\"constraints\":[],\"depends_on\":[],\"entrypoint\":null,\"env\":{},\"expose\":null,)"
               R"(\"healthcheck\":null,\"image\":\"driftless-test/busybox:1\",\"limits\":{\"memory_bytes\":0,\"nano_cpus\":0},)"
               R"(\"mode\":\"replicated\",\"mounts\":[],\"networks\":[],\"open_files\":0,\"ports\":[],\"pull\":\"never\",)"
               R"(\"replicas\":1,\"reservations\":{\"memory_bytes\":0,\"nano_cpus\":0},\"restart\":\"unless-stopped\",)"
               R"(\"stop_grace_period_ns\":null,\"user\":\"\"}}", "io.driftless.spec-hash": ")" + hex64(i, 'b') +
               R"("}, "State": "running", "Status": "Up 6 minutes", "HostConfig": {"NetworkMode": "default"}, )"
               R"("NetworkSettings": {"Networks": {"bridge": {"IPAMConfig": null, "Links": null, "Aliases": null, )"
               R"("NetworkID": "061d7a7d9e796c56c020792eddacd100d21de9e4d40e19c95e5a769f0c6ff764", )"
               R"("EndpointID": "41b29997bd295d0eaf1264b6d4777e18a036a38eeaaa81d9c045c40f4a3a8cd7", "Gateway": "172.17.0.1", )"
               R"("IPAddress": "172.17.3.233", "IPPrefixLen": 16, "IPv6Gateway": "", "GlobalIPv6Address": "", )"
               R"("GlobalIPv6PrefixLen": 0, "MacAddress": "02:42:ac:11:03:e9", "DriverOpts": null}}}, "Mounts": []})";
    }
    return out + "]";
}

void bm_container_list_1000(benchmark::State& st) {
    const std::string body = container_list(1000);
    for (auto _ : st) {
        auto r = drivers::docker::parse_container_list(body, drivers::docker::naming::by_label);
        if (!r.ok() || r->size() != 1000) st.SkipWithError("the list did not parse");
        benchmark::DoNotOptimize(r);
    }
    st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(body.size()));
    st.SetItemsProcessed(st.iterations() * 1000);
}

}  // namespace

BENCHMARK(bm_container_list_1000)->Unit(benchmark::kMillisecond);
