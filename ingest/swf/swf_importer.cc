// SWF records to events (the loop that reads, batches and commits is ingest/line_import).
#include "ingest/swf/swf_importer.h"

#include <algorithm>

#include "events/assert.h"
#include "events/limits.h"

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
  const RecordContext record{c.cluster, c.identity, c.origin, c.offset, c.line, c.observed_at_us};
  return record_event_header(record, fb::SourceKind::SWF, "swf " + c.origin, job, ordinal,
                             effective_at_us, basis);
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

// The job a record is about and its times, as both its transitions and its raw record see them.
struct SwfJob {
  JobKey key;
  int64_t submit_us = 0;
  int64_t start_us = 0;  // submit + wait; submit itself when the wait is unknown (ASSUMED)
  bool wait_known = false;
};

Result<SwfJob> swf_job(const SwfRecord& r, const SwfHeader& h, uint32_t array_size) {
  if (r.job_number < 0) return Status::invalid_argument("record has no job number (-1)");
  if (r.submit_s < 0) return Status::invalid_argument("record has no submit time (-1)");
  SwfJob job;
  job.key.id = static_cast<uint64_t>(r.job_number);
  if (array_size > 0) {
    job.key.kind = JobKey::Kind::kArrayTask;
    job.key.id = static_cast<uint64_t>(r.job_number) / array_size + 1;
    job.key.index = static_cast<uint32_t>(static_cast<uint64_t>(r.job_number) % array_size);
  }
  job.submit_us = submit_epoch_s(r, h) * kUsPerSecond;
  job.wait_known = r.wait_s >= 0;
  job.start_us = job.submit_us + (job.wait_known ? r.wait_s : 0) * kUsPerSecond;
  return job;
}

}  // namespace

Status swf_record_events(const SwfRecord& r, const SwfHeader& h, const SwfRecordContext& c,
                         EventBuilder& builder, std::vector<BuiltEvent>* out) {
  auto located = swf_job(r, h, c.array_size);
  if (!located.ok()) return located.status();
  const JobKey& job = located->key;
  const int64_t submit_us = located->submit_us, start_us = located->start_us;
  const fb::TimeBasis start_basis =
      located->wait_known ? fb::TimeBasis::REPORTED : fb::TimeBasis::ASSUMED;

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

// SWF lines through the shared import loop.
class SwfLineFormat final : public LineFormat {
 public:
  explicit SwfLineFormat(uint32_t array_size) : array_size_(array_size) {}
  std::string_view name() const override { return "swf"; }
  size_t events_per_record_max() const override { return 3; }
  Result<bool> parse(std::string_view line) override {
    auto parsed = parser_.parse_line(line);
    if (!parsed.ok()) return parsed.status();
    auto* record = std::get_if<SwfRecord>(&*parsed);
    if (record == nullptr) return false;
    record_ = std::move(*record);
    return true;
  }
  Status record_events(const RecordContext& c, EventBuilder& builder,
                       std::vector<BuiltEvent>* out) override {
    const SwfRecordContext context{c.cluster, c.identity,       c.origin,   c.offset,
                                   c.line,    c.observed_at_us, array_size_};
    return swf_record_events(record_, parser_.header(), context, builder, out);
  }
  std::optional<RawRecordFacts> raw_record_facts() const override {
    auto job = swf_job(record_, parser_.header(), array_size_);
    if (!job.ok()) return std::nullopt;  // record_events() refused it already
    const JobSubmittedFields submitted = submitted_fields(record_, parser_.header(), 0);
    RawRecordFacts f;
    f.format = fb::RecordFormat::SWF;
    f.source_kind = fb::SourceKind::SWF;
    f.command = "swf";
    f.job = job->key;
    f.user = submitted.user;
    f.account = submitted.group;  // SWF has groups, not accounts; usage by account reads these
    f.partition = submitted.partition;
    f.cpus = record_.procs_allocated > 0
                 ? static_cast<uint32_t>(std::min<int64_t>(record_.procs_allocated, UINT32_MAX))
                 : 0;
    f.submit_at_us = job->submit_us;
    const bool ran = record_.run_s >= 0 && !(record_.status == 5 && record_.run_s <= 0);
    if (ran) {
      f.start_at_us = job->start_us;
      f.end_at_us = job->start_us + record_.run_s * kUsPerSecond;
    }
    return f;
  }
  ClusterRegisteredFields cluster_registration(const std::string& cluster) const override {
    const SwfHeader& header = parser_.header();
    ClusterRegisteredFields f{cluster, "swf", header.time_zone_string, header.computer};
    if (!header.installation.empty()) {
      f.description += f.description.empty() ? header.installation : "; " + header.installation;
    }
    return f;
  }

 private:
  uint32_t array_size_;
  SwfParser parser_;
  SwfRecord record_;
};

}  // namespace

Result<SwfImportStats> import_swf(EventLog& log, const std::string& path,
                                  const SwfImportOptions& options) {
  SwfLineFormat format(options.array_size);
  LineImportOptions line_options;
  line_options.cluster = options.cluster;
  line_options.observed_at_us = options.observed_at_us;
  line_options.batch_events = options.batch_events;
  line_options.progress = options.progress;
  return import_lines(log, path, format, line_options);
}

}  // namespace jobtrail::ingest::swf
