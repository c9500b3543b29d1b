// SacctParser: one sacct output line in, one SacctLine (or a Status saying what is wrong) out.
//
// Approach:
//   1. The format list is lower-cased, stripped of "%N" widths, and each name looked up in a
//      table of known fields (with sacct's aliases: AllocCPUS = NCPUS, AllocNodes = NNodes).
//   2. A line: refuse one longer than limits::line_bytes_max (limit_exceeded), drop one
//      trailing '\r', refuse control bytes other than tab. Whitespace only -> SacctBlankLine.
//   3. Count the '|' first: N fields is --parsable2, N+1 with an empty last field is -p; any
//      other count is an error that says which. A row equal to the field names is the header.
//   4. Each value is converted by its field's kind through tables of member pointers; strings
//      are kept as written, numbers must be whole, times go through the parser's TimeZone.
// Errors name the field by position and name ("field 11 (submit): time '2016-13-01T...' ...").
#include "ingest/slurm/sacct_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <system_error>
#include <utility>

#include "events/limits.h"

namespace jobtrail::ingest::slurm {

namespace {

struct FieldName {
  std::string_view name;
  SacctField kind;
};

// clang-format off
constexpr std::array<FieldName, 28> kFieldNames = {{
    {"jobid", SacctField::kJobId},         {"jobidraw", SacctField::kJobIdRaw},
    {"cluster", SacctField::kCluster},     {"partition", SacctField::kPartition},
    {"qos", SacctField::kQos},             {"account", SacctField::kAccount},
    {"group", SacctField::kGroup},         {"gid", SacctField::kGid},
    {"user", SacctField::kUser},           {"uid", SacctField::kUid},
    {"submit", SacctField::kSubmit},       {"eligible", SacctField::kEligible},
    {"start", SacctField::kStart},         {"end", SacctField::kEnd},
    {"elapsed", SacctField::kElapsed},     {"exitcode", SacctField::kExitCode},
    {"state", SacctField::kState},         {"nnodes", SacctField::kNNodes},
    {"allocnodes", SacctField::kNNodes},   {"ncpus", SacctField::kNCpus},
    {"alloccpus", SacctField::kNCpus},     {"reqcpus", SacctField::kReqCpus},
    {"reqmem", SacctField::kReqMem},       {"reqtres", SacctField::kReqTres},
    {"alloctres", SacctField::kAllocTres}, {"timelimit", SacctField::kTimelimit},
    {"nodelist", SacctField::kNodeList},   {"jobname", SacctField::kJobName},
}};
// clang-format on

struct StringColumn {
  SacctField kind;
  std::string SacctRecord::*member;
};
constexpr std::array<StringColumn, 10> kStringColumns = {{
    {SacctField::kJobIdRaw, &SacctRecord::job_id_raw},
    {SacctField::kCluster, &SacctRecord::cluster},
    {SacctField::kPartition, &SacctRecord::partition},
    {SacctField::kQos, &SacctRecord::qos},
    {SacctField::kAccount, &SacctRecord::account},
    {SacctField::kGroup, &SacctRecord::group},
    {SacctField::kUser, &SacctRecord::user},
    {SacctField::kReqTres, &SacctRecord::req_tres},
    {SacctField::kAllocTres, &SacctRecord::alloc_tres},
    {SacctField::kJobName, &SacctRecord::job_name},
}};

struct CountColumn {
  SacctField kind;
  std::optional<uint32_t> SacctRecord::*member;
};
constexpr std::array<CountColumn, 5> kCountColumns = {{
    {SacctField::kGid, &SacctRecord::gid},
    {SacctField::kUid, &SacctRecord::uid},
    {SacctField::kNNodes, &SacctRecord::nnodes},
    {SacctField::kNCpus, &SacctRecord::ncpus},
    {SacctField::kReqCpus, &SacctRecord::req_cpus},
}};

struct TimeColumn {
  SacctField kind;
  SacctTime SacctRecord::*member;
};
constexpr std::array<TimeColumn, 4> kTimeColumns = {{
    {SacctField::kSubmit, &SacctRecord::submit},
    {SacctField::kEligible, &SacctRecord::eligible},
    {SacctField::kStart, &SacctRecord::start},
    {SacctField::kEnd, &SacctRecord::end},
}};

constexpr char kSeparator = '|';

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Account%12 " -> "account".
std::string normalize_name(std::string_view name) {
  const std::size_t percent = name.find('%');
  if (percent != std::string_view::npos) name = name.substr(0, percent);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) {
    name.remove_prefix(1);
  }
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
    name.remove_suffix(1);
  }
  return lower(name);
}

