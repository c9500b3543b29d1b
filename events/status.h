// Status and Result<T>: how every fallible operation in jobtrail reports failure.
//
// Modelled on LevelDB's Status (an OK status is cheap: one code and an empty string) and on
// redpanda's result<T, errc>. No exceptions cross a module boundary: a function that can fail
// returns Status or Result<T>, and the caller decides. Thread-safety: values, no shared state.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace jobtrail {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,
    kInvalidArgument,  // the caller's input is wrong (a bad job key, a malformed line)
    kCorruption,       // stored bytes do not verify
    kIOError,          // the file system or RocksDB failed
    kUnavailable,      // someone else holds the resource (the writer lock)
    kConflict,         // the stored state disagrees (a newer format version)
    kLimitExceeded,    // a bound from limits.h was hit
    kInternal,         // a library failed where it should not (zstd out of memory)
  };

  Status() = default;  // OK

  static Status ok_status() { return Status(); }
  static Status not_found(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status invalid_argument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status io_error(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status conflict(std::string_view msg) { return Status(Code::kConflict, msg); }
  static Status limit_exceeded(std::string_view msg) { return Status(Code::kLimitExceeded, msg); }
  static Status internal(std::string_view msg) { return Status(Code::kInternal, msg); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  bool is_corruption() const { return code_ == Code::kCorruption; }
  bool is_invalid_argument() const { return code_ == Code::kInvalidArgument; }

  // "Corruption: log seq 17 does not verify" — for people, not for parsing.
  std::string to_string() const;

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none. A Result is never an OK status
// without a value: constructing one from Status::ok_status() is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

  // OK when there is a value.
  Status status() const { return ok() ? Status() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace jobtrail

// Early return of a failed Status from a function returning Status or Result<T>.
#define JT_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::jobtrail::Status jt_status_ = (expr);  \
    if (!jt_status_.ok()) return jt_status_; \
  } while (0)
