// The outcome of a media operation that can fail on bad input: a value, or a short reason.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace acw::media {

// Why an input was refused ("bad CRC", "not an Opus packet", ...): for logs and JS errors.
struct Error {
  std::string reason;
};

// A value or an Error (libc++ 14 has no std::expected). The core builds with -fno-exceptions, so
// nothing here throws: reading the value of a failed Result is a programming error; test ok().
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose, like expected
  Result(Error error) : error_(std::move(error.reason)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

  // Empty when ok().
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

}  // namespace acw::media
