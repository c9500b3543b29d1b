// audit_job: a job's every state fact with its time and provenance, each checked against the
// state machine in transition_rules.cc (`jobtrail audit JOB`).
#pragma once

#include <string>
#include <vector>

#include "events/event_log.h"
#include "projections/job_history.h"
#include "replay/transition_rules.h"

namespace jobtrail::replay {

struct AuditedFact {
  projections::HistoryEntry entry;
  fb::SourceKind source_kind = fb::SourceKind::UNKNOWN;
  std::string origin, command;
  int64_t offset = -1, line = -1;
  uint64_t poll_id = 0;
  std::vector<TransitionFlag> flags;  // empty when the fact is possible
};

// `history` is the job's history by effective time (projections::read_history).
Result<std::vector<AuditedFact>> audit_job(const EventLog& log,
                                           const std::vector<projections::HistoryEntry>& history);

}  // namespace jobtrail::replay
