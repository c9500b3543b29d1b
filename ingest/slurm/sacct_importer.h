// SACCT importer: sacct output (captured or piped) into events, through ingest/line_import.
//
// Each allocation row (a step's row yields only its raw record) yields, with fixed ordinals:
//   0  JobSubmitted                      at Submit (when known)
//   1  JobStateChanged PENDING->RUNNING  at Start (when known)
//   2  JobStateChanged ->State           at End, when the row's state is final (or REQUEUED,
//                                        an earlier run listed by --duplicates): from RUNNING if
//                                        it started, else from PENDING (cancelled while pending)
//   255 AccountingRecorded               the row's bytes as sacct printed them (line_import.h)
// A RUNNING or PENDING row yields only what it knows; a row cancelled while pending (SLURM
// prints Start = End, no nodes, no elapsed time) yields no RUNNING. Times are the scheduler's, read
// in the zone of the machine that ran sacct (--tz), so effective_at is REPORTED. Array rows keep
// their key: "4103947_[1-3]" is a pending remainder, "4103947_100" a task.
#pragma once

#include <string>

#include "events/event_log.h"
#include "ingest/line_import.h"
#include "ingest/slurm/known_job.h"
#include "ingest/slurm/sacct_parser.h"

namespace jobtrail::ingest::slurm {

struct SacctImportOptions {
  std::string format;     // the --format list given to sacct; empty: read it from a header line
  std::string time_zone;  // IANA name; empty: this machine's zone
  LineImportOptions line;
  // When set, rows of jobs the ledger already knows yield nothing: a poll's backfill and
  // catch-up add only jobs it never saw (the others are followed by squeue and their lookups).
  KnownJobLookup skip_known;
};

// True when the record's run started: SLURM gives a job cancelled while pending Start = End
// (or None), no nodes and no elapsed time.
bool accounting_record_ran(const SacctRecord& record);
// True when the record says how its run ended: a final state, or REQUEUED (an earlier run
// that --duplicates lists), with an End time.
bool accounting_record_ends_run(const SacctRecord& record);

// The events of one accounting record (a sacct row, or a jobcomp record read into the same
// shape), as described above; `kind` is the provenance's source kind.
Status accounting_record_events(const SacctRecord& record, fb::SourceKind kind,
                                const RecordContext& context, EventBuilder& builder,
                                std::vector<BuiltEvent>* out);

// The facts kept beside a row's raw bytes (its AccountingRecorded event): a step's row belongs
// to its job, with `step` set.
RawRecordFacts accounting_record_facts(const SacctRecord& record, fb::RecordFormat format,
                                       fb::SourceKind kind);

Result<LineImportStats> import_sacct(EventLog& log, const std::string& path,
                                     const SacctImportOptions& options);
// The same over sacct's captured output (a live poll); `origin` names it in provenance.
Result<LineImportStats> import_sacct_captured(EventLog& log, std::string origin,
                                              std::string content,
                                              const SacctImportOptions& options);

}  // namespace jobtrail::ingest::slurm
