#pragma once
// Errors are values at the engine boundary: a Result<T> holds either a value or an Error whose
// message is one sentence naming the file or value and what was expected.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace netsurf {

enum class ErrorKind {
    Usage,     // a value given by the user is malformed or out of range (CLI exit code 2)
    Data,      // a file or dataset is missing, corrupt or inconsistent (CLI exit code 1)
    Cancelled, // the stop token was triggered
    Internal,  // anything else
};

struct Error {
    ErrorKind kind = ErrorKind::Internal;
    std::string message;

    static Error usage(std::string m) { return {ErrorKind::Usage, std::move(m)}; }
    static Error data(std::string m) { return {ErrorKind::Data, std::move(m)}; }
    static Error cancelled(std::string m = "cancelled") { return {ErrorKind::Cancelled, std::move(m)}; }
    static Error internal(std::string m) { return {ErrorKind::Internal, std::move(m)}; }
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Result of an operation with no value.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace netsurf
