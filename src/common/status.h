// Status and Expected<T>: the error currency at every module border.
//
// Modules never throw across their public API; they return a Status (ok or an
// error code plus a human message that names the file / node / field at fault)
// or an Expected<T> (a value or such a Status). Modelled on ONNX Runtime's
// Status + ORT_RETURN_IF_ERROR; std::expected is C++23, so this is a small
// stand-in built on std::variant.
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>

namespace edgecut {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // bad user input: units, flags, plan files
  kNotFound,         // missing file, node, value
  kParseError,       // malformed file contents
  kUnsupported,      // valid input we cannot handle (dtype, op, external data)
  kFailedPrecondition,
  kInternal,
  kIo,  // local files, sockets, processes
  // Remote calls (net/status_map.h maps gRPC's codes both ways): the edge
  // decides on these, so they are codes, never text to search.
  kUnavailable,        // the peer cannot be reached (down, refused, reset)
  kDeadlineExceeded,   // the call outlived its deadline
  kResourceExhausted,  // the peer is alive but full (queue bound)
  kCancelled,          // cancelled by the caller
  kUnauthenticated,    // missing or wrong credentials
};

const char* code_name(Code c);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

  // Prefixes context ("while loading model.onnx: ...") without losing the code.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename... Args>
Status error(Code code, fmt::format_string<Args...> f, Args&&... args) {
  return Status(code, fmt::format(f, std::forward<Args>(args)...));
}

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Expected(Status status) : v_(std::move(status)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return has_value() ? Status::ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace edgecut

#define EDGECUT_CONCAT_INNER(a, b) a##b
#define EDGECUT_CONCAT(a, b) EDGECUT_CONCAT_INNER(a, b)

#define EDGECUT_RETURN_IF_ERROR(expr) \
  do {                                \
    ::edgecut::Status _st = (expr);   \
    if (!_st.is_ok()) return _st;     \
  } while (0)

// EDGECUT_ASSIGN_OR_RETURN(auto x, f()) : binds x to the value or returns the status.
#define EDGECUT_ASSIGN_OR_RETURN(lhs, rexpr) \
  EDGECUT_ASSIGN_OR_RETURN_IMPL(EDGECUT_CONCAT(_exp_, __LINE__), lhs, rexpr)
#define EDGECUT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.has_value()) return tmp.status();           \
  lhs = std::move(tmp).value()
