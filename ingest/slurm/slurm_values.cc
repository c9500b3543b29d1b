// SLURM value parsers (grammar in slurm_values.h).
//
// Approach: every parser walks a string_view with small take_* helpers (no allocation on the
// success path except the state's raw text and hostlist expansion), checks each component
// against a named bound, and reports failure as Status::invalid_argument quoting the text.
#include "ingest/slurm/slurm_values.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <system_error>
#include <utility>

#include "events/limits.h"
#include "events/time_format.h"
#include "ingest/input_quote.h"

namespace jobtrail::ingest::slurm {

namespace {

constexpr int64_t kSecondsPerMinute = 60;
constexpr int64_t kSecondsPerHour = 3600;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kUsPerSecond = 1'000'000;
constexpr uint64_t kDurationDaysMax = 1'000'000;        // ~2700 years; SLURM's INFINITE is a word
constexpr uint64_t kDurationHoursMax = 24 * 1'000'000;  // "hh:mm:ss" without days
constexpr std::size_t kReqMemFractionDigitsMax = 3;     // SLURM prints "%.2f"
constexpr uint32_t kExitStatusMax = 255;
constexpr uint32_t kSignalMax = 255;
constexpr std::size_t kNumberDigitsMax = 18;  // fits int64 without overflow checks
constexpr std::size_t kTimeTextBytes = 19;    // "YYYY-MM-DDTHH:MM:SS"

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (std::toupper(x) != std::toupper(y)) return false;
  }
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Takes 1..kNumberDigitsMax digits from the front of *text.
bool take_number(std::string_view* text, uint64_t* out) {
  std::size_t n = 0;
  while (n < text->size() && is_digit((*text)[n])) ++n;
  if (n == 0 || n > kNumberDigitsMax) return false;
  std::from_chars(text->data(), text->data() + n, *out);
  text->remove_prefix(n);
  return true;
}

bool take_char(std::string_view* text, char c) {
  if (text->empty() || text->front() != c) return false;
  text->remove_prefix(1);
  return true;
}

Status bad(std::string_view text, std::string_view what) {
  return Status::invalid_argument(quote_value(text) + " is not " + std::string(what));
}

}  // namespace

std::string quote_value(std::string_view text) {
  return quote_input(text);
}

bool is_no_value(std::string_view text) {
  return text.empty() || text == "Unknown" || text == "None" || text == "N/A" || text == "(null)";
}

// ---- times ----

namespace {

bool take_fixed_digits(std::string_view* text, std::size_t width, int64_t* out) {
  if (text->size() < width) return false;
  int64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    if (!is_digit((*text)[i])) return false;
    value = value * 10 + ((*text)[i] - '0');
  }
  text->remove_prefix(width);
  *out = value;
  return true;
}

