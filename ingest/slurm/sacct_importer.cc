#include "ingest/slurm/sacct_importer.h"

#include <optional>

#include "ingest/slurm/sacct_parser.h"

namespace jobtrail::ingest::slurm {

namespace {

enum Ordinal : uint32_t { kSubmitted = 0, kStarted = 1, kEnded = 2 };

bool ends_the_run(fb::JobState state) {
  return is_terminal(state) || state == fb::JobState::REQUEUED;
}

EventHeaderFields make_header(const RecordContext& c, const SacctRecord& r, fb::SourceKind kind,
                              uint32_t ordinal, int64_t effective_at_us) {
  return record_event_header(c, kind, kind == fb::SourceKind::JOBCOMP ? "jobcomp" : "sacct",
                             r.job_key, ordinal, effective_at_us, fb::TimeBasis::REPORTED);
}

JobSubmittedFields submitted_fields(const SacctRecord& r) {
  JobSubmittedFields f;
  f.user = r.user;
  f.group = r.group;
  f.account = r.account;
  f.partition = r.partition;
  f.qos = r.qos;
  f.name = r.job_name;
  f.submit_at_us = r.submit.epoch_us.value_or(0);
  f.cpus_requested = r.req_cpus.value_or(r.ncpus.value_or(0));
  f.nodes_requested = r.nnodes.value_or(0);
  if (r.req_mem) {
    const uint64_t per = r.req_mem->per == ReqMem::Per::kCpu
                             ? f.cpus_requested
                             : std::max<uint32_t>(f.nodes_requested, 1);
    f.memory_requested_bytes = r.req_mem->bytes * std::max<uint64_t>(per, 1);
  }
  if (r.timelimit.has_seconds()) f.time_limit_s = r.timelimit.seconds;
  f.state = fb::JobState::PENDING;
  f.raw_state = "PENDING";
  return f;
}

JobStateChangedFields change(fb::JobState from, fb::JobState to) {
  JobStateChangedFields f;
  f.from = from;
  f.to = to;
  return f;
}

class SacctLineFormat final : public LineFormat {
 public:
  SacctLineFormat(std::optional<SacctParser> parser, TimeZone zone, KnownJobLookup skip_known)
      : parser_(std::move(parser)), zone_(std::move(zone)), skip_known_(std::move(skip_known)) {}

  std::string_view name() const override { return "sacct"; }
  size_t events_per_record_max() const override { return 3; }

  Result<bool> parse(std::string_view line) override {
    if (!parser_) {  // no --format: the first line must be sacct's header
      auto learned = SacctParser::from_header(line, zone_);
      if (!learned.ok()) {
        return Status::invalid_argument("no --format was given and this is not a sacct header (" +
                                        learned.status().message() + ")");
      }
      parser_.emplace(std::move(learned).value());
      return false;
    }
    auto parsed = parser_->parse_line(line);
    if (!parsed.ok()) return parsed.status();
    auto* record = std::get_if<SacctRecord>(&*parsed);
    if (record == nullptr) return false;
    record_ = std::move(*record);
    return true;
  }

  // A step's row is accounting detail: no transitions of its own, but its raw record is kept
  // (with its job's), so `record JOB` gives back every row sacct printed for the job.
  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    if (record_.is_step) return Status();
    if (skip_known_) {
      auto known = skip_known_(c.cluster, record_.job_key.format());
      if (!known.ok()) return known.status();
      if (known->has_value()) return Status();
    }
    return accounting_record_events(record_, fb::SourceKind::SACCT, c, builder, out);
  }

  std::optional<RawRecordFacts> raw_record_facts() const override {
    return accounting_record_facts(record_, fb::RecordFormat::SACCT_PARSABLE,
                                   fb::SourceKind::SACCT);
  }

  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    return ClusterRegisteredFields{cluster, "slurm", zone_.name(), ""};
  }

 private:
  std::optional<SacctParser> parser_;
  TimeZone zone_;
  KnownJobLookup skip_known_;
  SacctRecord record_;
};

