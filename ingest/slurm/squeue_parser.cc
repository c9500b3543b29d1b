// SqueueParser: the format string compiled into columns, then one squeue line at a time.
//
// Approach:
//   1. create(): a format holding '%' is read as -o specs, else as a -O list; each spec or
//      name is looked up in one table (letter, -O name, column title, SqueueField). Unknown
//      letters and names are kept as kOther columns without a title. The literals decide the
//      split rule (see the header); two specs with nothing between them are refused.
//   2. parse_line(): refuse over-long lines and control bytes that are not part of the
//      format's own literals (so "\x1F" is fine when the format uses it, NUL never is), split
//      by the rule, repair a NAME holding the separator, detect the title row, then convert
//      each value through its field. Errors name the column by position and title.
#include "ingest/slurm/squeue_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <system_error>
#include <utility>

#include "events/limits.h"

namespace jobtrail::ingest::slurm {

const std::string_view kOodSqueueFormat =
    "Account:\x1F,JobID:\x1F,BatchHost:\x1F,MinCpus:\x1F,NumCPUs:\x1F,MinTmpDisk:\x1F,"
    "NumNodes:\x1F,EndTime:\x1F,Dependency:\x1F,Feature:\x1F,ArrayJobID:\x1F,GroupName:\x1F,"
    "GroupID:\x1F,OverSubscribe:\x1F,Sockets:\x1F,JobArrayID:\x1F,Cores:\x1F,Name:\x1F,"
    "Threads:\x1F,Comment:\x1F,ArrayTaskID:\x1F,TimeLimit:\x1F,TimeLeft:\x1F,MinMemory:\x1F,"
    "TimeUsed:\x1F,ReqNodes:\x1F,NodeList:\x1F,Command:\x1F,Contiguous:\x1F,QOS:\x1F,"
    "Partition:\x1F,PriorityLong:\x1F,Reason:\x1F,StartTime:\x1F,StateCompact:\x1F,State:\x1F,"
    "UserName:\x1F,UserID:\x1F,Reservation:\x1F,SubmitTime:\x1F,WCKey:\x1F,Licenses:\x1F,"
    "ExcNodes:\x1F,CoreSpec:\x1F,Nice:\x1F,SchedNodes:\x1F,SCT:\x1F,WorkDir:\x1F,"
    "tres-alloc:\x1F,tres-per-node:\x1F,";

namespace {

using F = SqueueField;

struct FieldSpec {
  char letter;  // -o letter; '\0' when only -O has it
  std::string_view long_name;
  std::string_view title;
  SqueueField field;
};

// squeue(1): the -o letters, their -O names and the titles squeue prints for them.
// clang-format off
constexpr std::array<FieldSpec, 51> kFieldSpecs = {{
    {'a', "account", "ACCOUNT", F::kAccount},       {'A', "jobid", "JOBID", F::kJobId},
    {'B', "batchhost", "EXEC_HOST", F::kOther},     {'c', "mincpus", "MIN_CPUS", F::kOther},
    {'C', "numcpus", "CPUS", F::kCpus},             {'d', "mintmpdisk", "MIN_TMP_DISK", F::kOther},
    {'D', "numnodes", "NODES", F::kNodes},          {'e', "endtime", "END_TIME", F::kEndTime},
    {'E', "dependency", "DEPENDENCY", F::kDependency}, {'f', "feature", "FEATURES", F::kOther},
    {'F', "arrayjobid", "ARRAY_JOB_ID", F::kArrayJobId},
    {'g', "groupname", "GROUP", F::kGroup},         {'G', "groupid", "GROUP", F::kGid},
    {'h', "oversubscribe", "OVER_SUBSCRIBE", F::kOther},
    {'H', "sockets", "SOCKETS_PER_NODE", F::kOther},
    {'i', "jobarrayid", "JOBID", F::kJobArrayId},   {'I', "cores", "CORES_PER_SOCKET", F::kOther},
    {'j', "name", "NAME", F::kName},                {'J', "threads", "THREADS_PER_CORE", F::kOther},
    {'k', "comment", "COMMENT", F::kOther},
    {'K', "arraytaskid", "ARRAY_TASK_ID", F::kArrayTaskId},
    {'l', "timelimit", "TIME_LIMIT", F::kTimeLimit}, {'L', "timeleft", "TIME_LEFT", F::kTimeLeft},
    {'m', "minmemory", "MIN_MEMORY", F::kMinMemory}, {'M', "timeused", "TIME", F::kTimeUsed},
    {'n', "reqnodes", "REQ_NODES", F::kOther},      {'N', "nodelist", "NODELIST", F::kNodeList},
    {'o', "command", "COMMAND", F::kOther},         {'O', "contiguous", "CONTIGUOUS", F::kOther},
    {'p', "priority", "PRIORITY", F::kPriority},    {'q', "qos", "QOS", F::kQos},
    {'P', "partition", "PARTITION", F::kPartition}, {'Q', "prioritylong", "PRIORITY", F::kPriority},
    {'r', "reason", "REASON", F::kReason},
    {'R', "reasonlist", "NODELIST(REASON)", F::kReasonList},
    {'S', "starttime", "START_TIME", F::kStartTime}, {'t', "statecompact", "ST", F::kStateCompact},
    {'T', "state", "STATE", F::kState},             {'u', "username", "USER", F::kUser},
    {'U', "userid", "UID", F::kUid},                {'v', "reservation", "RESERVATION", F::kOther},
    {'V', "submittime", "SUBMIT_TIME", F::kSubmitTime}, {'w', "wckey", "WCKEY", F::kOther},
    {'W', "licenses", "LICENSES", F::kOther},       {'x', "excnodes", "EXC_NODES", F::kOther},
    {'X', "corespec", "CORE_SPEC", F::kOther},      {'y', "nice", "NICE", F::kOther},
    {'Y', "schednodes", "SCHEDNODES", F::kOther},   {'z', "sct", "S:C:T", F::kOther},
    {'Z', "workdir", "WORK_DIR", F::kWorkDir},
    {'b', "tres-per-node", "TRES_PER_NODE", F::kOther},
}};
// clang-format on

constexpr std::string_view kTresAllocName = "tres-alloc";  // -O only
constexpr std::string_view kTresAllocTitle = "TRES_ALLOC";

struct StringColumn {
  SqueueField field;
  std::string SqueueRecord::*member;
};
constexpr std::array<StringColumn, 13> kStringColumns = {{
    {F::kJobId, &SqueueRecord::job_id_raw},
    {F::kJobArrayId, &SqueueRecord::job_id},
    {F::kArrayJobId, &SqueueRecord::array_job_id},
    {F::kArrayTaskId, &SqueueRecord::array_task_id},
    {F::kName, &SqueueRecord::name},
    {F::kStateCompact, &SqueueRecord::state_compact},
    {F::kUser, &SqueueRecord::user},
    {F::kAccount, &SqueueRecord::account},
    {F::kGroup, &SqueueRecord::group},
    {F::kPartition, &SqueueRecord::partition},
    {F::kQos, &SqueueRecord::qos},
    {F::kReason, &SqueueRecord::reason},
    {F::kWorkDir, &SqueueRecord::work_dir},
}};

struct CountColumn {
  SqueueField field;
  std::optional<uint32_t> SqueueRecord::*member;
};
constexpr std::array<CountColumn, 4> kCountColumns = {{
    {F::kUid, &SqueueRecord::uid},
    {F::kGid, &SqueueRecord::gid},
    {F::kNodes, &SqueueRecord::nodes},
    {F::kCpus, &SqueueRecord::cpus},
}};

struct TimeColumn {
  SqueueField field;
  SlurmTime SqueueRecord::*member;
};
constexpr std::array<TimeColumn, 3> kTimeColumns = {{
    {F::kSubmitTime, &SqueueRecord::submit},
    {F::kStartTime, &SqueueRecord::start},
    {F::kEndTime, &SqueueRecord::end},
}};

struct DurationColumn {
  SqueueField field;
  SlurmDuration SqueueRecord::*member;
};
constexpr std::array<DurationColumn, 3> kDurationColumns = {{
    {F::kTimeLimit, &SqueueRecord::time_limit},
    {F::kTimeUsed, &SqueueRecord::time_used},
    {F::kTimeLeft, &SqueueRecord::time_left},
}};

template <typename Column, std::size_t N>
const Column* find_column(const std::array<Column, N>& columns, SqueueField field) {
  for (const Column& column : columns) {
    if (column.field == field) return &column;
  }
  return nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_blank_char(char c) {
  return c == ' ' || c == '\t';
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_blank_char);
}

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && is_blank_char(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank_char(text.back())) text.remove_suffix(1);
  return text;
}

SqueueColumn column_for_letter(char letter) {
  for (const FieldSpec& spec : kFieldSpecs) {
    if (spec.letter == letter) return {spec.field, std::string(spec.title), "", false};
  }
  return {};
}

SqueueColumn column_for_name(std::string_view name) {
  for (const FieldSpec& spec : kFieldSpecs) {
    if (iequals(spec.long_name, name)) return {spec.field, std::string(spec.title), "", false};
  }
  if (iequals(name, kTresAllocName)) return {F::kOther, std::string(kTresAllocTitle), "", false};
  return {};
}

// Skips "[.][width]" after '%' or ':'; true when a width was given.
bool take_width(std::string_view* text) {
  if (!text->empty() && text->front() == '.') text->remove_prefix(1);
  std::size_t digits = 0;
  while (digits < text->size() && std::isdigit(static_cast<unsigned char>((*text)[digits]))) {
    ++digits;
  }
  text->remove_prefix(digits);
  return digits > 0;
}

struct CompiledFormat {
  std::string prefix;
  std::vector<SqueueColumn> columns;
};

// "-o" syntax: literal (spec literal)*.
Result<CompiledFormat> compile_percent_format(std::string_view format) {
  CompiledFormat out;
  std::string* literal = &out.prefix;
  while (!format.empty()) {
    const char c = format.front();
    format.remove_prefix(1);
    if (c != '%') {
      *literal += c;
      continue;
    }
    if (!format.empty() && format.front() == '%') {
      format.remove_prefix(1);
      *literal += '%';
      continue;
    }
    const bool padded = take_width(&format);
    if (format.empty()) return Status::invalid_argument("squeue format ends inside a '%' spec");
    out.columns.push_back(column_for_letter(format.front()));
    out.columns.back().padded = padded;
    format.remove_prefix(1);
    literal = &out.columns.back().suffix;
  }
  return out;
}

// "-O" syntax: name[:[.][width][suffix]] items separated by ','.
Result<CompiledFormat> compile_long_format(std::string_view format) {
  CompiledFormat out;
  while (!format.empty()) {
    const std::size_t comma = format.find(',');
    std::string_view item = format.substr(0, comma);
    format.remove_prefix(comma == std::string_view::npos ? format.size() : comma + 1);
    if (trim_blanks(item).empty()) continue;  // the trailing ',' Open OnDemand leaves
    const std::size_t colon = item.find(':');
    SqueueColumn column = column_for_name(trim_blanks(item.substr(0, colon)));
    column.padded = true;  // -O pads to a width unless a suffix is given
    if (colon != std::string_view::npos) {
      std::string_view rest = item.substr(colon + 1);
      const bool width = take_width(&rest);
      column.suffix = std::string(rest);
      column.padded = width || rest.empty();
    }
    out.columns.push_back(std::move(column));
  }
  return out;
}

}  // namespace

