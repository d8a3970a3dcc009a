// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace runlens {

// What went wrong, where: every message a user sees names the file and, where known, the position.
struct Error {
    std::string file;      // path of the offending file or directory (may be empty for global errors)
    std::string position;  // "line 3", "offset 1234", "row 7, column 'p1'"; empty when not applicable
    std::string message;   // what is wrong, in plain words

    std::string toString() const {
        std::string text;
        if (!file.empty()) {
            text += file;
            if (!position.empty())
                text += ", " + position;
            text += ": ";
        } else if (!position.empty()) {
            text += position + ": ";
        }
        text += message;
        return text;
    }
};

// A value or an Error. Errors are values; nothing throws across library boundaries.
template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : m_state(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<T>(m_state); }
    const T& value() const { return std::get<T>(m_state); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Success or an Error.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)), m_failed(true) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

}  // namespace runlens