SacctField kind_of(std::string_view normalized) {
  for (const FieldName& entry : kFieldNames) {
    if (entry.name == normalized) return entry.kind;
  }
  return SacctField::kOther;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// The line without its '\r', or why it cannot be parsed at all.
Result<std::string_view> checked_line(std::string_view line) {
  if (line.size() > limits::line_bytes_max) {
    return Status::limit_exceeded("line of " + std::to_string(line.size()) +
                                  " bytes is longer than the limit of " +
                                  std::to_string(limits::line_bytes_max));
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (is_control(static_cast<unsigned char>(line[i]))) {
      return Status::invalid_argument("control byte " + quote_value(line.substr(i, 1)) +
                                      " at byte " + std::to_string(i) + " (sacct output is text)");
    }
  }
  return line;
}

Result<std::optional<uint32_t>> parse_count(std::string_view text) {
  if (text.empty()) return std::optional<uint32_t>();
  uint32_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return Status::invalid_argument(quote_value(text) + " is out of range");
  }
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::invalid_argument(quote_value(text) + " is not a whole number");
  }
  return std::optional<uint32_t>(value);
}

}  // namespace

Result<SacctParser> SacctParser::create(std::string_view format, TimeZone zone) {
  SacctParser parser;
  parser.zone_ = std::move(zone);
  const std::vector<std::string_view> names = split(format, ',');
  if (names.size() > sacct_fields_max) {
    return Status::limit_exceeded("sacct format has " + std::to_string(names.size()) +
                                  " fields, more than " + std::to_string(sacct_fields_max));
  }
  for (std::string_view name : names) {
    std::string normalized = normalize_name(name);
    if (normalized.empty()) {
      return Status::invalid_argument("sacct format " + quote_value(format) +
                                      " has an empty field name");
    }
    parser.kinds_.push_back(kind_of(normalized));
    parser.names_.push_back(std::move(normalized));
  }
  const auto has = [&](SacctField kind) {
    return std::find(parser.kinds_.begin(), parser.kinds_.end(), kind) != parser.kinds_.end();
  };
  if (!has(SacctField::kJobId) && !has(SacctField::kJobIdRaw)) {
    return Status::invalid_argument("sacct format " + quote_value(format) +
                                    " names neither JobID nor JobIDRaw");
  }
  return parser;
}

Result<SacctParser> SacctParser::from_header(std::string_view header_line, TimeZone zone) {
  Result<std::string_view> line = checked_line(header_line);
  if (!line.ok()) return line.status();
  std::string_view names = *line;
  if (!names.empty() && names.back() == kSeparator) names.remove_suffix(1);  // -p
  std::string format(names);
  std::replace(format.begin(), format.end(), kSeparator, ',');
  return create(format, std::move(zone));
}

std::optional<std::size_t> SacctParser::field_index(std::string_view name) const {
  const std::string normalized = normalize_name(name);
  const auto it = std::find(names_.begin(), names_.end(), normalized);
  if (it == names_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names_.begin());
}

bool SacctParser::is_header(const std::vector<std::string_view>& values) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (normalize_name(values[i]) != names_[i]) return false;
  }
  return true;
}

Result<SacctLine> SacctParser::parse_line(std::string_view raw_line) const {
  Result<std::string_view> line = checked_line(raw_line);
  if (!line.ok()) return line.status();
  if (is_blank(*line)) return SacctLine(SacctBlankLine{});
  const std::size_t expected = names_.size();
  const std::size_t found =
      static_cast<std::size_t>(std::count(line->begin(), line->end(), kSeparator)) + 1;
  const bool dash_p = found == expected + 1 && line->back() == kSeparator;
  if (found != expected && !dash_p) {
    return Status::invalid_argument(
        "row has " + std::to_string(found) + " fields; the format has " + std::to_string(expected) +
        (found > expected ? " (a value holds a '|'?)" : "") +
        (found == expected + 1 ? " and the last is not empty, so this is not `sacct -p`" : ""));
  }
  std::vector<std::string_view> values =
      split(dash_p ? line->substr(0, line->size() - 1) : *line, kSeparator);
  if (is_header(values)) return SacctLine(SacctHeaderLine{});
  SacctRecord record;
  record.trailing_separator = dash_p;
  record.fields.reserve(expected);
  for (std::size_t i = 0; i < expected; ++i) {
    record.fields.emplace_back(values[i]);
    JT_RETURN_IF_ERROR(convert(i, values[i], record));
  }
  if (std::find(kinds_.begin(), kinds_.end(), SacctField::kJobId) == kinds_.end()) {
    JT_RETURN_IF_ERROR(convert_job_id(record.job_id_raw, record));
  }
  return SacctLine(std::move(record));
}

