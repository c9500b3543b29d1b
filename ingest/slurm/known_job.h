// KnownJob: what the ledger believes about one job now, as the SLURM importers and the poller
// need it. tools/ answers KnownJobLookup from the jobs projection (ingest cannot see it).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "events/job_state.h"
#include "events/status.h"
#include "ingest/slurm/dependency_parser.h"

namespace jobtrail::ingest::slurm {

struct KnownJob {
  fb::JobState state = fb::JobState::UNKNOWN;
  std::string reason, priority, partition, qos, name, nodes;
  int64_t start_at_us = 0;    // the start of its latest known run (0: never seen running)
  DependencySpec dependency;  // the declaration the ledger holds (empty: none)
};
using KnownJobLookup =
    std::function<Result<std::optional<KnownJob>>(std::string_view cluster, std::string_view job)>;

}  // namespace jobtrail::ingest::slurm
