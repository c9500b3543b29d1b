#include "tools/commands/open_log.h"

#include <spdlog/spdlog.h>

namespace jobtrail::tools {

std::unique_ptr<EventLog> open_log_for_reading(const GlobalOptions& global) {
  EventLogOptions options;
  options.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(global.db_dir, options);
  if (!log.ok()) {
    spdlog::error("{}", log.status().to_string());
    return nullptr;
  }
  return std::move(log).value();
}

}  // namespace jobtrail::tools
