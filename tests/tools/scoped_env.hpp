// An environment variable set for a scope and put back after it (a test's
// PATH, DOCKER_CONFIG). Not for tests whose threads read the environment
// meanwhile.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace driftless::testing {

class scoped_env {
public:
    scoped_env(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~scoped_env() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

// PATH with `dir` first.
inline std::string path_with(const std::string& dir) {
    const char* path = std::getenv("PATH");
    return dir + ":" + (path != nullptr ? path : "/usr/bin:/bin");
}

}  // namespace driftless::testing
