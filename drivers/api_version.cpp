#include "drivers/api_version.hpp"

#include <charconv>
#include <utility>

namespace driftless::drivers {

namespace {

// {major, minor}, or {-1, -1} when `v` is not "digits.digits".
std::pair<int, int> parse(std::string_view v) noexcept {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos) return {-1, -1};
    int major = 0;
    int minor = 0;
    const char* end = v.data() + dot;
    auto [p1, e1] = std::from_chars(v.data(), end, major);
    auto [p2, e2] = std::from_chars(end + 1, v.data() + v.size(), minor);
    if (e1 != std::errc{} || p1 != end || e2 != std::errc{} || p2 != v.data() + v.size()) return {-1, -1};
    return {major, minor};
}

}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) noexcept {
    auto pa = parse(a);
    auto pb = parse(b);
    if (pa.first < 0) pa = {0, 0};
    if (pb.first < 0) pb = {0, 0};
    if (pa < pb) return -1;
    if (pb < pa) return 1;
    return 0;
}

result<std::string> negotiate_api_version(std::string_view engine) {
    if (parse(engine).first < 0)
        return error{"engine", "the engine reported API version \"" + std::string(engine) + "\", which does not parse"};
    if (compare_api_versions(engine, oldest_api_version) < 0)
        return error{"engine", "the engine speaks API " + std::string(engine) + ", older than " + oldest_api_version +
                                   ", the oldest driftless supports; upgrade the engine"};
    if (compare_api_versions(engine, newest_api_version) > 0) return std::string(newest_api_version);
    return std::string(engine);
}

}  // namespace driftless::drivers
