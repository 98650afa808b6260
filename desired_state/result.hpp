// result<T>: a value or the reason there is none. Used across driftless for
// results that must not be ignored (leveldb's Status, abseil's StatusOr).
// Exceptions stay at the edges (yaml-cpp, nlohmann_json): callers catch them
// and convert to an error value with a place attached.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace driftless {

// What went wrong, for a person. `code` is a short machine word
// ("conflict", "not_found", "unreachable", "timeout", "engine", "invalid",
// ...); `http_status` is set when an engine answered with an HTTP error;
// `retry_after`, when above zero, is how long the server asked to be left
// alone (HTTP 429 or 503 with Retry-After): a caller backs off at least
// that long.
struct error {
    std::string code;
    std::string message;
    int http_status = 0;
    std::chrono::seconds retry_after{0};

    [[nodiscard]] std::string to_string() const { return code.empty() ? message : code + ": " + message; }
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : v_(std::move(value)) {}                // NOLINT: implicit by design
    result(error e) : v_(std::move(e)) {}                    // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const error& err() const& { return std::get<1>(v_); }
    error&& err() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, error> v_;
};

// A result with no value: success, or an error.
class [[nodiscard]] status {
public:
    status() = default;
    status(error e) : e_(std::move(e)) {}                    // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return !e_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const error& err() const { return *e_; }

private:
    std::optional<error> e_;
};

}  // namespace driftless