Result<SqueueParser> SqueueParser::create(std::string_view format, TimeZone zone) {
  const bool percent = format.find('%') != std::string_view::npos;
  Result<CompiledFormat> compiled =
      percent ? compile_percent_format(format) : compile_long_format(format);
  if (!compiled.ok()) return compiled.status();
  SqueueParser parser;
  parser.zone_ = std::move(zone);
  parser.prefix_ = std::move(compiled->prefix);
  parser.columns_ = std::move(compiled->columns);
  JT_RETURN_IF_ERROR(parser.finish_format(format));
  return parser;
}

// Checks the columns and picks the split rule.
Status SqueueParser::finish_format(std::string_view format) {
  const std::size_t n = columns_.size();
  if (n == 0 || n > squeue_columns_max) {
    return Status::invalid_argument("squeue format " + quote_value(format) + " has " +
                                    std::to_string(n) + " columns (1.." +
                                    std::to_string(squeue_columns_max) + " allowed)");
  }
  const auto has = [&](SqueueField field) {
    return std::any_of(columns_.begin(), columns_.end(),
                       [&](const SqueueColumn& c) { return c.field == field; });
  };
  if (!has(F::kJobId) && !has(F::kJobArrayId)) {
    return Status::invalid_argument("squeue format " + quote_value(format) +
                                    " has no job id (%i, %A, JobArrayID or JobID)");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (columns_[i].field == F::kName) name_column_ = i;
  }
  const std::string& first = columns_.front().suffix;
  const bool same = std::all_of(columns_.begin(), columns_.end() - 1,
                                [&](const SqueueColumn& c) { return c.suffix == first; });
  const std::string& last = columns_.back().suffix;
  // Blank separators, or -O items without a suffix (squeue pads those to their width).
  const bool all_blank = std::all_of(
      columns_.begin(), columns_.end() - 1,
      [](const SqueueColumn& c) { return is_blank(c.suffix) && (!c.suffix.empty() || c.padded); });
  if (n > 1 && same && !is_blank(first) && (last.empty() || last == first)) {
    split_ = Split::kDelimited;
    separator_ = first;
  } else if (n > 1 && all_blank && prefix_.empty() && last.empty()) {
    split_ = Split::kAligned;
  } else {
    split_ = Split::kSequential;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (columns_[i].suffix.empty()) {
        return Status::invalid_argument("squeue format " + quote_value(format) + ": column " +
                                        std::to_string(i + 1) +
                                        " has nothing between it and the next");
      }
    }
  }
  return Status::ok_status();
}

