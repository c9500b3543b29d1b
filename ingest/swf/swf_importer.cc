// The import loop: read a line, parse it, turn a record into events, and every batch_events
// events commit them with the quarantined lines and the checkpoint in one append.
#include "ingest/swf/swf_importer.h"

#include <algorithm>
#include <filesystem>

#include "events/assert.h"
#include "events/keys.h"
#include "events/limits.h"
#include "events/time_format.h"
#include "ingest/quarantine.h"
#include "ingest/text_source.h"

namespace jobtrail::ingest::swf {

namespace {

constexpr int64_t kUsPerSecond = 1'000'000;
constexpr int64_t kAbsoluteSubmitMin = 1'000'000'000;  // 2001-09-09 as epoch, 31 years relative

enum Ordinal : uint32_t { kSubmitted = 0, kStarted = 1, kEnded = 2 };

int64_t submit_epoch_s(const SwfRecord& r, const SwfHeader& h) {
  const int64_t base = h.unix_start_time.value_or(0);
  const bool absolute = r.submit_s >= kAbsoluteSubmitMin && (base == 0 || r.submit_s >= base);
  return absolute ? r.submit_s : base + r.submit_s;
}

fb::JobState final_state(int64_t status) {
  switch (status) {
    case 0:
      return fb::JobState::FAILED;
    case 1:
      return fb::JobState::COMPLETED;
    case 2:
      return fb::JobState::PREEMPTED;
    case 3:
      return fb::JobState::COMPLETED;
    case 4:
      return fb::JobState::FAILED;
    case 5:
      return fb::JobState::CANCELLED;
    default:
      return fb::JobState::ENDED;
  }
}

JobStateChangedFields state_change(fb::JobState from, fb::JobState to) {
  JobStateChangedFields f;
  f.from = from;
  f.to = to;
  return f;
}

std::string id_or_name(int64_t id, const std::map<int64_t, std::string>& names) {
  if (id < 0) return {};
  auto it = names.find(id);
  return it != names.end() ? it->second : std::to_string(id);
}

EventHeaderFields make_header(const SwfRecordContext& c, const JobKey& job, uint32_t ordinal,
                              int64_t effective_at_us, fb::TimeBasis basis) {
  EventHeaderFields h;
  h.observed_at_us = c.observed_at_us;
  h.effective_at_us = effective_at_us;
  h.effective_basis = basis;
  h.cluster = c.cluster;
  h.job = job;
  h.provenance.source_kind = fb::SourceKind::SWF;
  h.provenance.origin = c.origin;
  h.provenance.command = "swf " + c.origin;
  h.provenance.offset = c.offset;
  h.provenance.line = c.line;
  h.provenance.ordinal = ordinal;
  h.provenance.identity = c.identity;
  return h;
}

JobSubmittedFields submitted_fields(const SwfRecord& r, const SwfHeader& h, int64_t submit_us) {
  JobSubmittedFields f;
  f.user = !r.user.empty() ? r.user : (r.user_id >= 0 ? std::to_string(r.user_id) : "");
  f.group = r.group_id >= 0 ? std::to_string(r.group_id) : "";
  f.partition = !r.queue_name.empty() ? r.queue_name : id_or_name(r.partition, h.partitions);
  f.qos = r.queue >= 0 ? id_or_name(r.queue, h.queues) : "";
  f.name = r.executable_id >= 0 ? "executable " + std::to_string(r.executable_id) : "";
  f.submit_at_us = submit_us;
  const int64_t cpus = r.procs_requested >= 0 ? r.procs_requested : r.procs_allocated;
  f.cpus_requested = cpus > 0 ? static_cast<uint32_t>(std::min<int64_t>(cpus, UINT32_MAX)) : 0;
  const double memory_unit = r.extended ? 1.0 : 1024.0;  // extended SWF is in bytes
  if (r.memory_requested_kb > 0) {
    f.memory_requested_bytes = static_cast<uint64_t>(r.memory_requested_kb * memory_unit);
  }
  f.time_limit_s = r.time_requested_s;
  f.state = fb::JobState::PENDING;
  return f;
}

}  // namespace

Status swf_record_events(const SwfRecord& r, const SwfHeader& h, const SwfRecordContext& c,
                         EventBuilder& builder, std::vector<BuiltEvent>* out) {
  if (r.job_number < 0) return Status::invalid_argument("record has no job number (-1)");
  if (r.submit_s < 0) return Status::invalid_argument("record has no submit time (-1)");
  JobKey job;
  job.id = static_cast<uint64_t>(r.job_number);
  if (c.array_size > 0) {
    job.kind = JobKey::Kind::kArrayTask;
    job.id = static_cast<uint64_t>(r.job_number) / c.array_size + 1;
    job.index = static_cast<uint32_t>(static_cast<uint64_t>(r.job_number) % c.array_size);
  }
  const int64_t submit_us = submit_epoch_s(r, h) * kUsPerSecond;
  const bool wait_known = r.wait_s >= 0;
  const int64_t start_us = submit_us + (wait_known ? r.wait_s : 0) * kUsPerSecond;
  const fb::TimeBasis start_basis = wait_known ? fb::TimeBasis::REPORTED : fb::TimeBasis::ASSUMED;

  auto submitted =
      builder.job_submitted(make_header(c, job, kSubmitted, submit_us, fb::TimeBasis::REPORTED),
                            submitted_fields(r, h, submit_us));
  if (!submitted.ok()) return submitted.status();
  out->push_back(std::move(submitted).value());

  const std::string raw_status = std::to_string(r.status);
  const bool cancelled_before_start = r.status == 5 && r.run_s <= 0;
  if (cancelled_before_start) {
    JobStateChangedFields f = state_change(fb::JobState::PENDING, fb::JobState::CANCELLED);
    f.raw_state = raw_status;
    auto ended = builder.job_state_changed(make_header(c, job, kEnded, start_us, start_basis), f);
    if (!ended.ok()) return ended.status();
    out->push_back(std::move(ended).value());
    return Status();
  }
  JobStateChangedFields started = state_change(fb::JobState::PENDING, fb::JobState::RUNNING);
  started.cpus = r.procs_allocated > 0 ? static_cast<uint32_t>(r.procs_allocated) : 0;
  started.nodes = r.nodes;
  auto running =
      builder.job_state_changed(make_header(c, job, kStarted, start_us, start_basis), started);
  if (!running.ok()) return running.status();
  out->push_back(std::move(running).value());
  if (r.run_s < 0) return Status();  // still running, or the trace does not say

  JobStateChangedFields f = state_change(fb::JobState::RUNNING, final_state(r.status));
  f.raw_state = raw_status;
  const int64_t end_us = start_us + r.run_s * kUsPerSecond;
  auto ended = builder.job_state_changed(make_header(c, job, kEnded, end_us, start_basis), f);
  if (!ended.ok()) return ended.status();
  out->push_back(std::move(ended).value());
  return Status();
}

namespace {

class SwfImport {
 public:
  SwfImport(EventLog& log, const SwfImportOptions& options, LineReader& reader, std::string path)
      : log_(log),
        options_(options),
        reader_(reader),
        path_(std::move(path)),
        source_("swf/" + options.cluster + "/" + reader.content_identity()),
        quarantine_(source_ + " " + path_, &batch_, options.observed_at_us) {}

