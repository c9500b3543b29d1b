// PBS accounting parser (grammar in pbs_parser.h).
//
// Approach: the line is cut at its first three ';' into time, type, id and body; the body is
// split into attributes by a scan that honours quotes and ends an unquoted value at the next
// " name="; then the attributes the record's users need are converted one by one, each through
// a small value parser that checks its text against named bounds. Failures are
// Status::invalid_argument quoting the text (ingest/input_quote.h).
#include "ingest/pbs/pbs_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <unordered_map>

#include "events/time_format.h"
#include "ingest/input_quote.h"

namespace jobtrail::ingest::pbs {

namespace {

constexpr std::size_t kTimeTextBytes = 19;     // "MM/DD/YYYY HH:MM:SS"
constexpr std::size_t kNumberDigitsMax = 18;   // fits int64 without overflow checks
constexpr std::size_t kFractionDigitsMax = 9;  // "12.27M"
constexpr int64_t kUsPerSecond = 1'000'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c) || c == '.';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

Status bad(std::string_view text, std::string_view what) {
  return Status::invalid_argument(quote_input(text) + " is not " + std::string(what));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// A whole-text unsigned decimal of at most kNumberDigitsMax digits.
std::optional<uint64_t> whole_number(std::string_view text) {
  if (text.empty() || text.size() > kNumberDigitsMax) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !is_digit(text.front())) {
    return std::nullopt;
  }
  return value;
}

Result<uint32_t> count(std::string_view text) {
  auto value = whole_number(text);
  if (!value || *value > UINT32_MAX) return bad(text, "a count");
  return static_cast<uint32_t>(*value);
}

Result<int64_t> epoch_seconds(std::string_view text) {
  auto value = whole_number(text);
  if (!value) return bad(text, "epoch seconds");
  return static_cast<int64_t>(*value);
}

Result<int32_t> exit_status(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  auto value = whole_number(negative ? text.substr(1) : text);
  if (!value || *value > INT32_MAX) return bad(text, "an exit status");
  return negative ? -static_cast<int32_t>(*value) : static_cast<int32_t>(*value);
}

// Is there an attribute name followed by '=' at `pos`? Returns the '=' position.
std::optional<std::size_t> name_at(std::string_view body, std::size_t pos) {
  if (pos >= body.size() || !is_name_start(body[pos])) return std::nullopt;
  std::size_t end = pos;
  while (end < body.size() && is_name_char(body[end])) ++end;
  if (end < body.size() && body[end] == '=') return end;
  return std::nullopt;
}

// One attribute starting at *pos (a name is there); *pos moves past it and its spaces.
Result<Attribute> take_attribute(std::string_view body, std::size_t* pos, std::size_t equals) {
  Attribute a;
  a.name = std::string(body.substr(*pos, equals - *pos));
  std::size_t i = equals + 1;
  if (i < body.size() && (body[i] == '"' || body[i] == '\'')) {
    const std::size_t close = body.find(body[i], i + 1);
    if (close == std::string_view::npos) {
      return Status::invalid_argument(a.name + ": unterminated quote in " +
                                      quote_input(body.substr(i)));
    }
    a.value = std::string(body.substr(i + 1, close - i - 1));
    i = close + 1;
    if (i < body.size() && !is_space(body[i])) {
      return Status::invalid_argument(
          a.name + ": text after the closing quote: " + quote_input(body.substr(i)));
    }
  } else {
    // Up to the next " name=" (an unquoted value may hold spaces), trailing spaces dropped.
    std::size_t end = i;
    while (end < body.size()) {
      if (is_space(body[end])) {
        std::size_t next = end;
        while (next < body.size() && is_space(body[next])) ++next;
        if (next == body.size() || name_at(body, next)) break;
        end = next;
      } else {
        ++end;
      }
    }
    a.value = std::string(body.substr(i, end - i));
    i = end;
  }
  while (i < body.size() && is_space(body[i])) ++i;
  *pos = i;
  return a;
}

Status split_attributes(std::string_view body, PbsRecord* r) {
  std::size_t pos = 0;
  while (pos < body.size() && is_space(body[pos])) ++pos;
  if (pos == body.size()) return Status();
  if (!name_at(body, pos)) {  // free text (L lines, PBS Pro's A messages)
    r->text = std::string(trim(body));
    return Status();
  }
  while (pos < body.size()) {
    const std::optional<std::size_t> equals = name_at(body, pos);
    if (!equals) return bad(body.substr(pos), "an attribute (name=value)");
    if (r->attributes.size() == record_attributes_max) {
      return Status::limit_exceeded("more than " + std::to_string(record_attributes_max) +
                                    " attributes");
    }
    auto attribute = take_attribute(body, &pos, *equals);
    if (!attribute.ok()) return attribute.status();
    r->attributes.push_back(std::move(attribute).value());
  }
  return Status();
}

// "12/21/2024 17:58:09" -> seconds since 1970-01-01T00:00 on the same wall clock.
std::optional<int64_t> wall_clock_s(std::string_view t) {
  if (t.size() != kTimeTextBytes) return std::nullopt;
  static constexpr std::string_view kShape = "00/00/0000 00:00:00";
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (kShape[i] == '0' ? !is_digit(t[i]) : t[i] != kShape[i]) return std::nullopt;
  }
  const auto num = [&](std::size_t at, std::size_t n) {
    int64_t v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const int64_t month = num(0, 2), day = num(3, 2), year = num(6, 4);
  const int64_t hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  static constexpr int64_t kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace

// ---- value parsers ----

Result<int64_t> parse_pbs_time_us(std::string_view text, const TimeZone& zone) {
  const std::optional<int64_t> wall = wall_clock_s(text);
  if (!wall) return bad(text, "a time (MM/DD/YYYY hh:mm:ss)");
  Result<int64_t> epoch = zone.local_to_epoch_s(*wall);
  if (!epoch.ok()) {
    return Status::invalid_argument("time " + quote_input(text) + " " + epoch.status().message());
  }
  return *epoch * kUsPerSecond;
}

Result<uint64_t> parse_pbs_size_bytes(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  const auto whole = whole_number(text.substr(0, i));
  if (!whole) return bad(text, "a size (number and unit: 15240kb, 12.27M)");
  uint64_t fraction = 0, scale = 1;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start || i - start > kFractionDigitsMax) return bad(text, "a size");
    for (std::size_t k = start; k < i; ++k) {
      fraction = fraction * 10 + static_cast<uint64_t>(text[k] - '0');
      scale *= 10;
    }
  }
  std::string unit(text.substr(i));
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool words = !unit.empty() && unit.back() == 'w';
  if (words || (!unit.empty() && unit.back() == 'b')) unit.pop_back();
  static constexpr std::string_view kPrefixes = "kmgtp";
  if (unit.size() > 1 || (unit.size() == 1 && kPrefixes.find(unit[0]) == std::string::npos)) {
    return bad(text, "a size (units b, kb, mb, gb, tb, pb, w; or k, m, g, t, p)");
  }
  unsigned __int128 multiplier = words ? 8 : 1;
  if (!unit.empty()) multiplier <<= 10 * (kPrefixes.find(unit[0]) + 1);
  const unsigned __int128 bytes =
      (static_cast<unsigned __int128>(*whole) * scale + fraction) * multiplier / scale;
  if (bytes > UINT64_MAX) return Status::invalid_argument(quote_input(text) + " is too large");
  return static_cast<uint64_t>(bytes);
}

