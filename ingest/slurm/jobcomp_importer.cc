#include "ingest/slurm/jobcomp_importer.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "ingest/input_quote.h"
#include "ingest/slurm/sacct_importer.h"

namespace jobtrail::ingest::slurm {

namespace {

constexpr size_t kJobcompFieldsMax = 64;

struct KeyValue {
  std::string_view key, value;
};

// Splits at each " Key=" (Key: letters) so values may hold spaces.
Result<std::vector<KeyValue>> split_fields(std::string_view line) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < line.size(); ++i) {
    if (i != 0 && line[i - 1] != ' ') continue;
    size_t j = i;
    while (j < line.size() && std::isalpha(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i && j < line.size() && line[j] == '=') starts.push_back(i);
    if (starts.size() > kJobcompFieldsMax) return Status::limit_exceeded("too many fields");
  }
  if (starts.empty() || starts.front() != 0) {
    return Status::invalid_argument("not a jobcomp record: " + quote_input(line));
  }
  std::vector<KeyValue> fields;
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t end = k + 1 < starts.size() ? starts[k + 1] - 1 : line.size();
    std::string_view field = line.substr(starts[k], end - starts[k]);
    const size_t equals = field.find('=');
    fields.push_back({field.substr(0, equals), field.substr(equals + 1)});
  }
  return fields;
}

// "samuel(500)" -> name "samuel", id 500.
Status name_and_id(std::string_view value, std::string* name, std::optional<uint32_t>* id) {
  const size_t open = value.find('(');
  *name = std::string(value.substr(0, open));
  if (open == std::string_view::npos) return Status();
  if (value.back() != ')') return Status::invalid_argument("bad id in " + quote_input(value));
  uint32_t parsed = 0;
  const std::string_view digits = value.substr(open + 1, value.size() - open - 2);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return Status::invalid_argument("bad id in " + quote_input(value));
  }
  *id = parsed;
  return Status();
}

// "1670440.bruce-m" -> key 1670440 (the suffix is the controller's host, not a step).
Status job_id(std::string_view value, SacctRecord* r) {
  r->job_id = std::string(value);
  std::string_view key = value;
  if (const size_t dot = value.find('.'); dot != std::string_view::npos) key = value.substr(0, dot);
  auto parsed = JobKey::parse(key);
  if (!parsed.ok()) return parsed.status();
  r->job_key = std::move(parsed).value();
  return Status();
}

Status time_field(std::string_view value, const TimeZone& zone, SlurmTime* out) {
  auto parsed = parse_slurm_time_us(value, zone);
  if (!parsed.ok()) return parsed.status();
  out->epoch_us = *parsed;
  out->text = std::string(value);
  return Status();
}

Status count_field(std::string_view value, std::optional<uint32_t>* out) {
  uint32_t parsed = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Status::invalid_argument(quote_input(value) + " is not a count");
  }
  *out = parsed;
  return Status();
}

Status apply_field(const KeyValue& f, const TimeZone& zone, SacctRecord* r) {
  const std::string_view k = f.key, v = f.value;
  if (k == "JobId") return job_id(v, r);
  if (k == "UserId") return name_and_id(v, &r->user, &r->uid);
  if (k == "GroupId") return name_and_id(v, &r->group, &r->gid);
  if (k == "StartTime") return time_field(v, zone, &r->start);
  if (k == "EndTime") return time_field(v, zone, &r->end);
  if (k == "SubmitTime") return time_field(v, zone, &r->submit);
  if (k == "EligibleTime") return time_field(v, zone, &r->eligible);
  if (k == "ProcCnt") return count_field(v, &r->ncpus);
  if (k == "JobState") r->state = parse_slurm_state(v);
  if (k == "Account") r->account = std::string(v);
  if (k == "Name") r->job_name = std::string(v);
  if (k == "Partition") r->partition = std::string(v);
  if (k == "TimeLimit" || k == "RunTime") {
    auto d = parse_slurm_duration(v);
    if (!d.ok()) return d.status();
    if (k == "TimeLimit") r->timelimit = *d;
    if (k == "RunTime" && d->has_seconds()) r->elapsed_s = d->seconds;
  }
  if (k == "NodeList") {
    r->node_list = std::string(v);
    auto nodes = count_hostlist_nodes(v);
    if (!nodes.ok()) return nodes.status();
    r->node_count = *nodes;
  }
  if (k == "ExitCode") {
    auto code = parse_exit_code(v);
    if (!code.ok()) return code.status();
    r->exit_code = *code;
  }
  return Status();
}

class JobcompLineFormat final : public LineFormat {
 public:
  explicit JobcompLineFormat(TimeZone zone) : zone_(std::move(zone)) {}
  std::string_view name() const override { return "jobcomp"; }
  size_t events_per_record_max() const override { return 3; }
  Result<bool> parse(std::string_view line) override {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
    auto record = parse_jobcomp_record(line, zone_);
    if (!record.ok()) return record.status();
    record_ = std::move(record).value();
    return true;
  }
  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    return accounting_record_events(record_, fb::SourceKind::JOBCOMP, c, builder, out);
  }
  std::optional<RawRecordFacts> raw_record_facts() const override {
    return accounting_record_facts(record_, fb::RecordFormat::JOBCOMP, fb::SourceKind::JOBCOMP);
  }
  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    return ClusterRegisteredFields{cluster, "slurm", zone_.name(), ""};
  }

 private:
  TimeZone zone_;
  SacctRecord record_;
};

}  // namespace

Result<SacctRecord> parse_jobcomp_record(std::string_view line, const TimeZone& zone) {
  auto fields = split_fields(line);
  if (!fields.ok()) return fields.status();
  SacctRecord r;
  for (const KeyValue& f : *fields) {
    Status s = apply_field(f, zone, &r);
    if (!s.ok()) return Status::invalid_argument(std::string(f.key) + ": " + s.message());
    r.fields.emplace_back(f.value);
  }
  if (r.job_id.empty()) return Status::invalid_argument("the record has no JobId");
  return r;
}

Result<LineImportStats> import_jobcomp(EventLog& log, const std::string& path,
                                       const JobcompImportOptions& options) {
  auto zone = TimeZone::named_or_local(options.time_zone);
  if (!zone.ok()) return zone.status();
  JobcompLineFormat format(std::move(zone).value());
  return import_lines(log, path == "-" ? "/dev/stdin" : path, format, options.line);
}

}  // namespace jobtrail::ingest::slurm
