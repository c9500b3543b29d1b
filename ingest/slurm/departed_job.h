// departed_job_events: how a job that left squeue ended, from sacct's rows of it, written as
// the transitions the ledger has not recorded yet.
//
// `runs` are the job's allocation rows as `sacct --duplicates` lists them, in order: earlier
// runs of a requeued job (state REQUEUED), then the latest. Against the ledger's `known` state
// and the start of its latest known run:
//   - a run that started before the known start is history the ledger has: skipped;
//   - the known run (same start) ends: known state -> the row's state at End, unless the ledger
//     already saw the job pending again (a requeue squeue showed);
//   - a later run, or a run the ledger never saw start: -> RUNNING at Start, then its end;
//   - a job that never ran (cancelled while pending): PENDING -> the row's state at End.
// Times are sacct's (REPORTED). Each run's events have the identity
// "slurm-poll/<cluster>/<job>/run/<start or end us>" (ordinal 0: start, 1: end), so a lookup
// repeated after a crash appends nothing. Returns true when the latest row is a final state:
// the job is resolved; false: look it up again later (never guess an end).
#pragma once

#include <vector>

#include "events/event_builder.h"
#include "ingest/line_import.h"
#include "ingest/slurm/known_job.h"
#include "ingest/slurm/sacct_parser.h"

namespace jobtrail::ingest::slurm {

Result<bool> departed_job_events(const KnownJob& known, const std::vector<SacctRecord>& runs,
                                 const RecordContext& context, EventBuilder& builder,
                                 std::vector<BuiltEvent>* out);

}  // namespace jobtrail::ingest::slurm
