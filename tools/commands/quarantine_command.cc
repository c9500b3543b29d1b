// `jobtrail quarantine`: the lines that did not parse, with their source, offset and reason.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "events/time_format.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

int run_quarantine(const GlobalOptions& global, const QuarantineOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  nlohmann::json records = nlohmann::json::array();
  uint64_t shown = 0;
  Status s = log->for_each_quarantined([&](const QuarantineRecord& r) {
    if (options.json) {
      nlohmann::json j{{"source", r.source},
                       {"offset", r.offset},
                       {"reason", r.reason},
                       {"raw_bytes_total", r.raw_bytes_total},
                       {"observed_at", format_iso8601_us(r.observed_at_us)}};
      if (r.line >= 0) j["line"] = r.line;
      j["raw"] = r.raw;  // any bytes: dump() below replaces invalid UTF-8
      records.push_back(std::move(j));
    } else {
      std::cout << r.source << " offset " << r.offset;
      if (r.line >= 0) std::cout << " line " << r.line;
      std::cout << ": " << r.reason << "\n    " << r.raw.substr(0, 200) << "\n";
    }
    return ++shown < options.limit;
  });
  if (!s.ok()) {
    spdlog::error("{}", s.to_string());
    return 1;
  }
  if (options.json) {
    std::cout << records.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}

}  // namespace jobtrail::tools
