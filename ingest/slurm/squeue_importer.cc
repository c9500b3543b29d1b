#include "ingest/slurm/squeue_importer.h"

#include <vector>

#include "events/time_format.h"
#include "ingest/slurm/squeue_parser.h"

namespace jobtrail::ingest::slurm {

namespace {

enum Ordinal : uint32_t { kSubmitted = 0, kChanged = 1, kFields = 2, kDependency = 3 };

EventHeaderFields make_header(const RecordContext& c, const JobKey& job, uint32_t ordinal,
                              std::optional<int64_t> reported_at_us) {
  return record_event_header(c, fb::SourceKind::SQUEUE, "squeue", job, ordinal,
                             reported_at_us.value_or(c.observed_at_us),
                             reported_at_us ? fb::TimeBasis::REPORTED : fb::TimeBasis::OBSERVED);
}

KnownJob known_from_row(const SqueueRecord& r) {
  return KnownJob{r.state.state,
                  r.reason,
                  r.priority,
                  r.partition,
                  r.qos,
                  r.name,
                  r.node_list,
                  r.start.epoch_us.value_or(0),
                  r.dependency.value_or(DependencySpec{})};
}

// The fields of `now` that differ from `before` (only those squeue printed).
std::vector<FieldChangeFields> changed_fields(const KnownJob& before, const KnownJob& now) {
  std::vector<FieldChangeFields> out;
  const std::pair<const char*, std::pair<const std::string*, const std::string*>> fields[] = {
      {"reason", {&before.reason, &now.reason}},
      {"priority", {&before.priority, &now.priority}},
      {"partition", {&before.partition, &now.partition}},
      {"qos", {&before.qos, &now.qos}},
      {"name", {&before.name, &now.name}},
      {"nodes", {&before.nodes, &now.nodes}}};
  for (const auto& [name, values] : fields) {
    if (!values.second->empty() && *values.first != *values.second) {
      out.push_back({name, *values.second});
    }
  }
  return out;
}

// When the row's state began, if squeue said: a start for RUNNING, an end for a final state or
// COMPLETING (its EndTime is when the epilog began, so sacct's end of the same run ties with it
// and does not fall before it).
std::optional<int64_t> state_time_us(const SqueueRecord& r) {
  if (r.state.state == fb::JobState::RUNNING) return r.start.epoch_us;
  if (is_terminal(r.state.state) || r.state.state == fb::JobState::COMPLETING) {
    return r.end.epoch_us;
  }
  return std::nullopt;
}

Status add(std::vector<BuiltEvent>* out, Result<BuiltEvent> built) {
  if (!built.ok()) return built.status();
  out->push_back(std::move(built).value());
  return Status();
}

Status add_submitted(const SqueueRecord& r, const RecordContext& c, EventBuilder& builder,
                     std::vector<BuiltEvent>* out) {
  JobSubmittedFields f;
  f.user = r.user;
  f.group = r.group;
  f.account = r.account;
  f.partition = r.partition;
  f.qos = r.qos;
  f.name = r.name;
  f.work_dir = r.work_dir;
  f.submit_at_us = r.submit.epoch_us.value_or(0);
  f.cpus_requested = r.cpus.value_or(0);
  f.nodes_requested = r.nodes.value_or(0);
  if (r.time_limit.has_seconds()) f.time_limit_s = r.time_limit.seconds;
  f.state = fb::JobState::PENDING;
  f.raw_state = "PENDING";
  return add(out,
             builder.job_submitted(make_header(c, r.job_key, kSubmitted, r.submit.epoch_us), f));
}

// One DependencyDeclared per part when the declaration is new or changed (see the header).
Status add_dependency(const SqueueRecord& r, const RecordContext& c, EventBuilder& builder,
                      const std::optional<KnownJob>& known, std::vector<BuiltEvent>* out) {
  const DependencySpec& now = *r.dependency;
  const DependencySpec before = known ? known->dependency : DependencySpec{};
  if (declared_dependency_text(now) == declared_dependency_text(before)) return Status();
  if (!before.empty() && dependency_narrowed(before, now)) return Status();
  // A new job declared it at submission; a known one changed it since the last poll.
  const int64_t at_us = known ? c.observed_at_us : r.submit.epoch_us.value_or(c.observed_at_us);
  const fb::TimeBasis basis =
      known || !r.submit.epoch_us ? fb::TimeBasis::OBSERVED : fb::TimeBasis::REPORTED;
  for (uint32_t i = 0; i < now.parts.size(); ++i) {
    const DependencyPart& part = now.parts[i];
    DependencyDeclaredFields f;
    f.kind = part.kind;
    f.targets = part.targets;
    f.raw = part.raw;
    f.part = i;
    f.any_of = now.any_of;
    const EventHeaderFields header = record_event_header(c, fb::SourceKind::SQUEUE, "squeue",
                                                         r.job_key, kDependency + i, at_us, basis);
    JT_RETURN_IF_ERROR(add(out, builder.dependency_declared(header, f)));
  }
  return Status();
}

class SqueueLineFormat final : public LineFormat {
 public:
  SqueueLineFormat(SqueueParser parser, TimeZone zone, KnownJobLookup known, int64_t observed_at_us)
      : parser_(std::move(parser)),
        zone_(std::move(zone)),
        known_(std::move(known)),
        name_("squeue@" + std::to_string(observed_at_us)) {}

