// Pieces the query commands and their as-of forms share: naming a job or an array on the
// command line, and printing an array or a history in plain text or JSON.
#pragma once

#include <string_view>
#include <vector>

#include "events/event_log.h"
#include "projections/arrays_projection.h"
#include "projections/job_history.h"

namespace jobtrail::tools {

// One job, named as its scheduler writes it; ambiguity is an error listing the candidates.
Result<EventLog::JobRef> resolve_job(const EventLog& log, std::string_view job,
                                     std::string_view cluster);

// One array by its parent key ("123", "123456[].server"), in `cluster` or the only cluster
// that has it.
Result<projections::ArrayCounts> resolve_array(const EventLog& log,
                                               const projections::StateSource& arrays,
                                               std::string_view array, std::string_view cluster);

void print_array(const projections::ArrayCounts& counts,
                 const std::vector<projections::ArrayTask>* tasks, bool json);
void print_history(const EventLog& log, const std::vector<projections::HistoryEntry>& entries,
                   bool json);

}  // namespace jobtrail::tools
