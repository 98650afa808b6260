#include "cli/commands.hpp"

#include <utility>
#include <cstdio>

#include "watchers/directory_source.hpp"

namespace driftless::cli {

namespace asio = boost::asio;

int validate(const std::vector<std::string>& paths, const common_flags& f) {
    desired_state::store store(parse_options_from(f, false));
    std::size_t files = 0;
    std::vector<std::string> read_errors;
    for (const auto& p : paths) {
        // The same reading as `run`: symlinks leading out of the folder,
        // oversized files and the walk's caps are errors here too.
        watchers::directory_source source(p);
        auto scanned = source.scan();
        for (const auto& e : scanned.errors) read_errors.push_back(e.to_string());
        for (auto& change : scanned.changes) {
            ++files;
            (void)store.put(change.doc_id, std::move(change.text));
        }
    }
    auto snap = store.current();
    for (const auto& e : read_errors) std::printf("%s\n", e.c_str());
    for (const auto& e : snap->errors) std::printf("%s\n", e.to_string().c_str());
    const std::size_t errors = snap->errors.size() + read_errors.size();
    std::printf("%zu resource%s in %zu file%s, %zu error%s\n", snap->resources.size(), snap->resources.size() == 1 ? "" : "s", files,
                files == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
    return errors == 0 ? 0 : 1;
}

}  // namespace driftless::cli
