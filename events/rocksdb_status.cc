#include "events/rocksdb_status.h"

#include <string>

namespace jobtrail {

Status from_rocksdb(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status();
  std::string message(context);
  message += ": ";
  message += status.ToString();
  if (status.IsNotFound()) return Status::not_found(message);
  if (status.IsCorruption()) return Status::corruption(message);
  if (status.IsInvalidArgument()) return Status::invalid_argument(message);
  if (status.IsBusy() || status.IsTryAgain()) return Status::unavailable(message);
  return Status::io_error(message);
}

}  // namespace jobtrail