namespace {

std::vector<std::string_view> split_on(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + separator.size());
  }
}

std::vector<std::string_view> split_blank_runs(std::string_view text) {
  std::vector<std::string_view> parts;
  text = trim_blanks(text);
  while (!text.empty()) {
    std::size_t end = 0;
    while (end < text.size() && !is_blank_char(text[end])) ++end;
    parts.push_back(text.substr(0, end));
    text = trim_blanks(text.substr(end));
  }
  return parts;
}

}  // namespace

Result<std::vector<std::string_view>> SqueueParser::split_values(std::string_view line,
                                                                 bool* repaired) const {
  if (split_ == Split::kSequential) return split_sequential(line);
  std::vector<std::string_view> pieces;
  if (split_ == Split::kAligned) {
    pieces = split_blank_runs(line);
  } else {
    if (!prefix_.empty() && line.substr(0, prefix_.size()) == prefix_) {
      line.remove_prefix(prefix_.size());
    }
    const bool trailing = columns_.back().suffix == separator_;
    if (trailing && line.size() >= separator_.size() &&
        line.substr(line.size() - separator_.size()) == separator_) {
      line.remove_suffix(separator_.size());
    }
    pieces = split_on(line, separator_);
  }
  return anchor(std::move(pieces), line, repaired);
}

