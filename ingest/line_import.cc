#include "ingest/line_import.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "events/assert.h"
#include "events/keys.h"
#include "events/limits.h"
#include "events/time_format.h"
#include "ingest/quarantine.h"
#include "ingest/raw_records.h"
#include "ingest/text_source.h"

namespace jobtrail::ingest {

namespace {

class LineImport {
 public:
  LineImport(EventLog& log, const LineImportOptions& options, LineSource& reader,
             LineFormat& format, std::string path, bool checkpointed)
      : checkpointed_(checkpointed),
        log_(log),
        options_(options),
        reader_(reader),
        format_(format),
        path_(std::move(path)),
        source_(std::string(format.name()) + "/" + options.cluster + "/" +
                reader.content_identity()),
        quarantine_(source_ + " " + path_, &batch_, options.observed_at_us) {}

  Result<LineImportStats> run() {
    JT_RETURN_IF_ERROR(load_checkpoint());
    auto keeper = RawRecordKeeper::for_log(log_);
    if (!keeper.ok()) return keeper.status();
    raw_records_ = std::move(keeper).value();
    for (;;) {  // bounded by the file: each pass consumes one line
      auto line = reader_.next();
      if (!line.ok()) return line.status();
      if (!line->has_value()) break;
      JT_RETURN_IF_ERROR(handle_line(**line));
      if (batch_.events.size() >= batch_events_max()) JT_RETURN_IF_ERROR(commit());
    }
    JT_RETURN_IF_ERROR(commit());
    stats_.quarantined = quarantine_.count();
    stats_.raw_records = raw_records_->records();
    stats_.raw_bytes = raw_records_->raw_bytes();
    stats_.raw_compressed_bytes = raw_records_->stored_bytes();
    return stats_;
  }

 private:
  size_t batch_events_max() const {
    // Leave room for one more record's events and its raw record: a batch never splits a
    // record.
    return std::clamp<size_t>(options_.batch_events, 1,
                              limits::batch_events_max - format_.events_per_record_max() - 1);
  }

  Status load_checkpoint() {
    if (!checkpointed_) return Status();
    auto stored = log_.checkpoint(source_);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && (*stored)->size() == 8) {
      resume_offset_ = keys::get_be64((*stored)->data());
    }
    return Status();
  }

  Status handle_line(const TextLine& line) {
    ++stats_.lines;
    next_offset_ = line.next_offset;
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
    auto is_record = format_.parse(line.text);
    if (!is_record.ok()) {
      if (line.offset >= resume_offset_) {
        quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                           line.bytes_total, is_record.status());
      }
      return Status();
    }
    if (!*is_record) return Status();  // header lines are parsed even when resuming
    if (!cluster_registered_) JT_RETURN_IF_ERROR(add_cluster_registration());
    ++stats_.records;
    if (line.offset < resume_offset_) {
      ++stats_.records_skipped_by_checkpoint;
      return Status();
    }
    const RecordContext context{options_.cluster,
                                source_ + "/" + std::to_string(line.offset),
                                path_,
                                static_cast<int64_t>(line.offset),
                                static_cast<int64_t>(line.number),
                                options_.observed_at_us};
    const size_t events_before = batch_.events.size();
    Status s = format_.record_events(context, builder_, &batch_.events);
    if (s.ok()) s = raw_records_->add(format_, context, line.text, builder_, &batch_);
    if (!s.ok()) {
      batch_.events.resize(events_before);  // a record is kept whole or quarantined whole
      quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                         line.bytes_total, s);
    }
    return Status();
  }

  Status add_cluster_registration() {
    cluster_registered_ = true;
    auto built = cluster_registration_event(format_, options_.cluster, path_,
                                            options_.observed_at_us, builder_);
    if (!built.ok()) return built.status();
    batch_.events.push_back(std::move(built).value());
    return Status();
  }

  Status commit() {
    if (checkpointed_ && next_offset_ > resume_offset_) {
      std::string value;
      keys::put_be64(&value, next_offset_);
      batch_.checkpoints.push_back(SourceCheckpoint{source_, value});
    }
    if (batch_.empty()) return Status();
    auto appended = append_through(log_, options_.sink, batch_);
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

  const bool checkpointed_;
  EventLog& log_;
  const LineImportOptions& options_;
  LineSource& reader_;
  LineFormat& format_;
  std::string path_;
  std::string source_;
  AppendBatch batch_;
  QuarantineReporter quarantine_;
  EventBuilder builder_;
  std::unique_ptr<RawRecordKeeper> raw_records_;
  LineImportStats stats_;
  uint64_t resume_offset_ = 0;
  uint64_t next_offset_ = 0;
  bool cluster_registered_ = false;
};

Result<LineImportStats> run_import(EventLog& log, LineSource& reader, std::string origin,
                                   LineFormat& format, const LineImportOptions& options,
                                   bool checkpointed) {
  LineImportOptions effective = options;
  if (effective.observed_at_us == 0) effective.observed_at_us = now_us();
  LineImport import(log, effective, reader, format, std::move(origin), checkpointed);
  return import.run();
}

}  // namespace

// ClusterRegistered once per cluster, ever: its identity is "cluster/<name>", so every later
// import's copy is a duplicate. Built after the header lines, whose description it carries.
Result<BuiltEvent> cluster_registration_event(const LineFormat& format, const std::string& cluster,
                                              const std::string& origin, int64_t observed_at_us,
                                              EventBuilder& builder) {
  EventHeaderFields h;
  h.observed_at_us = h.effective_at_us = observed_at_us;
  h.effective_basis = fb::TimeBasis::OBSERVED;
  h.cluster = cluster;
  h.provenance.source_kind = fb::SourceKind::JOBTRAIL;
  h.provenance.origin = origin;
  h.provenance.command = "ingest " + std::string(format.name());
  h.provenance.identity = "cluster/" + cluster;
  return builder.cluster_registered(h, format.cluster_registration(cluster));
}

EventHeaderFields record_event_header(const RecordContext& c, fb::SourceKind kind,
                                      std::string_view command, const std::optional<JobKey>& job,
                                      uint32_t ordinal, int64_t effective_at_us,
                                      fb::TimeBasis basis) {
  EventHeaderFields h;
  h.observed_at_us = c.observed_at_us;
  h.effective_at_us = effective_at_us;
  h.effective_basis = basis;
  h.cluster = c.cluster;
  h.job = job;
  h.provenance.source_kind = kind;
  h.provenance.origin = c.origin;
  h.provenance.command = std::string(command);
  h.provenance.offset = c.offset;
  h.provenance.line = c.line;
  h.provenance.ordinal = ordinal;
  h.provenance.identity = c.identity;
  return h;
}

Result<LineImportStats> import_lines(EventLog& log, const std::string& path, LineFormat& format,
                                     const LineImportOptions& options) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  auto reader = LineReader::open(path);
  if (!reader.ok()) return reader.status();
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  return run_import(log, **reader, ec ? path : absolute, format, options, true);
}

Result<LineImportStats> import_captured(EventLog& log, std::string origin, std::string content,
                                        LineFormat& format, const LineImportOptions& options) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  auto reader = LineReader::from_memory(origin, std::move(content));
  return run_import(log, *reader, std::move(origin), format, options, false);
}

Result<LineImportStats> import_line_source(EventLog& log, const std::string& origin,
                                           LineSource& source, LineFormat& format,
                                           const LineImportOptions& options) {
  if (options.cluster.empty()) return Status::invalid_argument("--cluster must not be empty");
  return run_import(log, source, origin, format, options, true);
}

}  // namespace jobtrail::ingest
