// How commands open the database.
//
// Read commands that answer from projections (jobs, array, history, ...) call
// open_for_query(): it opens read-only, and when the projections are current, answers from
// there without taking the writer lock. When they lag the log (a crash, an older jobtrail, a
// new projection version) and no other process holds the writer lock, it opens as the writer
// and lets the engine catch up first, so answers reflect the whole log. When a writer is busy
// (an import, serve), it answers from the projections as last committed and says on stderr
// how far they lag.
#pragma once

#include <memory>

#include "events/event_log.h"
#include "tools/commands.h"

namespace jobtrail::tools {

// Opens global.db_dir read-only; on failure logs the reason (with spdlog) and returns null.
std::unique_ptr<EventLog> open_log_for_reading(const GlobalOptions& global);

struct QueryLog {
  std::unique_ptr<EventLog> log;
  uint64_t applied_seq = 0;  // the seq the projections reflect
};

// Null log (and the reason logged) when the database cannot be opened or caught up.
QueryLog open_for_query(const GlobalOptions& global);

// Writer commands: opens (creating the database if needed) and brings projections up to date.
// Null on failure, with the reason logged.
std::unique_ptr<EventLog> open_writer_with_projections(const GlobalOptions& global,
                                                       const EventLogOptions& options);

// Applies what the projections have not seen yet (with a progress bar on a terminal).
Status catch_up_projections(EventLog& log, uint64_t* applied_seq);

}  // namespace jobtrail::tools