// Exactly one value per column; extra pieces are folded back into NAME.
Result<std::vector<std::string_view>> SqueueParser::anchor(std::vector<std::string_view> pieces,
                                                           std::string_view line,
                                                           bool* repaired) const {
  const std::size_t n = columns_.size();
  if (pieces.size() == n) return pieces;
  if (pieces.size() < n || !name_column_) {
    return Status::invalid_argument(
        "row has " + std::to_string(pieces.size()) + " fields; the format has " +
        std::to_string(n) +
        (pieces.size() > n ? " and no NAME column to hold the extra separators" : ""));
  }
  const std::size_t k = *name_column_;
  const std::size_t extra = pieces.size() - n;
  const char* name_begin = pieces[k].data();
  const char* name_end = pieces[k + extra].data() + pieces[k + extra].size();
  std::vector<std::string_view> values(pieces.begin(), pieces.begin() + static_cast<long>(k));
  values.push_back(line.substr(static_cast<std::size_t>(name_begin - line.data()),
                               static_cast<std::size_t>(name_end - name_begin)));
  values.insert(values.end(), pieces.begin() + static_cast<long>(k + extra + 1), pieces.end());
  *repaired = true;
  return values;
}

Result<std::vector<std::string_view>> SqueueParser::split_sequential(std::string_view line) const {
  if (line.substr(0, prefix_.size()) != prefix_) {
    return Status::invalid_argument("row does not start with the format's prefix " +
                                    quote_value(prefix_));
  }
  line.remove_prefix(prefix_.size());
  std::vector<std::string_view> values;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string& suffix = columns_[i].suffix;
    if (suffix.empty()) {  // only the last column: it takes the rest
      values.push_back(line);
      line = {};
      continue;
    }
    const std::size_t at = line.find(suffix);
    if (at == std::string_view::npos) {
      return Status::invalid_argument("column " + std::to_string(i + 1) + " (" + columns_[i].title +
                                      "): separator " + quote_value(suffix) + " not found");
    }
    values.push_back(line.substr(0, at));
    line.remove_prefix(at + suffix.size());
  }
  return values;
}

