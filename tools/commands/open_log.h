// How commands open the database: readers share one path that reports a failure once.
#pragma once

#include <memory>

#include "events/event_log.h"
#include "tools/commands.h"

namespace jobtrail::tools {

// Opens global.db_dir read-only; on failure logs the reason (with spdlog) and returns null.
std::unique_ptr<EventLog> open_log_for_reading(const GlobalOptions& global);

}  // namespace jobtrail::tools