Result<int64_t> parse_pbs_duration_s(std::string_view text) {
  std::string_view clock = text.substr(0, text.find('.'));  // a fraction is dropped
  if (clock.size() != text.size() && !whole_number(text.substr(clock.size() + 1))) {
    return bad(text, "a duration ([[hh:]mm:]ss)");
  }
  int64_t total = 0;
  std::size_t parts = 0;
  while (true) {
    const std::size_t colon = clock.find(':');
    const auto value = whole_number(clock.substr(0, colon));
    if (!value || ++parts > 3 || *value > 1'000'000'000)
      return bad(text, "a duration ([[hh:]mm:]ss)");
    total = total * 60 + static_cast<int64_t>(*value);
    if (colon == std::string_view::npos) break;
    clock.remove_prefix(colon + 1);
  }
  return total;
}

namespace {

// "0", "0*13", "0-3", "0,2,4-5" -> CPUs.
Result<uint32_t> slot_cpus(std::string_view spec) {
  uint64_t total = 0;
  while (true) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    const std::size_t star = item.find('*'), dash = item.find('-');
    if (star != std::string_view::npos) {
      auto n = whole_number(item.substr(star + 1));
      if (!whole_number(item.substr(0, star)) || !n) return bad(item, "a CPU slot (n*count)");
      total += *n;
    } else if (dash != std::string_view::npos) {
      auto a = whole_number(item.substr(0, dash)), b = whole_number(item.substr(dash + 1));
      if (!a || !b || *b < *a) return bad(item, "a CPU range (n-m)");
      total += *b - *a + 1;
    } else if (whole_number(item)) {
      total += 1;
    } else {
      return bad(item, "a CPU slot");
    }
    if (total > UINT32_MAX) return bad(spec, "a CPU count that fits 32 bits");
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return static_cast<uint32_t>(total);
}

// Splits at '+' outside parentheses.
Result<std::vector<std::string_view>> split_plus(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '+';
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return bad(text, "balanced (parentheses)");
    if (c != '+' || depth != 0) continue;
    if (parts.size() == exec_slots_max) {
      return Status::limit_exceeded("more than " + std::to_string(exec_slots_max) + " slots");
    }
    parts.push_back(text.substr(start, i - start));
    start = i + 1;
  }
  if (depth != 0) return bad(text, "balanced (parentheses)");
  return parts;
}

}  // namespace