bool SqueueParser::is_header(const std::vector<std::string_view>& values) const {
  std::size_t titled = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].title.empty()) continue;
    if (!iequals(trim_blanks(values[i]), columns_[i].title)) return false;
    ++titled;
  }
  return titled > 0;
}

namespace {

bool is_squeue_no_value(std::string_view text) {
  return is_no_value(text) || text == "INVALID" || text == "NONE";
}

Result<std::optional<uint32_t>> parse_count(std::string_view text) {
  if (is_squeue_no_value(text)) return std::optional<uint32_t>();
  uint32_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::invalid_argument(quote_value(text) + " is not a whole number");
  }
  return std::optional<uint32_t>(value);
}

Status set_node_list(std::string_view value, SqueueRecord& record) {
  record.node_list = std::string(value);
  Result<uint64_t> count = count_hostlist_nodes(value);
  if (!count.ok()) return count.status();
  record.node_count = *count;
  return Status::ok_status();
}

// The fields with their own value grammar: durations, memory, node lists.
Status convert_special(SqueueField field, std::string_view value, SqueueRecord& record) {
  if (const auto* duration = find_column(kDurationColumns, field)) {
    Result<SlurmDuration> parsed = parse_slurm_duration(value);
    if (parsed.ok()) record.*(duration->member) = *parsed;
    return parsed.status();
  }
  switch (field) {
    case F::kState:
      record.state = parse_slurm_state(value);
      return Status::ok_status();
    case F::kPriority:
      record.priority = std::string(value);
      return Status::ok_status();
    case F::kMinMemory: {
      if (is_squeue_no_value(value)) return Status::ok_status();
      Result<ReqMem> mem = parse_req_mem(value);
      if (mem.ok()) record.min_memory = *mem;
      return mem.status();
    }
    case F::kNodeList:
      return set_node_list(value, record);
    case F::kDependency: {
      Result<DependencySpec> spec = parse_slurm_dependency(value);
      if (spec.ok()) record.dependency = std::move(spec).value();
      return spec.status();
    }
    case F::kReasonList:  // "(Resources)" for a waiting job, its nodes for a running one
      if (value.size() >= 2 && value.front() == '(' && value.back() == ')') {
        record.reason = std::string(value.substr(1, value.size() - 2));
        return Status::ok_status();
      }
      return set_node_list(value, record);
    default:
      return Status::ok_status();
  }
}

}  // namespace

