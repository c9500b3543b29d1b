#include "events/quarantine_record.h"

#include "events/keys.h"

namespace jobtrail {

std::string encode_quarantine_value(const QuarantineRecord& record) {
  std::string value;
  keys::put_be64(&value, static_cast<uint64_t>(record.observed_at_us));
  keys::put_be64(&value, static_cast<uint64_t>(record.line + 1));
  keys::put_be64(&value, record.raw_bytes_total);
  keys::put_length_prefixed(&value, record.reason);
  keys::put_length_prefixed(&value, record.raw);
  return value;
}

Result<QuarantineRecord> decode_quarantine(std::string_view key, std::string_view value) {
  auto decoded_key = keys::decode_quarantine_key(key);
  if (!decoded_key) return Status::corruption("malformed quarantine key");
  if (value.size() < 24) return Status::corruption("quarantine value too short");
  QuarantineRecord record;
  record.source = decoded_key->source;
  record.offset = decoded_key->offset;
  record.observed_at_us = static_cast<int64_t>(keys::get_be64(value.data()));
  record.line = static_cast<int64_t>(keys::get_be64(value.data() + 8)) - 1;
  record.raw_bytes_total = keys::get_be64(value.data() + 16);
  value.remove_prefix(24);
  std::string_view reason, raw;
  if (!keys::get_length_prefixed(&value, &reason) || !keys::get_length_prefixed(&value, &raw) ||
      !value.empty()) {
    return Status::corruption("malformed quarantine value at offset " +
                              std::to_string(record.offset));
  }
  record.reason = reason;
  record.raw = raw;
  return record;
}

}  // namespace jobtrail