Result<std::vector<HostShare>> parse_exec_host(std::string_view text) {
  auto slots = split_plus(text);
  if (!slots.ok()) return slots.status();
  std::vector<HostShare> hosts;
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::string_view slot : *slots) {
    const std::size_t slash = slot.rfind('/');
    const std::string_view host = slot.substr(0, slash);
    if (host.empty()) return bad(slot, "an exec_host slot (host/cpus)");
    uint32_t cpus = 1;  // a bare host name stands for one CPU
    if (slash != std::string_view::npos) {
      auto parsed = slot_cpus(slot.substr(slash + 1));
      if (!parsed.ok()) return parsed.status();
      cpus = *parsed;
    }
    auto [it, added] = index.emplace(host, hosts.size());
    if (added) hosts.push_back(HostShare{std::string(host), 0, 0, 0});
    HostShare& share = hosts[it->second];
    if (uint64_t{share.ncpus} + cpus > UINT32_MAX) return bad(text, "a CPU count");
    share.ncpus += cpus;
  }
  return hosts;
}

Result<std::vector<HostShare>> parse_exec_vnode(std::string_view text) {
  auto chunks = split_plus(text);
  if (!chunks.ok()) return chunks.status();
  std::vector<HostShare> vnodes;
  for (std::string_view chunk : *chunks) {
    if (chunk.size() >= 2 && chunk.front() == '(' && chunk.back() == ')') {
      chunk = chunk.substr(1, chunk.size() - 2);
    }
    auto inner = split_plus(chunk);
    if (!inner.ok()) return inner.status();
    for (std::string_view vnode : *inner) {
      if (vnodes.size() == exec_slots_max) return Status::limit_exceeded("too many vnodes");
      const std::size_t colon = vnode.find(':');
      HostShare share{std::string(vnode.substr(0, colon)), 0, 0, 0};
      if (share.host.empty()) return bad(vnode, "a vnode (name:res=value...)");
      std::string_view rest = colon == std::string_view::npos ? "" : vnode.substr(colon + 1);
      while (!rest.empty()) {
        const std::size_t next = rest.find(':');
        const std::string_view res = rest.substr(0, next);
        rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
        const std::size_t eq = res.find('=');
        const std::string_view name = res.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? "" : res.substr(eq + 1);
        if (name == "ncpus" || name == "ngpus") {
          auto n = count(value);
          if (!n.ok()) return n.status();
          (name == "ncpus" ? share.ncpus : share.ngpus) = *n;
        } else if (name == "mem") {
          auto bytes = parse_pbs_size_bytes(value);
          if (!bytes.ok()) return bytes.status();
          share.mem_bytes = *bytes;
        }
      }
      vnodes.push_back(std::move(share));
    }
  }
  return vnodes;
}

// ---- records ----