bool is_leap_year(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int64_t days_in_month(int64_t year, int64_t month) {
  static constexpr std::array<int64_t, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// "YYYY-MM-DDTHH:MM:SS" -> seconds since 1970-01-01T00:00:00 on the same wall clock.
std::optional<int64_t> parse_wall_clock_s(std::string_view text) {
  if (text.size() != kTimeTextBytes) return std::nullopt;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool shaped = take_fixed_digits(&text, 4, &year) && take_char(&text, '-') &&
                      take_fixed_digits(&text, 2, &month) && take_char(&text, '-') &&
                      take_fixed_digits(&text, 2, &day) && take_char(&text, 'T') &&
                      take_fixed_digits(&text, 2, &hour) && take_char(&text, ':') &&
                      take_fixed_digits(&text, 2, &minute) && take_char(&text, ':') &&
                      take_fixed_digits(&text, 2, &second);
  if (!shaped || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kSecondsPerDay + hour * kSecondsPerHour + minute * kSecondsPerMinute + second;
}

}  // namespace

Result<std::optional<int64_t>> parse_slurm_time_us(std::string_view text, const TimeZone& zone) {
  if (is_no_value(text)) return std::optional<int64_t>();
  const std::optional<int64_t> wall_s = parse_wall_clock_s(text);
  if (!wall_s) return bad(text, "a time (YYYY-MM-DDTHH:MM:SS)");
  Result<int64_t> epoch_s = zone.local_to_epoch_s(*wall_s);
  if (!epoch_s.ok()) {
    return Status::invalid_argument("time " + quote_value(text) + " " + epoch_s.status().message());
  }
  return std::optional<int64_t>(*epoch_s * kUsPerSecond);
}

// ---- durations ----

namespace {

// Splits "a:b:c" into at most three numbers; false on anything else.
bool take_clock_parts(std::string_view text, std::array<uint64_t, 3>* parts, std::size_t* n) {
  *n = 0;
  while (true) {
    if (*n == parts->size() || !take_number(&text, &(*parts)[*n])) return false;
    ++*n;
    if (text.empty()) return true;
    if (!take_char(&text, ':')) return false;
  }
}

// Seconds of "hh:mm:ss", "mm:ss" (no days) or "hh", "hh:mm", "hh:mm:ss" (after "days-").
std::optional<int64_t> clock_seconds(std::string_view clock, bool after_days) {
  std::array<uint64_t, 3> parts{};
  std::size_t n = 0;
  if (!take_clock_parts(clock, &parts, &n)) return std::nullopt;
  uint64_t hours = 0, minutes = 0, seconds = 0;
  if (after_days) {
    hours = parts[0];
    minutes = n > 1 ? parts[1] : 0;
    seconds = n > 2 ? parts[2] : 0;
  } else if (n == 3) {
    hours = parts[0], minutes = parts[1], seconds = parts[2];
  } else if (n == 2) {
    minutes = parts[0], seconds = parts[1];
  } else {
    return std::nullopt;
  }
  const uint64_t hours_max = after_days ? 23 : kDurationHoursMax;
  if (hours > hours_max || minutes > 59 || seconds > 59) return std::nullopt;
  return static_cast<int64_t>(hours) * kSecondsPerHour +
         static_cast<int64_t>(minutes) * kSecondsPerMinute + static_cast<int64_t>(seconds);
}

}  // namespace

Result<SlurmDuration> parse_slurm_duration(std::string_view text) {
  if (text == "UNLIMITED" || text == "INFINITE")
    return SlurmDuration{SlurmDuration::Kind::kUnlimited, 0};
  if (text == "Partition_Limit") return SlurmDuration{SlurmDuration::Kind::kPartitionLimit, 0};
  if (is_no_value(text) || text == "INVALID" || text == "NOT_SET") return SlurmDuration{};
  std::string_view rest = text;
  const std::size_t dot = rest.find('.');
  if (dot != std::string_view::npos) {  // "00:00:01.234": the fraction must be digits
    const std::string_view fraction = rest.substr(dot + 1);
    if (fraction.empty() || !std::all_of(fraction.begin(), fraction.end(), is_digit)) {
      return bad(text, "a duration");
    }
    rest = rest.substr(0, dot);
  }
  uint64_t days = 0;
  const std::size_t dash = rest.find('-');
  const bool has_days = dash != std::string_view::npos;
  if (has_days) {
    std::string_view day_text = rest.substr(0, dash);
    if (!take_number(&day_text, &days) || !day_text.empty() || days > kDurationDaysMax) {
      return bad(text, "a duration ([D-]HH:MM:SS)");
    }
    rest.remove_prefix(dash + 1);
  }
  const std::optional<int64_t> clock_s = clock_seconds(rest, has_days);
  if (!clock_s) return bad(text, "a duration ([D-]HH:MM:SS)");
  return SlurmDuration{SlurmDuration::Kind::kSeconds,
                       static_cast<int64_t>(days) * kSecondsPerDay + *clock_s};
}

// ---- memory ----

namespace {

std::optional<uint64_t> unit_bytes(char unit) {
  switch (unit) {
    case 'K':
      return uint64_t{1} << 10;
    case 'M':
      return uint64_t{1} << 20;
    case 'G':
      return uint64_t{1} << 30;
    case 'T':
      return uint64_t{1} << 40;
    case 'P':
      return uint64_t{1} << 50;
    default:
      return std::nullopt;
  }
}

// The ".NN" after the whole part, as a numerator over 10^digits.
bool take_fraction(std::string_view* text, uint64_t* numerator, uint64_t* denominator) {
  *numerator = 0;
  *denominator = 1;
  if (!take_char(text, '.')) return true;
  std::size_t digits = 0;
  while (!text->empty() && is_digit(text->front())) {
    if (++digits > kReqMemFractionDigitsMax) return false;
    *numerator = *numerator * 10 + static_cast<uint64_t>(text->front() - '0');
    *denominator *= 10;
    text->remove_prefix(1);
  }
  return digits > 0;
}

}  // namespace

Result<ReqMem> parse_req_mem(std::string_view text) {
  std::string_view rest = text;
  uint64_t whole = 0, numerator = 0, denominator = 1;
  if (!take_number(&rest, &whole) || !take_fraction(&rest, &numerator, &denominator)) {
    return bad(text, "a memory size (like 4000Mc or 2.50Gn)");
  }
  uint64_t multiplier = uint64_t{1} << 20;  // SLURM's default unit is MiB
  if (!rest.empty() && unit_bytes(rest.front())) {
    multiplier = *unit_bytes(rest.front());
    rest.remove_prefix(1);
  }
  ReqMem mem;
  if (take_char(&rest, 'n')) {
    mem.per = ReqMem::Per::kNode;
  } else if (take_char(&rest, 'c')) {
    mem.per = ReqMem::Per::kCpu;
  }
  if (!rest.empty()) return bad(text, "a memory size (like 4000Mc or 2.50Gn)");
  const bool mib = multiplier == uint64_t{1} << 20;
  if (mib && numerator == 0 && whole >= req_mem_per_cpu_flag_mib && mem.per != ReqMem::Per::kCpu) {
    whole -= req_mem_per_cpu_flag_mib;
    mem.per = ReqMem::Per::kCpu;
    mem.per_cpu_flag_decoded = true;
  }
  if (whole > UINT64_MAX / multiplier - 1) {
    return Status::invalid_argument("memory size " + quote_value(text) + " is out of range");
  }
  mem.bytes = whole * multiplier + numerator * multiplier / denominator;
  return mem;
}

// ---- exit codes ----

Result<ExitCode> parse_exit_code(std::string_view text) {
  std::string_view rest = text;
  uint64_t status = 0, signal = 0;
  if (!take_number(&rest, &status) || !take_char(&rest, ':') || !take_number(&rest, &signal) ||
      !rest.empty() || status > kExitStatusMax || signal > kSignalMax) {
    return bad(text, "an exit code (status:signal, like 0:15)");
  }
  return ExitCode{static_cast<uint32_t>(status), static_cast<uint32_t>(signal)};
}

// ---- states ----

namespace {

struct StateWord {
  std::string_view word;
  fb::JobState state;
};

// Long names (sacct, squeue %T) and squeue's compact codes (%t). CONFIGURING and SIGNALING
// are flags on a running job, STAGE_OUT follows the run, RESV_DEL_HOLD is a held pending job.
// clang-format off
constexpr std::array<StateWord, 48> kStateWords = {{
    {"PENDING", fb::JobState::PENDING},            {"PD", fb::JobState::PENDING},
    {"RUNNING", fb::JobState::RUNNING},            {"R", fb::JobState::RUNNING},
    {"SUSPENDED", fb::JobState::SUSPENDED},        {"S", fb::JobState::SUSPENDED},
    {"COMPLETING", fb::JobState::COMPLETING},      {"CG", fb::JobState::COMPLETING},
    {"COMPLETED", fb::JobState::COMPLETED},        {"CD", fb::JobState::COMPLETED},
    {"FAILED", fb::JobState::FAILED},              {"F", fb::JobState::FAILED},
    {"CANCELLED", fb::JobState::CANCELLED},        {"CA", fb::JobState::CANCELLED},
    {"TIMEOUT", fb::JobState::TIMEOUT},            {"TO", fb::JobState::TIMEOUT},
    {"NODE_FAIL", fb::JobState::NODE_FAIL},        {"NF", fb::JobState::NODE_FAIL},
    {"PREEMPTED", fb::JobState::PREEMPTED},        {"PR", fb::JobState::PREEMPTED},
    {"OUT_OF_MEMORY", fb::JobState::OUT_OF_MEMORY}, {"OOM", fb::JobState::OUT_OF_MEMORY},
    {"BOOT_FAIL", fb::JobState::BOOT_FAIL},        {"BF", fb::JobState::BOOT_FAIL},
    {"DEADLINE", fb::JobState::DEADLINE},          {"DL", fb::JobState::DEADLINE},
    {"REQUEUED", fb::JobState::REQUEUED},          {"RQ", fb::JobState::REQUEUED},
    {"REQUEUE_FED", fb::JobState::REQUEUED},       {"RF", fb::JobState::REQUEUED},
    {"REQUEUE_HOLD", fb::JobState::REQUEUE_HOLD},  {"RH", fb::JobState::REQUEUE_HOLD},
    {"RESIZING", fb::JobState::RESIZING},          {"RS", fb::JobState::RESIZING},
    {"REVOKED", fb::JobState::REVOKED},            {"RV", fb::JobState::REVOKED},
    {"SPECIAL_EXIT", fb::JobState::SPECIAL_EXIT},  {"SE", fb::JobState::SPECIAL_EXIT},
    {"STOPPED", fb::JobState::STOPPED},            {"ST", fb::JobState::STOPPED},
    {"CONFIGURING", fb::JobState::RUNNING},        {"CF", fb::JobState::RUNNING},
    {"SIGNALING", fb::JobState::RUNNING},          {"SI", fb::JobState::RUNNING},
    {"STAGE_OUT", fb::JobState::COMPLETING},       {"SO", fb::JobState::COMPLETING},
    {"RESV_DEL_HOLD", fb::JobState::PENDING},      {"RD", fb::JobState::PENDING},
}};
// clang-format on

constexpr std::string_view kByMarker = " by ";

}  // namespace

SlurmState parse_slurm_state(std::string_view text) {
  SlurmState out;
  out.raw = std::string(text);
  std::string_view word = text;
  if (!word.empty() && word.back() == '+') word.remove_suffix(1);  // truncated column
  const std::size_t by = word.find(kByMarker);
  if (by != std::string_view::npos) {
    std::string_view uid_text = word.substr(by + kByMarker.size());
    uint64_t uid = 0;
    if (take_number(&uid_text, &uid) && uid_text.empty() && uid <= UINT32_MAX) {
      out.by_uid = static_cast<uint32_t>(uid);
    }
    word = word.substr(0, by);
  }
  for (const StateWord& entry : kStateWords) {
    if (iequals(entry.word, word)) {
      out.state = entry.state;
      break;
    }
  }
  return out;
}

// ---- hostlists ----

namespace {

// One "lo[-hi]" inside brackets; `width` is the digit count of lo (zero padding).
struct NodeRange {
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::size_t width = 0;
};

// One hostlist item: literal pieces around bracket groups. pieces.size() == groups.size() + 1.
struct HostPattern {
  std::vector<std::string_view> pieces;
  std::vector<std::vector<NodeRange>> groups;
};

// The items of a hostlist: split at commas outside brackets.
Result<std::vector<std::string_view>> split_hostlist(std::string_view text) {
  std::vector<std::string_view> items;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0 || depth > 1) return bad(text, "a hostlist (unbalanced brackets)");
    if (c == ',' && depth == 0) {
      if (i == start) return bad(text, "a hostlist (empty host name)");
      items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return bad(text, "a hostlist (unbalanced brackets)");
  return items;
}

bool parse_range(std::string_view text, NodeRange* range) {
  range->width = text.find('-');
  if (range->width == std::string_view::npos) range->width = text.size();
  if (!take_number(&text, &range->lo)) return false;
  range->hi = range->lo;
  if (take_char(&text, '-') && !take_number(&text, &range->hi)) return false;
  return text.empty() && range->lo <= range->hi;
}

// "006-010,130" -> two ranges.
bool parse_group(std::string_view text, std::vector<NodeRange>* group) {
  while (true) {
    const std::size_t comma = text.find(',');
    NodeRange range;
    if (!parse_range(text.substr(0, comma), &range)) return false;
    group->push_back(range);
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

Result<HostPattern> parse_host_pattern(std::string_view item) {
  HostPattern pattern;
  std::string_view rest = item;
  while (true) {
    const std::size_t open = rest.find('[');
    pattern.pieces.push_back(rest.substr(0, open));
    if (open == std::string_view::npos) return pattern;
    const std::size_t close = rest.find(']', open);
    pattern.groups.emplace_back();
    if (close == std::string_view::npos ||
        !parse_group(rest.substr(open + 1, close - open - 1), &pattern.groups.back())) {
      return bad(item, "a host range (like node[01-04,9])");
    }
    rest.remove_prefix(close + 1);
  }
}

Status too_many_nodes() {
  return Status::limit_exceeded("hostlist names more than " +
                                std::to_string(hostlist_count_nodes_max) + " nodes");
}

Result<uint64_t> count_pattern(const HostPattern& pattern) {
  uint64_t count = 1;
  for (const std::vector<NodeRange>& group : pattern.groups) {
    uint64_t in_group = 0;
    for (const NodeRange& range : group) {
      in_group += range.hi - range.lo + 1;  // each term < 10^18: no overflow before the check
      if (in_group > hostlist_count_nodes_max) return too_many_nodes();
    }
    if (count > hostlist_count_nodes_max / in_group) return too_many_nodes();
    count *= in_group;
  }
  return count;
}

bool is_empty_hostlist(std::string_view text) {
  return is_no_value(text) || text == "None assigned";
}

std::string padded(uint64_t value, std::size_t width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

// Appends every name of `pattern` from group `g` on, each prefixed by `head`.
void expand_pattern(const HostPattern& pattern, std::size_t g, const std::string& head,
                    std::vector<std::string>* out) {
  const std::string with_piece = head + std::string(pattern.pieces[g]);
  if (g == pattern.groups.size()) {
    out->push_back(with_piece);
    return;
  }
  for (const NodeRange& range : pattern.groups[g]) {
    for (uint64_t n = range.lo; n <= range.hi; ++n) {
      expand_pattern(pattern, g + 1, with_piece + padded(n, range.width), out);
    }
  }
}

}  // namespace

uint32_t tres_count(std::string_view tres, std::string_view name) {
  uint64_t untyped = 0, typed = 0;
  bool untyped_seen = false;
  size_t begin = 0;
  for (size_t i = 0; i < limits::line_bytes_max && begin <= tres.size(); ++i) {
    size_t end = tres.find(',', begin);
    if (end == std::string_view::npos) end = tres.size();
    std::string_view entry = tres.substr(begin, end - begin);
    begin = end + 1;
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || !entry.starts_with(name)) continue;
    std::string_view key = entry.substr(0, eq), value = entry.substr(eq + 1);
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size()) continue;
    if (key == name) {
      untyped += n;
      untyped_seen = true;
    } else if (key.size() > name.size() && key[name.size()] == ':') {
      typed += n;
    }
  }
  const uint64_t count = untyped_seen ? untyped : typed;
  return static_cast<uint32_t>(std::min<uint64_t>(count, UINT32_MAX));
}

Result<uint64_t> count_hostlist_nodes(std::string_view hostlist) {
  if (is_empty_hostlist(hostlist)) return uint64_t{0};
  Result<std::vector<std::string_view>> items = split_hostlist(hostlist);
  if (!items.ok()) return items.status();
  uint64_t total = 0;
  for (std::string_view item : *items) {
    Result<HostPattern> pattern = parse_host_pattern(item);
    if (!pattern.ok()) return pattern.status();
    Result<uint64_t> count = count_pattern(*pattern);
    if (!count.ok()) return count.status();
    total += *count;
    if (total > hostlist_count_nodes_max) return too_many_nodes();
  }
  return total;
}

Result<std::vector<std::string>> expand_hostlist(std::string_view hostlist, std::size_t nodes_max) {
  Result<uint64_t> count = count_hostlist_nodes(hostlist);
  if (!count.ok()) return count.status();
  if (*count > nodes_max) {
    return Status::limit_exceeded("hostlist " + quote_value(hostlist) + " names " +
                                  std::to_string(*count) + " nodes, more than " +
                                  std::to_string(nodes_max));
  }
  std::vector<std::string> names;
  if (*count == 0) return names;
  names.reserve(static_cast<std::size_t>(*count));
  const Result<std::vector<std::string_view>> items = split_hostlist(hostlist);  // ok: counted
  for (std::string_view item : *items) {
    const Result<HostPattern> pattern = parse_host_pattern(item);
    expand_pattern(*pattern, 0, std::string(), &names);
  }
  return names;
}

}  // namespace jobtrail::ingest::slurm
