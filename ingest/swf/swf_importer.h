// SWF importer: turns a trace's records into events and appends them.
//
// Each record yields up to three events, with fixed ordinals so the dedup key of each never
// changes between imports:
//   0  JobSubmitted                 effective at submit
//   1  JobStateChanged PENDING->RUNNING   at submit + wait
//   2  JobStateChanged ->final      at start + run time (RUNNING->final), or at submit + wait
//                                   for a job cancelled before it started (PENDING->CANCELLED)
// Final states: status 1 COMPLETED, 0 FAILED, 5 CANCELLED, 3 COMPLETED and 4 FAILED (last
// partial executions), 2 PREEMPTED (a partial execution to be continued), -1 or anything else
// ENDED (the trace does not say how the job ended). The raw status is kept as raw_state.
// Unknown wait (-1, as in the NASA and LCG traces, whose submit times are really start times)
// means start = submit with effective_basis ASSUMED. Unknown run time means no final event.
//
// Times: column 2 is seconds since the header's UnixStartTime; a trace whose submit values
// are already epoch seconds (Alea's extended SWF, AleaNG) is detected per record: a submit
// >= 1e9 that is also >= UnixStartTime (or with no UnixStartTime) is absolute.
//
// Idempotence: provenance identity = "swf/<cluster>/<content identity>/<line offset>", so a
// re-import of the same content (from any path) appends nothing. The source checkpoint
// (offset after the last committed record) is written in the same batch as the events, so
// an interrupted import resumes after what it committed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "events/event_builder.h"
#include "events/event_log.h"
#include "events/status.h"
#include "ingest/line_import.h"
#include "ingest/swf/swf_parser.h"

namespace jobtrail::ingest::swf {

struct SwfRecordContext {
  std::string cluster;
  std::string identity;  // "swf/<cluster>/<content identity>/<offset>"
  std::string origin;    // the file path
  int64_t offset = 0;
  int64_t line = 0;
  int64_t observed_at_us = 0;
  // Benchmarks and demos: > 0 groups the trace's jobs into arrays of this many tasks (job n
  // becomes task n % size of array n / size + 1), so real timings drive array-shaped keys.
  uint32_t array_size = 0;
};

// Pure: the events of one record (0 to 3), appended to *out. Fails only on a record that
// cannot become events (no job number); the caller quarantines it.
Status swf_record_events(const SwfRecord& record, const SwfHeader& header,
                         const SwfRecordContext& context, EventBuilder& builder,
                         std::vector<BuiltEvent>* out);

struct SwfImportOptions {
  std::string cluster = "local";
  int64_t observed_at_us = 0;  // 0: now
  size_t batch_events = 1024;  // events per append, at most limits::batch_events_max
  uint32_t array_size = 0;     // see SwfRecordContext::array_size
  // Called after each committed batch: bytes read of the file (on disk) and its size.
  std::function<void(uint64_t file_position, uint64_t file_bytes, uint64_t records)> progress;
};

using SwfImportStats = LineImportStats;

Result<SwfImportStats> import_swf(EventLog& log, const std::string& path,
                                  const SwfImportOptions& options);

}  // namespace jobtrail::ingest::swf