namespace {

// Resource_List.nodes "2:ppn=8:gpus=1+1:ppn=4" or "tango111": total CPUs and GPUs.
struct NodesSpec {
  uint64_t cpus = 0, gpus = 0;
};
Result<NodesSpec> parse_nodes_spec(std::string_view text) {
  NodesSpec spec;
  auto groups = split_plus(text);
  if (!groups.ok()) return groups.status();
  for (std::string_view group : *groups) {
    const std::size_t colon = group.find(':');
    const auto nodes = whole_number(group.substr(0, colon));  // else a host name: one node
    const uint64_t n = nodes ? *nodes : 1;
    uint64_t ppn = 1, gpus = 0;
    std::string_view rest = colon == std::string_view::npos ? "" : group.substr(colon + 1);
    while (!rest.empty()) {
      const std::size_t next = rest.find(':');
      const std::string_view property = rest.substr(0, next);
      rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
      const bool is_ppn = property.starts_with("ppn="), is_gpus = property.starts_with("gpus=");
      if (!is_ppn && !is_gpus) continue;  // node features ("avx", "default")
      auto value = count(property.substr(property.find('=') + 1));
      if (!value.ok()) return value.status();
      (is_ppn ? ppn : gpus) = *value;
    }
    if (n > UINT32_MAX) return bad(group, "a node count");
    spec.cpus += n * ppn;
    spec.gpus += n * gpus;
  }
  return spec;
}

// The first of `candidates` that is known and not zero.
std::optional<uint32_t> first_known(std::initializer_list<std::optional<uint64_t>> candidates) {
  for (const auto& c : candidates) {
    if (c && *c != 0 && *c <= UINT32_MAX) return static_cast<uint32_t>(*c);
  }
  return std::nullopt;
}

// Raw counts gathered from the attributes, resolved into ncpus/ngpus at the end.
struct Counts {
  std::optional<uint64_t> used_ncpus, list_ncpus, used_ngpus, list_ngpus, list_gpus;
  std::optional<NodesSpec> nodes;
};

template <typename T>
Status store(Result<T> parsed, std::optional<T>* out) {
  if (!parsed.ok()) return parsed.status();
  *out = *parsed;
  return Status();
}

Status store_count(std::string_view value, std::optional<uint64_t>* out) {
  auto n = count(value);
  if (!n.ok()) return n.status();
  *out = *n;
  return Status();
}

Status apply_strings(const Attribute& a, PbsRecord* r) {
  static const std::pair<std::string_view, std::string PbsRecord::*> kStrings[] = {
      {"user", &PbsRecord::user},       {"group", &PbsRecord::group},
      {"account", &PbsRecord::account}, {"project", &PbsRecord::project},
      {"queue", &PbsRecord::queue},     {"jobname", &PbsRecord::job_name},
      {"owner", &PbsRecord::owner},     {"requestor", &PbsRecord::requestor}};
  for (const auto& [name, member] : kStrings) {
    if (a.name == name) r->*member = a.value;
  }
  return Status();
}

Status apply_times(const Attribute& a, PbsRecord* r) {
  static const std::pair<std::string_view, std::optional<int64_t> PbsRecord::*> kTimes[] = {
      {"ctime", &PbsRecord::ctime_s},
      {"qtime", &PbsRecord::qtime_s},
      {"etime", &PbsRecord::etime_s},
      {"start", &PbsRecord::start_s},
      {"end", &PbsRecord::end_s}};
  for (const auto& [name, member] : kTimes) {
    if (a.name == name) return store(epoch_seconds(a.value), &(r->*member));
  }
  return Status();
}

Status apply_resources(const Attribute& a, PbsRecord* r, Counts* c) {
  const std::string& n = a.name;
  const std::string_view v = a.value;
  if (n == "Exit_status") return store(exit_status(v), &r->exit_status);
  if (n == "run_count") return store(count(v), &r->run_count);
  if (n == "Resource_List.mem") return store(parse_pbs_size_bytes(v), &r->mem_requested_bytes);
  if (n == "resources_used.mem") return store(parse_pbs_size_bytes(v), &r->mem_used_bytes);
  if (n == "resources_used.vmem") return store(parse_pbs_size_bytes(v), &r->vmem_used_bytes);
  if (n == "Resource_List.walltime") return store(parse_pbs_duration_s(v), &r->walltime_limit_s);
  if (n == "resources_used.walltime") return store(parse_pbs_duration_s(v), &r->walltime_used_s);
  if (n == "resources_used.cput") return store(parse_pbs_duration_s(v), &r->cput_used_s);
  if (n == "resources_used.ncpus") return store_count(v, &c->used_ncpus);
  if (n == "Resource_List.ncpus") return store_count(v, &c->list_ncpus);
  if (n == "resources_used.ngpus") return store_count(v, &c->used_ngpus);
  if (n == "Resource_List.ngpus") return store_count(v, &c->list_ngpus);
  if (n == "Resource_List.gpus" || n == "Resource_List.gpu") return store_count(v, &c->list_gpus);
  if (n == "Resource_List.nodect") {  // xdmod's GPU edge case: "1:ppn=24:gpu=4:..."
    return store(count(v.substr(0, v.find(':'))), &r->nodect);
  }
  if (n == "Resource_List.nodes") return store(parse_nodes_spec(v), &c->nodes);
  if (n == "exec_host") {
    auto hosts = parse_exec_host(v);
    if (!hosts.ok()) return hosts.status();
    r->exec_host = std::move(hosts).value();
  }
  if (n == "exec_vnode") {
    auto vnodes = parse_exec_vnode(v);
    if (!vnodes.ok()) return vnodes.status();
    r->exec_vnode = std::move(vnodes).value();
  }
  return Status();
}

void resolve_counts(const Counts& c, PbsRecord* r) {
  uint64_t vnode_cpus = 0, vnode_gpus = 0, host_cpus = 0;
  for (const HostShare& v : r->exec_vnode) vnode_cpus += v.ncpus, vnode_gpus += v.ngpus;
  for (const HostShare& h : r->exec_host) host_cpus += h.ncpus;
  const auto nodes_cpus = c.nodes ? std::optional<uint64_t>(c.nodes->cpus) : std::nullopt;
  const auto nodes_gpus = c.nodes ? std::optional<uint64_t>(c.nodes->gpus) : std::nullopt;
  r->ncpus = first_known({c.used_ncpus, vnode_cpus, host_cpus, nodes_cpus, c.list_ncpus});
  r->ngpus = first_known({c.used_ngpus, c.list_ngpus, vnode_gpus, c.list_gpus, nodes_gpus});
}

Status apply_attributes(PbsRecord* r) {
  Counts counts;
  for (const Attribute& a : r->attributes) {
    Status s = apply_strings(a, r);
    if (s.ok()) s = apply_times(a, r);
    if (s.ok()) s = apply_resources(a, r, &counts);
    if (!s.ok()) return Status::invalid_argument(a.name + ": " + s.message());
  }
  resolve_counts(counts, r);
  return Status();
}

bool is_header_noise(std::string_view line) {
  const std::string_view t = trim(line);
  return t.empty() || t.front() == ';' || t.front() == '#';
}

}  // namespace

