// A job's raw accounting records, read back from its AccountingRecorded events, for the
// `record` command and GET /api/jobs/{cluster}/{job}/records alike.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/event_log.h"

namespace jobtrail::tools {

struct RawRecord {
  uint64_t seq = 0;
  std::string format, source, origin, step;
  int64_t offset = 0, line = 0;
  uint32_t dictionary_id = 0;
  size_t stored_bytes = 0;
  std::string bytes;  // exactly as the scheduler wrote the record
};

// The job's records in its stream's order (the order they were read from their sources).
Result<std::vector<RawRecord>> read_raw_records(const EventLog& log, std::string_view cluster,
                                                std::string_view job);

// One record as JSON: "raw" holds its bytes (JSON needs UTF-8: dump with error_handler replace;
// the bytes themselves are exact only through `record --raw`).
nlohmann::json raw_record_json(const RawRecord& record);

}  // namespace jobtrail::tools
