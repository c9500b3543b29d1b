// Importers of SLURM JSON documents (`sacct --json`, `squeue --json`, slurmrestd's jobs
// responses) through the shared import loop (line_import.h): each job entry of the document is
// one record, so its events are the same as a text row's (sacct_importer.h, squeue_importer.h).
//
// Provenance: a document has no record lines, so provenance.offset is the job's 0-based index
// in the document's "jobs" array and provenance.line is 0; the checkpoint is the next index.
// Identity: "<sacct-json|squeue-json@T>/<cluster>/<hash of the whole document>/<index>", so a
// re-import of the same document appends nothing. A job entry that does not convert is
// quarantined (its compact JSON, its index as offset) and the others go on; a document that is
// not JSON at all is one error and nothing is appended.
// Times are epoch seconds: the zone (--tz) does not apply to them; it is only recorded with
// the cluster's registration, as the text forms do.
// sacct: a job entry's steps are part of it (they yield no transitions, as step rows do not);
// its raw record (AccountingRecorded, format SACCT_JSON) is the entry as compact JSON,
// re-serialised by nlohmann-json: the same values, not the document's bytes.
// squeue: the snapshot's observation time is --observed-at, else the document's last_update
// (slurmctld's time for that job list; slurmrestd prints it, 22.05's squeue --json does not),
// else now. No raw records are kept for squeue snapshots (the text form keeps none either).
#pragma once

#include <string>

#include "events/event_log.h"
#include "ingest/slurm/sacct_importer.h"
#include "ingest/slurm/squeue_importer.h"

namespace jobtrail::ingest::slurm {

// options.format is ignored; options.time_zone only names the cluster's zone.
Result<LineImportStats> import_sacct_json(EventLog& log, const std::string& path,
                                          const SacctImportOptions& options);

// options.format is ignored; options.line.observed_at_us 0: see above.
Result<LineImportStats> import_squeue_json(EventLog& log, const std::string& path,
                                           const SqueueImportOptions& options);

}  // namespace jobtrail::ingest::slurm
