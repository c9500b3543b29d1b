#include "ingest/line_import.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "events/assert.h"
#include "events/keys.h"
#include "events/limits.h"
#include "events/record_codec.h"
#include "events/time_format.h"
#include "ingest/quarantine.h"
#include "ingest/text_source.h"

namespace jobtrail::ingest {

namespace {

class LineImport {
 public:
  LineImport(EventLog& log, const LineImportOptions& options, LineReader& reader,
             LineFormat& format, std::string path)
      : log_(log),
        options_(options),
        reader_(reader),
        format_(format),
        path_(std::move(path)),
        source_(std::string(format.name()) + "/" + options.cluster + "/" +
                reader.content_identity()),
        quarantine_(source_ + " " + path_, &batch_, options.observed_at_us) {}

  Result<LineImportStats> run() {
    JT_RETURN_IF_ERROR(load_checkpoint());
    auto compressor = RecordCompressor::for_log(log_);
    if (!compressor.ok()) return compressor.status();
    compressor_ = std::move(compressor).value();
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
    // Leave room for one more record's events and its raw record: a batch never splits a
    // record.
    return std::clamp<size_t>(options_.batch_events, 1,
                              limits::batch_events_max - format_.events_per_record_max() - 1);
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
    if (s.ok()) s = add_raw_record(context, line.text);
    if (!s.ok()) {
      batch_.events.resize(events_before);  // a record is kept whole or quarantined whole
      quarantine_.report(line.offset, static_cast<int64_t>(line.number), line.text,
                         line.bytes_total, s);
    }
    return Status();
  }

  // The record's bytes as read, compressed, as its last event (kRawRecordOrdinal). A dictionary
  // trained on the way rides in the same batch as this first record compressed with it.
  Status add_raw_record(const RecordContext& context, std::string_view raw) {
    std::optional<RawRecordFacts> facts = format_.raw_record_facts();
    if (!facts) return Status();
    JT_ASSERT(facts->format != fb::RecordFormat::UNKNOWN);
    auto compressed = compressor_->compress(facts->format, raw);
    if (!compressed.ok()) return compressed.status();
    for (RecordDictionary& dict : compressor_->take_trained()) {
      batch_.dictionaries.push_back(std::move(dict));
    }
    AccountingRecordedFields f;
    f.format = facts->format;
    f.dictionary_id = compressed->dictionary_id;
    f.raw_bytes = static_cast<uint32_t>(raw.size());
    f.compressed = std::move(compressed->bytes);
    f.user = facts->user;
    f.account = facts->account;
    f.partition = facts->partition;
    f.cpus = facts->cpus;
    f.gpus = facts->gpus;
    f.start_at_us = facts->start_at_us;
    f.end_at_us = facts->end_at_us;
    f.step = facts->step;
    // Dated at the record's latest own time: an accounting record is written when its job ends.
    const int64_t at_us = std::max({facts->end_at_us, facts->start_at_us, facts->submit_at_us});
    const bool reported = at_us > 0;
    auto built = builder_.accounting_recorded(
        record_event_header(context, facts->source_kind, facts->command, facts->job,
                            kRawRecordOrdinal, reported ? at_us : context.observed_at_us,
                            reported ? fb::TimeBasis::REPORTED : fb::TimeBasis::OBSERVED),
        f);
    if (!built.ok()) return built.status();
    batch_.events.push_back(std::move(built).value());
    ++stats_.raw_records;
    stats_.raw_bytes += raw.size();
    stats_.raw_compressed_bytes += f.compressed.size();
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
    h.provenance.command = "ingest " + std::string(format_.name());
    h.provenance.identity = "cluster/" + options_.cluster;
    auto built = builder_.cluster_registered(h, format_.cluster_registration(options_.cluster));
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
  const LineImportOptions& options_;
  LineReader& reader_;
  LineFormat& format_;
  std::string path_;
  std::string source_;
  AppendBatch batch_;
  QuarantineReporter quarantine_;
  EventBuilder builder_;
  std::unique_ptr<RecordCompressor> compressor_;
  LineImportStats stats_;
  uint64_t resume_offset_ = 0;
  uint64_t next_offset_ = 0;
  bool cluster_registered_ = false;
};

}  // namespace

EventHeaderFields record_event_header(const RecordContext& c, fb::SourceKind kind,
                                      std::string_view command, const JobKey& job, uint32_t ordinal,
                                      int64_t effective_at_us, fb::TimeBasis basis) {
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
  LineImportOptions effective = options;
  if (effective.observed_at_us == 0) effective.observed_at_us = now_us();
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  LineImport import(log, effective, **reader, format, ec ? path : absolute);
  return import.run();
}

}  // namespace jobtrail::ingest
