// JobKey parsing and formatting.
//
// Approach: a hand-written recursive-descent parser over a Cursor (a string_view plus an
// offset). Every key starts with the job id; the character after it picks the form:
//
//   end      plain SLURM job            "123"
//   '_'      SLURM array task/remainder "123_4", "123_[1,5-9:2%4]"
//   '+'      SLURM het component        "123+1"
//   '[' '.'  PBS                        "123[4].server", "123[]", "123.server"
//
// Numbers are read with std::from_chars from a run of ASCII digits, so overflow is a clean
// error and nothing throws. Numbers must be canonical (no sign, no leading zeros), so two
// different accepted texts never name the same plain job. Every failure is a Status whose
// message quotes the (escaped, truncated) input and says what was expected there. Inputs
// beyond limits.h bounds are Status::limit_exceeded, as limits.h prescribes.
#include "events/job_key.h"

#include <charconv>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "events/limits.h"

namespace jobtrail {

namespace {

// Longest slice of the input quoted in an error message.
constexpr std::size_t kQuotedBytesMax = 64;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_host_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

// The input as printable ASCII: other bytes become \xHH, long inputs are cut short.
std::string quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kQuotedBytesMax; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\') {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  out += '"';
  if (text.size() > kQuotedBytesMax) {
    out += "... (" + std::to_string(text.size()) + " bytes)";
  }
  return out;
}

// A read position in the key text, and the error messages that point at it.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  bool next_is(char c) const { return !at_end() && text_[pos_] == c; }
  bool consume(char c) {
    if (!next_is(c)) return false;
    ++pos_;
    return true;
  }
  // Everything not yet read; the cursor moves to the end.
  std::string_view take_rest() {
    std::string_view rest = text_.substr(pos_);
    pos_ = text_.size();
    return rest;
  }

  std::string message(std::string_view detail) const {
    return "bad job key " + quote(text_) + " at offset " + std::to_string(pos_) + ": " +
           std::string(detail);
  }
  Status fail(std::string_view detail) const { return Status::invalid_argument(message(detail)); }

  // A canonical unsigned decimal number that fits T; `what` ("a job id") names it in errors.
  template <typename T>
  Result<T> number(std::string_view what) {
    std::size_t end = pos_;
    while (end < text_.size() && is_digit(text_[end])) ++end;
    const std::string_view digits = text_.substr(pos_, end - pos_);
    const std::string name(what);
    if (digits.empty()) return fail("expected " + name);
    if (digits.size() > 1 && digits.front() == '0') {
      return fail("number " + std::string(digits) + " has a leading zero; expected " + name +
                  " without one");
    }
    T value{};
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return fail("number " + std::string(digits) + " is too large; expected " + name +
                  " of at most " + std::to_string(std::numeric_limits<T>::max()));
    }
    pos_ = end;
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "5", "5-20" or "1-10:2". A one-task range always gets step 1 so it formats as one number.
Result<TaskRange> parse_range(Cursor& in) {
  TaskRange range;
  auto first = in.number<uint32_t>("a task id");
  if (!first.ok()) return first.status();
  range.first = range.last = *first;
  if (!in.consume('-')) return range;

  auto last = in.number<uint32_t>("the last task id of a range");
  if (!last.ok()) return last.status();
  if (*last < range.first) {
    return in.fail("range " + std::to_string(range.first) + "-" + std::to_string(*last) +
                   " runs backwards; expected first <= last");
  }
  range.last = *last;
  if (!in.consume(':')) return range;

  auto step = in.number<uint32_t>("a range step");
  if (!step.ok()) return step.status();
  if (*step == 0) return in.fail("range step 0; expected a step of at least 1");
  range.step = range.first == range.last ? 1 : *step;
  return range;
}

// "1,5,9-11": ranges in ascending order, none overlapping the one before.
Status parse_range_list(Cursor& in, std::vector<TaskRange>& ranges) {
  do {
    if (ranges.size() == limits::job_key_ranges_max) {
      return Status::limit_exceeded(
          in.message("more than " + std::to_string(limits::job_key_ranges_max) + " task ranges"));
    }
    auto range = parse_range(in);
    if (!range.ok()) return range.status();
    if (!ranges.empty() && range->first <= ranges.back().last) {
      return in.fail("task ranges out of order; expected each range to start after " +
                     std::to_string(ranges.back().last));
    }
    ranges.push_back(*range);
  } while (in.consume(','));
  return Status::ok_status();
}

// After "123_": a task id "4", or a remainder "[5-20%4]".
Status parse_slurm_array(Cursor& in, JobKey& key) {
  if (!in.consume('[')) {
    key.kind = JobKey::Kind::kArrayTask;
    auto index = in.number<uint32_t>("an array task id or '[' after '_'");
    if (!index.ok()) return index.status();
    key.index = *index;
    return Status::ok_status();
  }
  key.kind = JobKey::Kind::kArrayRemainder;
  JT_RETURN_IF_ERROR(parse_range_list(in, key.ranges));
  if (in.consume('%')) {
    auto throttle = in.number<uint32_t>("a throttle after '%'");
    if (!throttle.ok()) return throttle.status();
    if (*throttle == 0) return in.fail("throttle %0; expected at least 1 running task");
    key.max_running = *throttle;
  }
  if (!in.consume(']')) return in.fail("expected ',', '%' or ']' after a task range");
  return Status::ok_status();
}

// After "123+": the component offset.
Status parse_het(Cursor& in, JobKey& key) {
  key.kind = JobKey::Kind::kHetComponent;
  auto offset = in.number<uint32_t>("a het component offset after '+'");
  if (!offset.ok()) return offset.status();
  key.index = *offset;
  return Status::ok_status();
}

// "tango-m.vpac.org" (dot-separated non-empty labels) or "[hostname_1]" (anonymised).
bool valid_server(std::string_view server) {
  if (server.size() >= 2 && server.front() == '[' && server.back() == ']') {
    server = server.substr(1, server.size() - 2);
    for (char c : server) {
      if (!is_host_char(c) && c != '.') return false;
    }
    return !server.empty();
  }
  std::size_t label_bytes = 0;
  for (char c : server) {
    if (c == '.') {
      if (label_bytes == 0) return false;
      label_bytes = 0;
    } else if (is_host_char(c)) {
      ++label_bytes;
    } else {
      return false;
    }
  }
  return label_bytes > 0;
}

// After the PBS job id: an optional "[7]" or "[]", then an optional ".server".
Status parse_pbs_suffix(Cursor& in, JobKey& key) {
  key.pbs_style = true;
  if (in.consume('[')) {
    if (in.consume(']')) {
      key.kind = JobKey::Kind::kArrayRemainder;
    } else {
      key.kind = JobKey::Kind::kArrayTask;
      auto index = in.number<uint32_t>("a subjob index or ']' after '['");
      if (!index.ok()) return index.status();
      key.index = *index;
      if (!in.consume(']')) return in.fail("expected ']' after the subjob index");
    }
  }
  if (in.at_end()) return Status::ok_status();
  if (!in.consume('.')) return in.fail("expected '.' and a server name or the end");
  Cursor at_server = in;
  std::string_view server = in.take_rest();
  if (!valid_server(server)) {
    return at_server.fail("server " + quote(server) +
                          " is not a host name (letters, digits, '-', '_' in dot-separated "
                          "labels) or a bracketed one like [hostname_1]");
  }
  key.server = std::string(server);
  return Status::ok_status();
}

std::string format_ranges(const std::vector<TaskRange>& ranges) {
  std::string out;
  for (const TaskRange& range : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(range.first);
    if (range.last == range.first) continue;
    out += '-' + std::to_string(range.last);
    if (range.step != 1) out += ':' + std::to_string(range.step);
  }
  return out;
}

}  // namespace

