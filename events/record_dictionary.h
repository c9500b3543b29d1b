// RecordDictionary: a zstd dictionary trained on one record format's raw records.
//
// Stored in the meta column family ("dict/" be32(id) -> u8(format) bytes), in the same
// WriteBatch as the first event compressed with it, so every stored record can always be
// decoded. Dictionaries are never rewritten or deleted: retraining adds a new id. Id 0 means
// "no dictionary" (plain zstd) and is never stored.
#pragma once

#include <cstdint>
#include <string>

#include "schemas/events_generated.h"

namespace jobtrail {

struct RecordDictionary {
  uint32_t id = 0;
  fb::RecordFormat format = fb::RecordFormat::UNKNOWN;
  std::string bytes;
};

}  // namespace jobtrail
