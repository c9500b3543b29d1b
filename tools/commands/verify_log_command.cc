// `jobtrail verify-log`: exit 0 only when every event verifies, seqs are contiguous and the
// stream and dedup indexes agree with the log (events/log_verifier.h).
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "events/log_verifier.h"
#include "tools/commands.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

int run_verify_log(const GlobalOptions& global, const VerifyLogOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  auto report = verify_log(*log);
  if (!report.ok()) {
    spdlog::error("verify-log could not run: {}", report.status().to_string());
    return 1;
  }
  if (options.json) {
    nlohmann::json j{{"clean", report->clean()},
                     {"head_seq", report->head},
                     {"events_checked", report->events_checked},
                     {"dedup_entries", report->dedup_entries},
                     {"stream_entries", report->stream_entries},
                     {"fault_count", report->fault_count},
                     {"faults", report->faults}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << (report->clean() ? "clean" : "FAULTS") << ": " << report->events_checked
              << " events, " << report->dedup_entries << " dedup entries, "
              << report->stream_entries << " stream entries, head seq " << report->head << "\n";
    for (const std::string& fault : report->faults) std::cout << "  " << fault << "\n";
    if (report->fault_count > report->faults.size()) {
      std::cout << "  ... and " << report->fault_count - report->faults.size() << " more\n";
    }
  }
  return report->clean() ? 0 : 1;
}

}  // namespace jobtrail::tools
