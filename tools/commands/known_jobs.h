// The jobs projection as the SLURM importers' and poller's KnownJobLookup (ingest/ cannot see
// projections; tools/ hands it this).
#pragma once

#include "events/event_log.h"
#include "ingest/slurm/known_job.h"

namespace jobtrail::tools {

// Reads the current stored state on each call; `log` must outlive the lookup.
ingest::slurm::KnownJobLookup known_jobs_lookup(const EventLog& log);

}  // namespace jobtrail::tools
