// One Kafka record: the key is the input up to its first line break, the
// value the rest. read_record must never crash or throw; an accepted record
// declares exactly one resource.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "desired_state/hash.hpp"
#include "watchers/kafka_record.hpp"

namespace ds = driftless::desired_state;
namespace w = driftless::watchers;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nl = input.find('\n');
    const std::string_view key = nl == std::string_view::npos ? input : input.substr(0, nl);
    const std::string_view value = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    if (value.empty()) return 0;   // a tombstone never reaches read_record
    w::record_options options;
    options.max_record_bytes = 64 * 1024;
    options.parse.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    options.parse.max_nodes = 100'000;
    const auto r = w::read_record(key, value, w::kafka_where("desired", 0, 42), options);
    if (r.ok()) {
        if (r.specs.size() != 1) std::abort();
        (void)ds::spec_hash(r.specs.front());
    }
    return 0;
}
