// The one place a rocksdb::Status becomes a jobtrail Status (internal to events/).
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "events/status.h"

namespace jobtrail {

// `context` says what was being done ("append", "open /data/db"); Corruption stays Corruption.
Status from_rocksdb(const rocksdb::Status& status, std::string_view context);

}  // namespace jobtrail
