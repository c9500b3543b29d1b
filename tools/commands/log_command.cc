// `jobtrail log`: the decoded events from a seq, as lines or a JSON array.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/commands.h"
#include "tools/event_json.h"

namespace jobtrail::tools {

int run_log(const GlobalOptions& global, const LogOptions& options) {
  EventLogOptions log_options;
  log_options.mode = EventLogOptions::Mode::kReader;
  auto log = EventLog::open(global.db_dir, log_options);
  if (!log.ok()) {
    spdlog::error("{}", log.status().to_string());
    return 1;
  }
  auto cursor = (*log)->scan(std::max<uint64_t>(options.from_seq, 1));
  nlohmann::json events = nlohmann::json::array();
  for (uint64_t printed = 0; printed < options.limit; ++printed) {
    auto next = cursor->next();
    if (!next.ok()) {
      spdlog::error("{}", next.status().to_string());
      return 1;
    }
    if (!next->has_value()) break;
    if (options.json) {
      events.push_back(event_to_json(**next));
    } else {
      std::cout << event_to_line(**next) << "\n";
    }
  }
  if (options.json) std::cout << events.dump(2) << "\n";
  return 0;
}

}  // namespace jobtrail::tools
