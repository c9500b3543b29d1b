#include "events/status.h"

namespace jobtrail {

namespace {
const char* code_name(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "Not found";
    case Status::Code::kInvalidArgument:
      return "Invalid argument";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kIOError:
      return "IO error";
    case Status::Code::kUnavailable:
      return "Unavailable";
    case Status::Code::kConflict:
      return "Conflict";
    case Status::Code::kLimitExceeded:
      return "Limit exceeded";
    case Status::Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}
}  // namespace

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out = code_name(code_);
  out += ": ";
  out += message_;
  return out;
}

}  // namespace jobtrail