template <typename Import>
Result<LineImportStats> with_format(const SacctImportOptions& options, const Import& import) {
  auto located = TimeZone::named_or_local(options.time_zone);
  if (!located.ok()) return located.status();
  TimeZone zone = std::move(located).value();
  std::optional<SacctParser> parser;
  if (!options.format.empty()) {
    auto created = SacctParser::create(options.format, zone);
    if (!created.ok()) return created.status();
    parser.emplace(std::move(created).value());
  }
  SacctLineFormat format(std::move(parser), zone, options.skip_known);
  return import(format);
}

}  // namespace

bool accounting_record_ran(const SacctRecord& r) {
  const bool never_ran = r.node_count == std::optional<uint64_t>(0) && r.elapsed_s.value_or(1) == 0;
  return r.start.epoch_us.has_value() && !never_ran;
}

bool accounting_record_ends_run(const SacctRecord& r) {
  return r.end.epoch_us.has_value() && ends_the_run(r.state.state);
}

Status accounting_record_events(const SacctRecord& r, fb::SourceKind kind, const RecordContext& c,
                                EventBuilder& builder, std::vector<BuiltEvent>* out) {
  const auto add = [&](Result<BuiltEvent> built) -> Status {
    if (!built.ok()) return built.status();
    out->push_back(std::move(built).value());
    return Status();
  };
  if (r.submit.epoch_us) {
    JT_RETURN_IF_ERROR(add(builder.job_submitted(
        make_header(c, r, kind, kSubmitted, *r.submit.epoch_us), submitted_fields(r))));
  }
  // A job cancelled while pending never ran, and the ledger must not say it did.
  const bool ran = accounting_record_ran(r);
  if (ran) {
    JobStateChangedFields f = change(fb::JobState::PENDING, fb::JobState::RUNNING);
    f.nodes = r.node_list;
    f.cpus = r.ncpus.value_or(0);
    JT_RETURN_IF_ERROR(
        add(builder.job_state_changed(make_header(c, r, kind, kStarted, *r.start.epoch_us), f)));
  }
  if (accounting_record_ends_run(r)) {
    const fb::JobState from = ran ? fb::JobState::RUNNING : fb::JobState::PENDING;
    JobStateChangedFields f = change(from, r.state.state);
    f.raw_state = r.state.raw;
    if (r.exit_code) {
      f.exit_code = static_cast<int32_t>(r.exit_code->status);
      f.signal = static_cast<int32_t>(r.exit_code->signal);
    }
    JT_RETURN_IF_ERROR(
        add(builder.job_state_changed(make_header(c, r, kind, kEnded, *r.end.epoch_us), f)));
  }
  return Status();
}

RawRecordFacts accounting_record_facts(const SacctRecord& r, fb::RecordFormat format,
                                       fb::SourceKind kind) {
  RawRecordFacts f;
  f.format = format;
  f.source_kind = kind;
  f.command = kind == fb::SourceKind::JOBCOMP ? "jobcomp" : "sacct";
  f.job = r.job_key;
  f.step = r.step;
  f.user = r.user;
  f.account = r.account;
  f.partition = r.partition;
  f.cpus = r.ncpus.value_or(r.req_cpus.value_or(0));
  f.gpus = tres_count(r.alloc_tres, "gres/gpu");
  f.submit_at_us = r.submit.epoch_us.value_or(0);
  f.start_at_us = r.start.epoch_us.value_or(0);
  f.end_at_us = r.end.epoch_us.value_or(0);
  return f;
}

Result<LineImportStats> import_sacct(EventLog& log, const std::string& path,
                                     const SacctImportOptions& options) {
  return with_format(options, [&](LineFormat& format) {
    return import_lines(log, path == "-" ? "/dev/stdin" : path, format, options.line);
  });
}

Result<LineImportStats> import_sacct_captured(EventLog& log, std::string origin,
                                              std::string content,
                                              const SacctImportOptions& options) {
  return with_format(options, [&](LineFormat& format) {
    return import_captured(log, std::move(origin), std::move(content), format, options.line);
  });
}

}  // namespace jobtrail::ingest::slurm
