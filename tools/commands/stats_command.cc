// `jobtrail stats`: head seq, events by type, bytes on disk per event, quarantined count.
// Counting by type scans the log once (a few seconds per 10 M events).
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "tools/commands.h"
#include "tools/commands/open_log.h"

namespace jobtrail::tools {

int run_stats(const GlobalOptions& global, const StatsOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  std::map<std::string, uint64_t> by_type;
  std::map<std::string, uint64_t> by_cluster;
  auto cursor = log->scan(1);
  for (uint64_t steps = 0; steps <= log->head(); ++steps) {
    auto next = cursor->next();
    if (!next.ok()) {
      spdlog::error("{}", next.status().to_string());
      return 1;
    }
    if (!next->has_value()) break;
    ++by_type[std::string((*next)->type_name())];
    ++by_cluster[std::string((*next)->cluster())];
  }
  auto quarantined = log->quarantined_count();
  auto storage = log->storage_stats();
  if (!quarantined.ok() || !storage.ok()) {
    spdlog::error("{}", (!quarantined.ok() ? quarantined.status() : storage.status()).to_string());
    return 1;
  }
  const uint64_t head = log->head();
  const uint64_t disk_bytes = storage->sst_bytes + storage->wal_bytes;
  const double bytes_per_event = head > 0 ? static_cast<double>(disk_bytes) / head : 0.0;
  if (options.json) {
    nlohmann::json j{{"head_seq", head},
                     {"events_by_type", by_type},
                     {"events_by_cluster", by_cluster},
                     {"quarantined", *quarantined},
                     {"disk_bytes", disk_bytes},
                     {"sst_bytes", storage->sst_bytes},
                     {"projection_sst_bytes", storage->projection_sst_bytes},
                     {"wal_bytes", storage->wal_bytes},
                     {"bytes_per_event", bytes_per_event}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "head seq      " << head << "\n";
  for (const auto& [type, count] : by_type) std::cout << "  " << type << "  " << count << "\n";
  for (const auto& [cluster, count] : by_cluster) {
    std::cout << "cluster " << cluster << "  " << count << " events\n";
  }
  std::cout << "quarantined   " << *quarantined << "\n";
  std::cout << "disk bytes    " << disk_bytes << " (" << bytes_per_event << " per event)\n";
  return 0;
}

}  // namespace jobtrail::tools
