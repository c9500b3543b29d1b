// import_lines: the import loop every line-oriented source shares (SWF traces, sacct output,
// later PBS accounting files).
//
// Read a line, let the format parse it, turn a record into events, and every batch_events
// events commit them in one append together with the quarantined lines and the source's
// checkpoint (the offset after the last committed line). The source identity is
// "<format>/<cluster>/<content identity of the file>", so a re-import of the same content from
// any path appends nothing, and an interrupted import resumes after what it committed. Lines
// before the checkpoint are still parsed (they may carry a header) but produce no events.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_builder.h"
#include "events/event_log.h"
#include "events/status.h"
#include "ingest/append_sink.h"

namespace jobtrail::ingest {

// Where one record came from, for its events' provenance and dedup identity.
struct RecordContext {
  std::string cluster;
  std::string identity;  // "<format>/<cluster>/<content identity>/<line offset>"
  std::string origin;    // the file path
  int64_t offset = 0;
  int64_t line = 0;
  int64_t observed_at_us = 0;
};

// What a raw record's AccountingRecorded event says besides its bytes: the essentials usage
// and the job view need, read by the format's parser.
struct RawRecordFacts {
  fb::RecordFormat format = fb::RecordFormat::UNKNOWN;
  fb::SourceKind source_kind = fb::SourceKind::UNKNOWN;
  std::string command;        // provenance command: "sacct", "jobcomp", "pbs accounting"
  std::optional<JobKey> job;  // the job the record belongs to (a step's: its job); none: no job
  std::string step;           // "batch", "0" for a step's own record; empty for the job's
  std::string user, account, partition;
  uint32_t cpus = 0, gpus = 0;
  int64_t start_at_us = 0, end_at_us = 0;  // 0: not known
  int64_t submit_at_us = 0;
};

// A record's raw bytes are kept as its last event, at this fixed ordinal, so they never
// collide with the ordinals of the record's transitions.
inline constexpr uint32_t kRawRecordOrdinal = 255;

// The header of an event made from one record: its times, cluster, job (none for a record
// about no job, such as a PBS licence line) and provenance.
EventHeaderFields record_event_header(const RecordContext& context, fb::SourceKind kind,
                                      std::string_view command, const std::optional<JobKey>& job,
                                      uint32_t ordinal, int64_t effective_at_us,
                                      fb::TimeBasis basis);

class LineFormat {
 public:
  virtual ~LineFormat() = default;
  virtual std::string_view name() const = 0;  // "swf", "sacct"
  // The most events one record yields (a batch never splits a record).
  virtual size_t events_per_record_max() const = 0;
  // Parses one line. True: a record, whose events record_events() builds next; false: a
  // header or blank line (consumed). An error is quarantined with the line.
  virtual Result<bool> parse(std::string_view line) = 0;
  // The events of the record parse() just accepted, appended to *out; an error quarantines it.
  virtual Status record_events(const RecordContext& context, EventBuilder& builder,
                               std::vector<BuiltEvent>* out) = 0;
  // What to register the cluster with (once per cluster, ever), after the first record.
  virtual ClusterRegisteredFields cluster_registration(const std::string& cluster) const = 0;
  // The record parse() just accepted is kept byte-exact (events/record_codec.h) with these
  // facts; nullopt keeps nothing. Asked only after record_events() succeeded.
  virtual std::optional<RawRecordFacts> raw_record_facts() const { return std::nullopt; }
};

// The ClusterRegistered event a source adds with its first record (identity "cluster/<name>":
// once per cluster, ever; later copies are duplicates).
Result<BuiltEvent> cluster_registration_event(const LineFormat& format, const std::string& cluster,
                                              const std::string& origin, int64_t observed_at_us,
                                              EventBuilder& builder);

struct LineImportOptions {
  std::string cluster = "local";
  int64_t observed_at_us = 0;  // 0: now
  size_t batch_events = 1024;  // events per append, at most limits::batch_events_max
  // Called after each committed batch: bytes read of the file (on disk) and its size.
  std::function<void(uint64_t file_position, uint64_t file_bytes, uint64_t records)> progress;
  AppendSink sink;  // empty: the log itself (append_sink.h)
};

struct LineImportStats {
  uint64_t lines = 0;
  uint64_t records = 0;
  uint64_t events_appended = 0;
  uint64_t events_duplicate = 0;
  uint64_t records_skipped_by_checkpoint = 0;
  uint64_t quarantined = 0;
  uint64_t raw_records = 0;           // records kept byte-exact (AccountingRecorded)
  uint64_t raw_bytes = 0;             // their size as read
  uint64_t raw_compressed_bytes = 0;  // and as stored
  uint64_t first_seq = 0;             // 0 when nothing was appended
  uint64_t last_seq = 0;
};

Result<LineImportStats> import_lines(EventLog& log, const std::string& path, LineFormat& format,
                                     const LineImportOptions& options);

// The same over a command's captured output (a live poll): `origin` stands for the file path
// in provenance and quarantine ("squeue on host1"); the content identity is a hash of the whole
// `content`. No checkpoint is kept (an interrupted poll cannot be resumed: its output is gone,
// and the next poll's is another source); the events' identities still make a repeat a no-op.
Result<LineImportStats> import_captured(EventLog& log, std::string origin, std::string content,
                                        LineFormat& format, const LineImportOptions& options);

// The same loop over any LineSource; `origin` is the file named in provenance. A source's
// TextLine::next_offset is its checkpoint, so a source whose offsets are not byte offsets (a
// JSON document's job indexes) resumes by them just the same.
class LineSource;
Result<LineImportStats> import_line_source(EventLog& log, const std::string& origin,
                                           LineSource& source, LineFormat& format,
                                           const LineImportOptions& options);

}  // namespace jobtrail::ingest