bool is_job_record_type(char type) {
  return std::string_view("QSEDARCTM").find(type) != std::string_view::npos;
}

bool PbsRecord::is_job_record() const {
  return is_job_record_type(type);
}

const std::string* PbsRecord::attribute(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

Result<std::optional<PbsRecord>> parse_pbs_line(std::string_view line, const TimeZone& zone) {
  if (is_header_noise(line)) return std::optional<PbsRecord>();
  const std::size_t s1 = line.find(';');
  const std::size_t s2 = s1 == std::string_view::npos ? s1 : line.find(';', s1 + 1);
  const std::size_t s3 = s2 == std::string_view::npos ? s2 : line.find(';', s2 + 1);
  if (s3 == std::string_view::npos) {
    return bad(line, "a PBS accounting record (time;type;id;attributes)");
  }
  PbsRecord r;
  r.raw = std::string(line);
  r.time_text = std::string(line.substr(0, s1));
  auto time = parse_pbs_time_us(r.time_text, zone);
  if (!time.ok()) return time.status();
  r.time_us = *time;
  const std::string_view type = line.substr(s1 + 1, s2 - s1 - 1);
  if (type.size() != 1 || !is_name_start(type[0]) || type[0] == '_') {
    return bad(type, "a record type (one letter)");
  }
  r.type = type[0];
  r.id = std::string(line.substr(s2 + 1, s3 - s2 - 1));
  if (r.id.empty()) return Status::invalid_argument("the record has no id");
  auto key = JobKey::parse(r.id);
  if (key.ok()) {
    r.job = std::move(key).value();
  } else if (r.is_job_record()) {
    return key.status();
  }
  JT_RETURN_IF_ERROR(split_attributes(line.substr(s3 + 1), &r));
  JT_RETURN_IF_ERROR(apply_attributes(&r));
  return std::optional<PbsRecord>(std::move(r));
}

}  // namespace jobtrail::ingest::pbs
