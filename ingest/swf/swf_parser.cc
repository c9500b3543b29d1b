// SwfParser: one SWF line in, one SwfLine (or a Status saying what is wrong) out.
//
// Approach:
//   1. Refuse a line longer than limits::line_bytes_max (limit_exceeded), drop one trailing
//      '\r', and refuse control bytes (NUL, a stray '\r', ...) anywhere in what is left.
//   2. Whitespace only -> SwfBlankLine. First non-blank byte ';' -> a header line: "Key: value"
//      for the keys SwfHeader knows is stored (case-insensitively matched); anything else, such
//      as ";" alone, "; Note: ..." or a continuation line, is consumed as it is.
//   3. Otherwise a record: split on runs of spaces/tabs into string_views (no allocation),
//      require 18 or 21 fields, then convert each column through a table of member pointers.
//      Integer columns take std::from_chars<int64_t> and also accept a zero fraction ("489.00");
//      columns 6, 7 and 10 are doubles (std::from_chars<double>). Every numeric column is -1
//      (unknown) or >= 0. Column 12 is a user id, or a user name when it does not start like
//      a number ("user_A"). Columns 19-21 of Alea's extended SWF are kept as text.
// Errors name the field ("field 4 (run time): 'abc' is not a number") and quote the bad text,
// escaped and truncated, so a person can find the problem in the file. No exceptions, no I/O.
#include "ingest/swf/swf_parser.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <system_error>
#include <utility>

#include "events/limits.h"
#include "ingest/input_quote.h"

namespace jobtrail::ingest::swf {

namespace {

constexpr std::size_t kStandardFields = 18;
constexpr std::size_t kExtendedFields = 21;
constexpr std::size_t kQuotedBytesMax = 40;

// clang-format off
constexpr std::array<std::string_view, kExtendedFields> kFieldNames = {
    "job number", "submit time", "wait time", "run time", "allocated processors",
    "average CPU time", "used memory", "requested processors", "requested time",
    "requested memory", "status", "user id", "group id", "executable id", "queue", "partition",
    "preceding job", "think time", "nodes", "queue name", "nodespec"};
// clang-format on

// Columns (0-based) stored as integers, and where they go.
struct IntColumn {
  std::size_t index;
  int64_t SwfRecord::*member;
};
constexpr std::array<IntColumn, 14> kIntColumns = {{
    {0, &SwfRecord::job_number},
    {1, &SwfRecord::submit_s},
    {2, &SwfRecord::wait_s},
    {3, &SwfRecord::run_s},
    {4, &SwfRecord::procs_allocated},
    {7, &SwfRecord::procs_requested},
    {8, &SwfRecord::time_requested_s},
    {10, &SwfRecord::status},
    {12, &SwfRecord::group_id},
    {13, &SwfRecord::executable_id},
    {14, &SwfRecord::queue},
    {15, &SwfRecord::partition},
    {16, &SwfRecord::preceding_job},
    {17, &SwfRecord::think_time_s},
}};

struct DoubleColumn {
  std::size_t index;
  double SwfRecord::*member;
};
constexpr std::array<DoubleColumn, 3> kDoubleColumns = {{
    {5, &SwfRecord::cpu_time_average_s},
    {6, &SwfRecord::memory_used_kb},
    {9, &SwfRecord::memory_requested_kb},
}};

constexpr std::size_t kUserColumn = 11;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// The text as it can be shown inside quotes in a message (ingest/input_quote.h).
std::string quote(std::string_view text) {
  return quote_input(text, kQuotedBytesMax);
}

Status field_error(std::size_t index, std::string_view text, std::string_view problem) {
  std::string msg = "field " + std::to_string(index + 1) + " (";
  msg += kFieldNames[index];
  msg += "): ";
  msg += quote(text);
  msg += ' ';
  msg += problem;
  return Status::invalid_argument(msg);
}

// Why a numeric column did not convert; turned into a message only on failure.
enum class NumError { kOk, kNotNumber, kNotWhole, kOutOfRange, kNegative };

std::string_view describe(NumError error) {
  switch (error) {
    case NumError::kOk:
      return "is fine";
    case NumError::kNotNumber:
      return "is not a number";
    case NumError::kNotWhole:
      return "is not a whole number";
    case NumError::kOutOfRange:
      return "is out of range";
    case NumError::kNegative:
      return "is negative (only -1, meaning unknown, is allowed)";
  }
  return "is invalid";
}

// An integer, or an integral value written with a fraction of zeros ("489.00", "489.").
NumError to_int(std::string_view text, int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc::result_out_of_range) return NumError::kOutOfRange;
  if (ec != std::errc()) return NumError::kNotNumber;
  if (ptr != end && *ptr == '.') {
    const char* frac = ptr + 1;
    while (frac != end && *frac == '0') ++frac;
    if (frac == end) return out < -1 ? NumError::kNegative : NumError::kOk;
    double value = 0;
    auto [dptr, dec] = std::from_chars(text.data(), end, value);
    const bool fractional = dec == std::errc() && dptr == end && value != std::trunc(value);
    return fractional ? NumError::kNotWhole : NumError::kNotNumber;
  }
  if (ptr != end) return NumError::kNotNumber;
  return out < -1 ? NumError::kNegative : NumError::kOk;
}

NumError to_double(std::string_view text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc::result_out_of_range) return NumError::kOutOfRange;
  if (ec != std::errc() || ptr != end || std::isnan(out)) return NumError::kNotNumber;
  if (std::isinf(out)) return NumError::kOutOfRange;
  if (out < 0 && out != -1) return NumError::kNegative;
  return NumError::kOk;
}

