#include "drivers/image_reference.hpp"

namespace driftless::drivers {

image_reference split_image_reference(std::string_view ref) {
    image_reference out;
    if (const auto at = ref.find('@'); at != std::string_view::npos) {
        out.digest = std::string(ref.substr(at + 1));
        ref = ref.substr(0, at);
    }
    const auto slash = ref.rfind('/');
    const auto colon = ref.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        out.tag = std::string(ref.substr(colon + 1));
        ref = ref.substr(0, colon);
    }
    out.repository = std::string(ref);
    if (out.tag.empty() && out.digest.empty()) out.tag = "latest";
    return out;
}

}  // namespace driftless::drivers
