// SQUEUE importer: a squeue snapshot (a poll, captured or piped) diffed against what the ledger
// already knows, so that only changes become events.
//
// For each row, with fixed ordinals:
//   0  JobSubmitted             a job the ledger has not seen (at SubmitTime when squeue gave
//                               it, else at the observation time, marked OBSERVED)
//   1  JobStateChanged          the row's state differs from the known one: at StartTime for a
//                               start, at EndTime for an end or COMPLETING (SLURM sets EndTime
//                               when the job enters COMPLETING), when squeue gave them, else at
//                               the observation time
//   2  JobFieldsUpdated         reason, priority, partition, qos, name or nodes changed
//   3+ DependencyDeclared       one per part of the Dependency column (%E) when the declaration
//                               appears or changes (at SubmitTime for a new job, else at the
//                               observation time). SLURM's status suffixes ("(unfulfilled)")
//                               stay in `raw` and are no change; nor is a list that only lost
//                               entries: SLURM drops a dependency once it is satisfied.
// A job that is known but missing from the snapshot yields nothing: squeue forgets jobs after
// MinJobAge, and the ledger never guesses an end state (sacct says how a job ended).
// Identity: a snapshot is a poll identified by its observation time, so importing the same
// capture with the same --observed-at appends nothing, while the same output observed later is
// a new poll (and the diff makes it yield only what changed).
// Pending array remainders ("5_[3-20%5]") are rows like any other; as tasks start they show up
// on their own rows and the arrays projection moves them out of the remainder.
#pragma once

#include <string>

#include "events/event_log.h"
#include "ingest/line_import.h"
#include "ingest/slurm/dependency_parser.h"
#include "ingest/slurm/known_job.h"
#include "ingest/slurm/squeue_parser.h"

namespace jobtrail::ingest::slurm {

struct SqueueImportOptions {
  std::string format;      // the -o/--format string (or -O list) given to squeue
  std::string time_zone;   // IANA name; empty: this machine's zone
  LineImportOptions line;  // line.observed_at_us: when the snapshot was taken (0: now)
  KnownJobLookup known;
};

// The events of one squeue row (text or JSON) against what `known` says, as described above.
Status squeue_record_events(const SqueueRecord& row, const KnownJobLookup& known,
                            const RecordContext& context, EventBuilder& builder,
                            std::vector<BuiltEvent>* out);

Result<LineImportStats> import_squeue(EventLog& log, const std::string& path,
                                      const SqueueImportOptions& options);
// The same over squeue's captured output (a live poll); `origin` names it in provenance.
Result<LineImportStats> import_squeue_captured(EventLog& log, std::string origin,
                                               std::string content,
                                               const SqueueImportOptions& options);

}  // namespace jobtrail::ingest::slurm