Status SacctParser::convert_job_id(std::string_view value, SacctRecord& record) const {
  record.job_id = std::string(value);
  std::string_view key_text = value;
  const std::size_t dot = value.find('.');
  if (dot != std::string_view::npos) {
    record.step = std::string(value.substr(dot + 1));
    record.is_step = true;
    key_text = value.substr(0, dot);
    if (record.step.empty()) {
      return Status::invalid_argument(quote_value(value) + " has an empty step after '.'");
    }
  }
  Result<JobKey> key = JobKey::parse(key_text);
  if (!key.ok()) {
    return Status::invalid_argument(quote_value(value) +
                                    " is not a job id: " + key.status().message());
  }
  record.job_key = std::move(*key);
  return Status::ok_status();
}

namespace {

Status field_error(std::size_t index, std::string_view name, const Status& why) {
  return Status::invalid_argument("field " + std::to_string(index + 1) + " (" + std::string(name) +
                                  "): " + why.message());
}

template <typename Column>
const Column* find_column(const auto& columns, SacctField kind) {
  for (const Column& column : columns) {
    if (column.kind == kind) return &column;
  }
  return nullptr;
}

// Memory, durations, exit code, node list: the fields with their own value grammar.
Status convert_value(SacctField kind, std::string_view value, SacctRecord& record) {
  switch (kind) {
    case SacctField::kElapsed: {
      Result<SlurmDuration> elapsed = parse_slurm_duration(value);
      if (!elapsed.ok()) return elapsed.status();
      if (elapsed->has_seconds()) record.elapsed_s = elapsed->seconds;
      return Status::ok_status();
    }
    case SacctField::kTimelimit: {
      Result<SlurmDuration> limit = parse_slurm_duration(value);
      if (!limit.ok()) return limit.status();
      record.timelimit = *limit;
      return Status::ok_status();
    }
    case SacctField::kExitCode: {
      if (value.empty()) return Status::ok_status();
      Result<ExitCode> code = parse_exit_code(value);
      if (!code.ok()) return code.status();
      record.exit_code = *code;
      return Status::ok_status();
    }
    case SacctField::kReqMem: {
      if (value.empty()) return Status::ok_status();
      Result<ReqMem> mem = parse_req_mem(value);
      if (!mem.ok()) return mem.status();
      record.req_mem = *mem;
      return Status::ok_status();
    }
    default:
      return Status::ok_status();
  }
}

}  // namespace

Status SacctParser::convert(std::size_t index, std::string_view value, SacctRecord& record) const {
  const SacctField kind = kinds_[index];
  Status status;
  if (kind == SacctField::kJobId) {
    status = convert_job_id(value, record);
  } else if (kind == SacctField::kState) {
    record.state = parse_slurm_state(value);
  } else if (kind == SacctField::kNodeList) {
    record.node_list = std::string(value);
    Result<uint64_t> count = count_hostlist_nodes(value);
    status = count.status();
    if (count.ok()) record.node_count = *count;
  } else if (const auto* text = find_column<StringColumn>(kStringColumns, kind)) {
    record.*(text->member) = std::string(value);
  } else if (const auto* number = find_column<CountColumn>(kCountColumns, kind)) {
    Result<std::optional<uint32_t>> parsed = parse_count(value);
    status = parsed.status();
    if (parsed.ok()) record.*(number->member) = *parsed;
  } else if (const auto* time = find_column<TimeColumn>(kTimeColumns, kind)) {
    Result<std::optional<int64_t>> parsed = parse_slurm_time_us(value, zone_);
    status = parsed.status();
    if (parsed.ok()) record.*(time->member) = SacctTime{*parsed, std::string(value)};
  } else {
    status = convert_value(kind, value, record);
  }
  return status.ok() ? status : field_error(index, names_[index], status);
}

}  // namespace jobtrail::ingest::slurm