Result<JobKey> JobKey::parse(std::string_view text) {
  if (text.size() > limits::job_key_bytes_max) {
    return Status::limit_exceeded("job key " + quote(text) + " is longer than " +
                                  std::to_string(limits::job_key_bytes_max) + " bytes");
  }
  Cursor in(text);
  JobKey key;
  auto id = in.number<uint64_t>("a job id");
  if (!id.ok()) return id.status();
  key.id = *id;
  if (in.at_end()) return key;

  Status status;
  if (in.consume('_')) {
    status = parse_slurm_array(in, key);
  } else if (in.consume('+')) {
    status = parse_het(in, key);
  } else if (in.next_is('[') || in.next_is('.')) {
    status = parse_pbs_suffix(in, key);
  } else {
    status = in.fail("expected '_', '+', '[', '.' or the end after the job id");
  }
  if (!status.ok()) return status;
  if (!in.at_end()) return in.fail("unexpected text; expected the end of the key");
  return key;
}

// SLURM: 123, 123_4, 123_[1-9:2%4], 123+1. PBS: 123[4], 123[] (listed ranges are not part of
// the PBS syntax and are not printed), then ".server" when there is one.
std::string JobKey::format() const {
  const bool pbs = pbs_style || !server.empty();
  std::string out = std::to_string(id);
  switch (kind) {
    case Kind::kPlain:
      break;
    case Kind::kArrayTask:
      out += pbs ? "[" + std::to_string(index) + "]" : "_" + std::to_string(index);
      break;
    case Kind::kArrayRemainder:
      if (pbs) {
        out += "[]";
      } else {
        out += "_[" + format_ranges(ranges);
        if (max_running != 0) out += '%' + std::to_string(max_running);
        out += ']';
      }
      break;
    case Kind::kHetComponent:
      out += '+' + std::to_string(index);
      break;
  }
  if (!server.empty()) out += '.' + server;
  return out;
}

JobKey JobKey::array_parent() const {
  if (!is_array_member()) return *this;
  JobKey parent;
  parent.id = id;
  if (pbs_style || !server.empty()) {
    parent.kind = Kind::kArrayRemainder;
    parent.pbs_style = true;
    parent.server = server;
  }
  return parent;
}

uint64_t JobKey::task_count() const {
  if (kind != Kind::kArrayRemainder) return 1;
  uint64_t total = 0;
  for (const TaskRange& range : ranges) total += range.count();
  return total;
}

}  // namespace jobtrail
