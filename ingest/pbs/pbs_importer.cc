#include "ingest/pbs/pbs_importer.h"

#include <algorithm>
#include <filesystem>

namespace jobtrail::ingest::pbs {

namespace {

enum Ordinal : uint32_t {
  kSubmitted = 0,
  kAttributes = 1,
  kStarted = 2,
  kEnded = 3,
  kRequeued = 4
};

constexpr int64_t kUsPerSecond = 1'000'000;
constexpr int32_t kSignalBase = 256;  // Exit_status > 256: killed by signal (status - 256)
// Files one directory import reads (a decade of daily files fits).
constexpr size_t kDirectoryFilesMax = 1 << 16;

// One fact of one record: its event header, identified by the job and the fact.
EventHeaderFields fact_header(const PbsRecord& r, const RecordContext& c, std::string_view fact,
                              uint32_t ordinal, int64_t at_us) {
  RecordContext fact_context = c;
  fact_context.identity = "pbs/" + c.cluster + "/" + r.job->format() + "/" + std::string(fact) +
                          "/" + std::to_string(at_us / kUsPerSecond);
  return record_event_header(fact_context, fb::SourceKind::PBS_ACCOUNTING,
                             std::string(1, r.type) + " record", *r.job, ordinal, at_us,
                             fb::TimeBasis::REPORTED);
}

int64_t seconds_or(const std::optional<int64_t>& s, int64_t fallback_us) {
  return s ? *s * kUsPerSecond : fallback_us;
}

std::string account_of(const PbsRecord& r) {
  return r.account.empty() ? r.project : r.account;
}

JobSubmittedFields submitted_fields(const PbsRecord& r, int64_t at_us) {
  JobSubmittedFields f;
  f.user = r.user;
  f.group = r.group;
  f.account = account_of(r);
  f.partition = r.queue;
  f.name = r.job_name;
  f.submit_at_us = at_us;
  f.cpus_requested = r.ncpus.value_or(0);
  f.nodes_requested = r.nodect.value_or(0);
  f.memory_requested_bytes = r.mem_requested_bytes.value_or(0);
  if (r.walltime_limit_s) f.time_limit_s = *r.walltime_limit_s;
  f.state = fb::JobState::PENDING;
  if (r.type == 'Q') f.raw_state = "Q";  // another record only repeats the queueing's time
  if (r.job->is_array_member() && r.job->kind == JobKey::Kind::kArrayTask) {
    f.array_parent = r.job->array_parent();
  }
  return f;
}

std::vector<FieldChangeFields> attribute_fields(const PbsRecord& r) {
  std::vector<FieldChangeFields> fields;
  const std::pair<const char*, std::string> named[] = {{"user", r.user},
                                                       {"group", r.group},
                                                       {"account", account_of(r)},
                                                       {"partition", r.queue},
                                                       {"name", r.job_name}};
  for (const auto& [name, value] : named) {
    if (!value.empty()) fields.push_back({name, value});
  }
  return fields;
}

std::string host_names(const PbsRecord& r) {
  std::string nodes;
  for (const HostShare& h : r.exec_host) nodes += (nodes.empty() ? "" : ",") + h.host;
  return nodes;
}

std::string raw_state(const PbsRecord& r) {
  std::string raw(1, r.type);
  if (r.exit_status) raw += " Exit_status=" + std::to_string(*r.exit_status);
  return raw;
}

// The fact that ends the job (E, D, A), or none for other records.
std::optional<JobStateChangedFields> end_fields(const PbsRecord& r) {
  JobStateChangedFields f;
  f.raw_state = raw_state(r);
  if (r.type == 'E') {
    const PbsEnd end = pbs_end_state(r);
    f.from = r.start_s ? fb::JobState::RUNNING : fb::JobState::UNKNOWN;
    f.to = end.state;
    f.exit_code = end.exit_code;
    f.signal = end.signal;
    if (end.state == fb::JobState::TIMEOUT) f.reason = "walltime limit reached";
  } else if (r.type == 'D') {
    f.to = fb::JobState::CANCELLED;
    f.reason = r.requestor.empty() ? "deleted" : "deleted by " + r.requestor;
  } else if (r.type == 'A') {
    f.to = fb::JobState::FAILED;
    f.reason = r.text.empty() ? "aborted by the server" : r.text;
  } else {
    return std::nullopt;
  }
  return f;
}

}  // namespace

PbsEnd pbs_end_state(const PbsRecord& r) {
  PbsEnd end;
  if (!r.exit_status) return end;
  const int32_t status = *r.exit_status;
  if (status == 0) {
    end.state = fb::JobState::COMPLETED;
    end.exit_code = 0;
  } else if (status > kSignalBase) {
    end.signal = status - kSignalBase;
    end.exit_code = 0;
    const bool out_of_time =
        r.walltime_used_s && r.walltime_limit_s && *r.walltime_used_s >= *r.walltime_limit_s;
    end.state = out_of_time ? fb::JobState::TIMEOUT : fb::JobState::CANCELLED;
  } else {
    end.state = fb::JobState::FAILED;
    if (status > 0) end.exit_code = status;
  }
  return end;
}

Status pbs_transition_events(const PbsRecord& r, const RecordContext& c, EventBuilder& builder,
                             std::vector<BuiltEvent>* out) {
  if (!r.is_job_record() || !r.job) return Status();
  const auto add = [&](Result<BuiltEvent> built) -> Status {
    if (!built.ok()) return built.status();
    out->push_back(std::move(built).value());
    return Status();
  };
  if (r.type == 'Q' || r.ctime_s) {
    const int64_t at = seconds_or(r.ctime_s, r.time_us);
    JT_RETURN_IF_ERROR(add(builder.job_submitted(fact_header(r, c, "submitted", kSubmitted, at),
                                                 submitted_fields(r, at))));
  }
  const bool started = r.type == 'S' || (r.type == 'E' && r.start_s);
  const int64_t start_at = seconds_or(r.start_s, r.time_us);
  if ((r.type == 'S' || r.type == 'E') && !attribute_fields(r).empty()) {
    JT_RETURN_IF_ERROR(add(builder.job_fields_updated(
        fact_header(r, c, "attributes", kAttributes, start_at), attribute_fields(r))));
  }
  if (started) {
    JobStateChangedFields f;
    f.from = fb::JobState::PENDING;
    f.to = fb::JobState::RUNNING;
    f.raw_state = "S";
    f.nodes = host_names(r);
    f.cpus = r.ncpus.value_or(0);
    JT_RETURN_IF_ERROR(
        add(builder.job_state_changed(fact_header(r, c, "started", kStarted, start_at), f)));
  }
  if (std::optional<JobStateChangedFields> end = end_fields(r)) {
    const int64_t at = r.type == 'E' ? seconds_or(r.end_s, r.time_us) : r.time_us;
    JT_RETURN_IF_ERROR(
        add(builder.job_state_changed(fact_header(r, c, "ended", kEnded, at), *end)));
  }
  if (r.type == 'R') {
    JobStateChangedFields f;
    f.from = fb::JobState::RUNNING;
    f.to = fb::JobState::REQUEUED;
    f.raw_state = "R";
    f.reason = "rerun";
    JT_RETURN_IF_ERROR(
        add(builder.job_state_changed(fact_header(r, c, "requeued", kRequeued, r.time_us), f)));
  }
  return Status();
}

RawRecordFacts pbs_raw_record_facts(const PbsRecord& r) {
  constexpr int64_t kUsPerSecond = 1'000'000;
  RawRecordFacts f;
  f.format = fb::RecordFormat::PBS;
  f.source_kind = fb::SourceKind::PBS_ACCOUNTING;
  f.command = "pbs accounting";
  f.job = r.job;
  f.user = r.user;
  f.account = !r.account.empty() ? r.account : r.group;  // Torque logs often carry only group
  f.partition = r.queue;
  f.cpus = r.ncpus.value_or(0);
  f.gpus = r.ngpus.value_or(0);
  f.submit_at_us = r.ctime_s.value_or(0) * kUsPerSecond;
  f.start_at_us = r.start_s.value_or(0) * kUsPerSecond;
  f.end_at_us = r.end_s.value_or(0) * kUsPerSecond;
  if (f.end_at_us == 0 && f.start_at_us == 0 && f.submit_at_us == 0) f.submit_at_us = r.time_us;
  return f;
}

Result<bool> PbsLineFormat::parse(std::string_view line) {
  auto parsed = parse_pbs_line(line, zone_);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return false;
  record_ = std::move(**parsed);
  return true;
}

Status PbsLineFormat::record_events(const RecordContext& context, EventBuilder& builder,
                                    std::vector<BuiltEvent>* out) {
  return pbs_transition_events(record_, context, builder, out);
}

std::optional<RawRecordFacts> PbsLineFormat::raw_record_facts() const {
  return pbs_raw_record_facts(record_);
}

namespace {

Result<std::vector<std::string>> files_to_import(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (files.size() == kDirectoryFilesMax) {
      return Status::limit_exceeded(path + " holds more than " +
                                    std::to_string(kDirectoryFilesMax) + " files");
    }
    files.push_back(entry.path().string());
  }
  if (ec) return Status::io_error(path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

void add_stats(const LineImportStats& one, LineImportStats* total) {
  total->lines += one.lines;
  total->records += one.records;
  total->events_appended += one.events_appended;
  total->events_duplicate += one.events_duplicate;
  total->records_skipped_by_checkpoint += one.records_skipped_by_checkpoint;
  total->quarantined += one.quarantined;
  total->raw_records += one.raw_records;
  total->raw_bytes += one.raw_bytes;
  total->raw_compressed_bytes += one.raw_compressed_bytes;
  if (total->first_seq == 0) total->first_seq = one.first_seq;
  if (one.last_seq != 0) total->last_seq = one.last_seq;
}

}  // namespace

Result<LineImportStats> import_pbs(EventLog& log, const std::string& path,
                                   const PbsImportOptions& options) {
  auto zone = options.time_zone.empty() ? Result<TimeZone>(TimeZone::utc())
                                        : TimeZone::locate(options.time_zone);
  if (!zone.ok()) return zone.status();
  auto files = files_to_import(path);
  if (!files.ok()) return files.status();
  LineImportStats total;
  for (const std::string& file : *files) {
    PbsLineFormat format(*zone);
    auto stats = import_lines(log, file == "-" ? "/dev/stdin" : file, format, options.line);
    if (!stats.ok()) return stats.status();
    add_stats(*stats, &total);
  }
  return total;
}

}  // namespace jobtrail::ingest::pbs