// The whitespace-separated fields of a record line. Only the first 21 are kept; `count` is
// the true number so the message can say how many there were.
struct Fields {
  std::array<std::string_view, kExtendedFields> text;
  std::size_t count = 0;
};

Fields split_fields(std::string_view line) {
  Fields fields;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) return fields;
    const std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (fields.count < kExtendedFields) fields.text[fields.count] = line.substr(start, i - start);
    ++fields.count;
  }
}

Status parse_numbers(const Fields& fields, SwfRecord& record) {
  for (const IntColumn& column : kIntColumns) {
    const std::string_view text = fields.text[column.index];
    const NumError error = to_int(text, record.*column.member);
    if (error != NumError::kOk) return field_error(column.index, text, describe(error));
  }
  for (const DoubleColumn& column : kDoubleColumns) {
    const std::string_view text = fields.text[column.index];
    const NumError error = to_double(text, record.*column.member);
    if (error != NumError::kOk) return field_error(column.index, text, describe(error));
  }
  return Status();
}

// Column 12: a numeric user id, or (AleaNG) a user name. Text that starts like a number must
// be one, so "12x" is an error rather than a user called "12x".
Status parse_user(std::string_view text, SwfRecord& record) {
  const char first = text.front();
  const bool numeric =
      (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
  if (!numeric) {
    record.user_id = -1;
    record.user.assign(text);
    return Status();
  }
  const NumError error = to_int(text, record.user_id);
  if (error != NumError::kOk) return field_error(kUserColumn, text, describe(error));
  return Status();
}

// Columns 19-21 of Alea's extended SWF: "{node,node,...}", a queue name and a PBS nodespec.
Status parse_extended(const Fields& fields, SwfRecord& record) {
  const std::string_view nodes = fields.text[18];
  if (nodes.size() < 2 || nodes.front() != '{' || nodes.back() != '}') {
    return field_error(18, nodes, "is not a '{node,...}' list");
  }
  record.extended = true;
  record.nodes.assign(nodes.substr(1, nodes.size() - 2));
  record.queue_name.assign(fields.text[19]);
  record.nodespec.assign(fields.text[20]);
  return Status();
}

Result<SwfLine> parse_record(std::string_view line) {
  const Fields fields = split_fields(line);
  if (fields.count != kStandardFields && fields.count != kExtendedFields) {
    return Status::invalid_argument("expected 18 or 21 fields, found " +
                                    std::to_string(fields.count));
  }
  SwfRecord record;
  JT_RETURN_IF_ERROR(parse_numbers(fields, record));
  JT_RETURN_IF_ERROR(parse_user(fields.text[kUserColumn], record));
  if (fields.count == kExtendedFields) JT_RETURN_IF_ERROR(parse_extended(fields, record));
  return SwfLine(std::move(record));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Status header_error(std::string_view key, std::string_view value, std::string_view problem) {
  std::string msg = "header ";
  msg += key;
  msg += ": ";
  msg += quote(value);
  msg += ' ';
  msg += problem;
  return Status::invalid_argument(msg);
}

// A header integer: an optional '-' and digits, nothing else.
Status header_int(std::string_view key, std::string_view value, int64_t& out) {
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec == std::errc::result_out_of_range) return header_error(key, value, "is out of range");
  if (ec != std::errc() || ptr != end) return header_error(key, value, "is not an integer");
  return Status();
}

// "; Queue:  1 [fque:1]" and "; Partition: 10 usc.cesga.es": a number, then a name (may be
// empty).
Status header_numbered_name(std::string_view key, std::string_view value,
                            std::map<int64_t, std::string>& names) {
  std::size_t digits_end = 0;
  while (digits_end < value.size() && !is_blank(value[digits_end])) ++digits_end;
  int64_t number = 0;
  JT_RETURN_IF_ERROR(header_int(key, value.substr(0, digits_end), number));
  names[number] = std::string(trim(value.substr(digits_end)));
  return Status();
}

Status header_optional_int(std::string_view key, std::string_view value,
                           std::optional<int64_t>& out) {
  int64_t number = 0;
  JT_RETURN_IF_ERROR(header_int(key, value, number));
  out = number;
  return Status();
}

// `body` is the text after ';'. Keys SwfHeader does not model, and free text, are consumed.
// On failure `header` is left unchanged.
Status apply_header(std::string_view body, SwfHeader& header) {
  body = trim(body);
  const std::size_t colon = body.find(':');
  if (colon == std::string_view::npos) return Status();
  const std::string_view key = trim(body.substr(0, colon));
  const std::string_view value = trim(body.substr(colon + 1));
  if (same_key(key, "UnixStartTime"))
    return header_optional_int(key, value, header.unix_start_time);
  if (same_key(key, "TimeZone")) return header_optional_int(key, value, header.time_zone_s);
  if (same_key(key, "MaxJobs")) return header_optional_int(key, value, header.max_jobs);
  if (same_key(key, "MaxRecords")) return header_optional_int(key, value, header.max_records);
  if (same_key(key, "Queue")) return header_numbered_name(key, value, header.queues);
  if (same_key(key, "Partition")) return header_numbered_name(key, value, header.partitions);
  if (same_key(key, "TimeZoneString")) header.time_zone_string.assign(value);
  if (same_key(key, "Version")) header.version.assign(value);
  if (same_key(key, "Computer")) header.computer.assign(value);
  if (same_key(key, "Installation")) header.installation.assign(value);
  return Status();
}

Status check_control_bytes(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (is_control(c)) {
      return Status::invalid_argument("control byte " + quote(line.substr(i, 1)) + " at byte " +
                                      std::to_string(i) + " of the line");
    }
  }
  return Status();
}

}  // namespace

Result<SwfLine> SwfParser::parse_line(std::string_view line) {
  if (line.size() > limits::line_bytes_max) {
    return Status::limit_exceeded("line is " + std::to_string(line.size()) +
                                  " bytes, longer than the limit of " +
                                  std::to_string(limits::line_bytes_max));
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  JT_RETURN_IF_ERROR(check_control_bytes(line));
  std::size_t first = 0;
  while (first < line.size() && is_blank(line[first])) ++first;
  if (first == line.size()) return SwfLine(SwfBlankLine{});
  if (line[first] != ';') return parse_record(line.substr(first));
  // apply_header changes nothing when it fails, so a bad value leaves the header as it was.
  JT_RETURN_IF_ERROR(apply_header(line.substr(first + 1), header_));
  return SwfLine(SwfHeaderLine{});
}

}  // namespace jobtrail::ingest::swf