  Result<SwfImportStats> run() {
    JT_RETURN_IF_ERROR(load_checkpoint());
    for (;;) {  // bounded by the file: each pass consumes one line
      auto line = reader_.next();
      if (!line.ok()) return line.status();
      if (!line->has_value()) break;
      JT_RETURN_IF_ERROR(handle_line(**line));
      if (batch_.events.size() >= batch_events_max()) JT_RETURN_IF_ERROR(commit());
    }
    JT_RETURN_IF_ERROR(commit());
    stats_.quarantined = quarantine_.count();
    return stats_;
  }

 private:
  size_t batch_events_max() const {
    // Leave room for one more record's events: a batch never splits a record.
    return std::clamp<size_t>(options_.batch_events, 1, limits::batch_events_max - 3);
  }

  Status load_checkpoint() {
    auto stored = log_.checkpoint(source_);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && (*stored)->size() == 8) {
      resume_offset_ = keys::get_be64((*stored)->data());
    }
    return Status();
  }

  Status handle_line(const TextLine& line) {
    ++stats_.lines;
    next_offset_ = line.offset + line.bytes_total + (line.newline_terminated ? 1 : 0);
    if (line.truncated) {
      if (line.offset >= resume_offset_) {
        quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                           line.bytes_total,
                           Status::limit_exceeded("line of " + std::to_string(line.bytes_total) +
                                                  " bytes is longer than " +
                                                  std::to_string(limits::line_bytes_max)));
      }
      return Status();
    }
    auto parsed = parser_.parse_line(line.text);
    if (!parsed.ok()) {
      if (line.offset >= resume_offset_) {
        quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                           line.bytes_total, parsed.status());
      }
      return Status();
    }
    const auto* record = std::get_if<SwfRecord>(&*parsed);
    if (record == nullptr) return Status();  // header lines are parsed even when resuming
    if (!cluster_registered_) JT_RETURN_IF_ERROR(add_cluster_registration());
    ++stats_.records;
    if (line.offset < resume_offset_) {
      ++stats_.records_skipped_by_checkpoint;
      return Status();
    }
    SwfRecordContext context{options_.cluster,
                             source_ + "/" + std::to_string(line.offset),
                             path_,
                             static_cast<int64_t>(line.offset),
                             static_cast<int64_t>(line.number),
                             options_.observed_at_us,
                             options_.array_size};
    Status s = swf_record_events(*record, parser_.header(), context, builder_, &batch_.events);
    if (!s.ok()) {
      quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                         line.bytes_total, s);
    }
    return Status();
  }

  // ClusterRegistered once per cluster, ever: its identity is "cluster/<name>", so every later
  // import's copy is a duplicate. Built after the header lines, whose description it carries.
  Status add_cluster_registration() {
    cluster_registered_ = true;
    EventHeaderFields h;
    h.observed_at_us = h.effective_at_us = options_.observed_at_us;
    h.effective_basis = fb::TimeBasis::OBSERVED;
    h.cluster = options_.cluster;
    h.provenance.source_kind = fb::SourceKind::JOBTRAIL;
    h.provenance.origin = path_;
    h.provenance.command = "ingest swf";
    h.provenance.identity = "cluster/" + options_.cluster;
    const SwfHeader& header = parser_.header();
    ClusterRegisteredFields f{options_.cluster, "swf", header.time_zone_string, header.computer};
    if (!header.installation.empty()) {
      f.description += f.description.empty() ? header.installation : "; " + header.installation;
    }
    auto built = builder_.cluster_registered(h, f);
    if (!built.ok()) return built.status();
    batch_.events.push_back(std::move(built).value());
    return Status();
  }

  Status commit() {
    if (next_offset_ > resume_offset_) {
      std::string value;
      keys::put_be64(&value, next_offset_);
      batch_.checkpoints.push_back(SourceCheckpoint{source_, value});
    }
    if (batch_.empty()) return Status();
    auto appended = log_.append(batch_);
    if (!appended.ok()) return appended.status();
    stats_.events_appended += appended->appended;
    stats_.events_duplicate += appended->duplicates;
    if (appended->first_new_seq != 0 && stats_.first_seq == 0) {
      stats_.first_seq = appended->first_new_seq;
    }
    if (appended->last_new_seq != 0) stats_.last_seq = appended->last_new_seq;
    batch_.clear();
    if (options_.progress) {
      options_.progress(reader_.file_position(), reader_.file_bytes(), stats_.records);
    }
    return Status();
  }

  EventLog& log_;
  const SwfImportOptions& options_;
  LineReader& reader_;
  std::string path_;
  std::string source_;
  AppendBatch batch_;
  QuarantineReporter quarantine_;
  SwfParser parser_;
  EventBuilder builder_;
  SwfImportStats stats_;
  uint64_t resume_offset_ = 0;
  uint64_t next_offset_ = 0;
  bool cluster_registered_ = false;
};

}  // namespace

Result<SwfImportStats> import_swf(EventLog& log, const std::string& path,
                                  const SwfImportOptions& options) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  auto reader = LineReader::open(path);
  if (!reader.ok()) return reader.status();
  SwfImportOptions effective = options;
  if (effective.observed_at_us == 0) effective.observed_at_us = now_us();
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  SwfImport import(log, effective, **reader, ec ? path : absolute);
  return import.run();
}

}  // namespace jobtrail::ingest::swf
