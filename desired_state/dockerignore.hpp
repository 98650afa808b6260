// .dockerignore: which files of a build context go to the engine, with the
// rules docker's CLI applies (and podman's, and BuildKit's):
//   - one pattern per line; blank lines and lines starting with '#' are
//     skipped; surrounding white space is trimmed;
//   - '!' makes an exception: what it matches is sent again;
//   - a pattern is cleaned as a path ("./a/../b" is "b", a leading '/' goes)
//     and matched from the context's root;
//   - '*' is any run of characters but '/', '?' one character but '/',
//     '[...]' a class, '\' escapes the next character; "**" is any number
//     of folders, none included ("**/*.go", "a/**/b");
//   - a pattern that matches a folder matches everything under it;
//   - the last pattern that matches a path decides.
// The Dockerfile and the .dockerignore itself are always sent: the builder
// needs them, whatever the file says (docker's CLI does the same).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "desired_state/result.hpp"

namespace driftless::desired_state {

class dockerignore {
public:
    // Nothing excluded.
    dockerignore();
    ~dockerignore();
    dockerignore(dockerignore&&) noexcept;
    dockerignore& operator=(dockerignore&&) noexcept;

    // The rules of a .dockerignore's text; `keep` are context-relative paths
    // always sent (the Dockerfile, ".dockerignore"). An error names the line
    // ("line 3: ...") of a pattern that cannot be read, such as an unclosed
    // '['.
    [[nodiscard]] static result<dockerignore> parse(std::string_view text, const std::vector<std::string>& keep = {});

    // `path` is relative to the context's root, '/'-separated, without a
    // leading "./" ("src/main.go").
    [[nodiscard]] bool excluded(std::string_view path) const;
    // Whether a folder's contents can be skipped whole: it is excluded and
    // no exception could send anything under it back.
    [[nodiscard]] bool skip_folder(std::string_view path) const;
    [[nodiscard]] bool empty() const noexcept;

private:
    struct rule;
    std::vector<std::unique_ptr<rule>> rules_;
    bool exceptions_ = false;          // the file has '!' patterns
    std::vector<std::string> keep_;    // always sent
};

// A pattern cleaned as docker's CLI cleans it: "./a//b/../c/" is "a/c", a
// leading '/' goes, "." stays ".".
[[nodiscard]] std::string clean_pattern(std::string_view pattern);

}  // namespace driftless::desired_state