Status SqueueParser::convert(std::size_t index, std::string_view value,
                             SqueueRecord& record) const {
  const SqueueField field = columns_[index].field;
  Status status;
  if (const auto* text = find_column(kStringColumns, field)) {
    record.*(text->member) = std::string(value);
  } else if (const auto* count = find_column(kCountColumns, field)) {
    Result<std::optional<uint32_t>> parsed = parse_count(value);
    status = parsed.status();
    if (parsed.ok()) record.*(count->member) = *parsed;
  } else if (const auto* time = find_column(kTimeColumns, field)) {
    Result<std::optional<int64_t>> parsed =
        parse_slurm_time_us(is_squeue_no_value(value) ? std::string_view() : value, zone_);
    status = parsed.status();
    if (parsed.ok()) record.*(time->member) = SlurmTime{*parsed, std::string(value)};
  } else {
    status = convert_special(field, value, record);
  }
  if (status.ok()) return status;
  return Status::invalid_argument("column " + std::to_string(index + 1) + " (" +
                                  columns_[index].title + "): " + status.message());
}

namespace {

// The line without its '\r', or why it cannot be parsed at all.
Result<std::string_view> checked_line(std::string_view line, std::string_view allowed_controls) {
  if (line.size() > limits::line_bytes_max) {
    return Status::limit_exceeded("line of " + std::to_string(line.size()) +
                                  " bytes is longer than the limit of " +
                                  std::to_string(limits::line_bytes_max));
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool control = (c < 0x20 && c != '\t') || c == 0x7f;
    if (control && allowed_controls.find(line[i]) == std::string_view::npos) {
      return Status::invalid_argument("control byte " + quote_value(line.substr(i, 1)) +
                                      " at byte " + std::to_string(i) +
                                      " (not part of the squeue format)");
    }
  }
  return line;
}

}  // namespace

Result<SqueueLine> SqueueParser::parse_line(std::string_view raw_line) const {
  std::string literals = prefix_;
  for (const SqueueColumn& column : columns_) literals += column.suffix;
  Result<std::string_view> line = checked_line(raw_line, literals);
  if (!line.ok()) return line.status();
  if (is_blank(*line)) return SqueueLine(SqueueBlankLine{});
  SqueueRecord record;
  Result<std::vector<std::string_view>> values = split_values(*line, &record.name_repaired);
  if (!values.ok()) return values.status();
  if (is_header(*values)) return SqueueLine(SqueueHeaderLine{});
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string_view value = columns_[i].padded ? trim_blanks((*values)[i]) : (*values)[i];
    record.fields.emplace_back(value);
    JT_RETURN_IF_ERROR(convert(i, value, record));
  }
  const bool has_long_state = std::any_of(
      columns_.begin(), columns_.end(), [](const SqueueColumn& c) { return c.field == F::kState; });
  if (!has_long_state) record.state = parse_slurm_state(record.state_compact);
  if (record.job_id.empty()) record.job_id = record.job_id_raw;
  Result<JobKey> key = JobKey::parse(record.job_id);
  if (!key.ok()) {
    return Status::invalid_argument("job id " + quote_value(record.job_id) +
                                    " is not a job key: " + key.status().message());
  }
  record.job_key = std::move(*key);
  return SqueueLine(std::move(record));
}

}  // namespace jobtrail::ingest::slurm