  // A poll is identified by when it was taken: the same output seen again later is a new
  // observation (A, B, then A again is a requeue, not a duplicate of the first A).
  std::string_view name() const override { return name_; }
  size_t events_per_record_max() const override { return kDependency + dependency_parts_max; }

  Result<bool> parse(std::string_view line) override {
    auto parsed = parser_.parse_line(line);
    if (!parsed.ok()) return parsed.status();
    auto* record = std::get_if<SqueueRecord>(&*parsed);
    if (record == nullptr) return false;
    record_ = std::move(*record);
    return true;
  }

  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    return squeue_record_events(record_, known_, c, builder, out);
  }

  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    return ClusterRegisteredFields{cluster, "slurm", zone_.name(), ""};
  }

 private:
  SqueueParser parser_;
  TimeZone zone_;
  KnownJobLookup known_;
  std::string name_;
  SqueueRecord record_;
};

// Runs `import` over the format the options describe.
template <typename Import>
Result<LineImportStats> with_format(const SqueueImportOptions& options, const Import& import) {
  auto located = TimeZone::named_or_local(options.time_zone);
  if (!located.ok()) return located.status();
  TimeZone zone = std::move(located).value();
  auto parser =
      SqueueParser::create(options.format == "ood" ? kOodSqueueFormat : options.format, zone);
  if (!parser.ok()) return parser.status();
  LineImportOptions line = options.line;
  if (line.observed_at_us == 0) line.observed_at_us = now_us();
  SqueueLineFormat format(std::move(parser).value(), zone, options.known, line.observed_at_us);
  return import(format, line);
}

}  // namespace

Status squeue_record_events(const SqueueRecord& r, const KnownJobLookup& lookup,
                            const RecordContext& c, EventBuilder& builder,
                            std::vector<BuiltEvent>* out) {
  std::optional<KnownJob> known;
  if (lookup) {
    auto found = lookup(c.cluster, r.job_key.format());
    if (!found.ok()) return found.status();
    known = std::move(found).value();
  }
  const KnownJob now = known_from_row(r);
  if (!known) JT_RETURN_IF_ERROR(add_submitted(r, c, builder, out));
  const fb::JobState before = known ? known->state : fb::JobState::PENDING;
  if (now.state != before && now.state != fb::JobState::UNKNOWN) {
    JobStateChangedFields f;
    f.from = before;
    f.to = now.state;
    f.raw_state = r.state.raw;
    f.reason = r.reason;
    f.nodes = r.node_list;
    f.cpus = r.cpus.value_or(0);
    JT_RETURN_IF_ERROR(add(
        out, builder.job_state_changed(make_header(c, r.job_key, kChanged, state_time_us(r)), f)));
  }
  // A new job is compared with what its submission carried, so the fields only squeue shows
  // (reason, priority, nodes) are recorded once, and an unchanged next poll yields nothing.
  const KnownJob as_submitted{fb::JobState::PENDING, "", "", r.partition, r.qos, r.name, "", 0, {}};
  auto changes = changed_fields(known ? *known : as_submitted, now);
  if (!changes.empty()) {
    JT_RETURN_IF_ERROR(add(out, builder.job_fields_updated(
                                    make_header(c, r.job_key, kFields, std::nullopt), changes)));
  }
  if (r.dependency) JT_RETURN_IF_ERROR(add_dependency(r, c, builder, known, out));
  return Status();
}

Result<LineImportStats> import_squeue(EventLog& log, const std::string& path,
                                      const SqueueImportOptions& options) {
  return with_format(options, [&](LineFormat& format, const LineImportOptions& line) {
    return import_lines(log, path == "-" ? "/dev/stdin" : path, format, line);
  });
}

Result<LineImportStats> import_squeue_captured(EventLog& log, std::string origin,
                                               std::string content,
                                               const SqueueImportOptions& options) {
  return with_format(options, [&](LineFormat& format, const LineImportOptions& line) {
    return import_captured(log, std::move(origin), std::move(content), format, line);
  });
}

}  // namespace jobtrail::ingest::slurm
