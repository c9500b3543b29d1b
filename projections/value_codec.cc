#include "projections/value_codec.h"

namespace jobtrail::projections {

uint64_t ValueReader::u64() {
  uint64_t value = 0;
  for (int shift = 0; shift <= 63 && ok_; shift += 7) {
    if (in_.empty()) break;
    const auto b = static_cast<unsigned char>(in_.front());
    in_.remove_prefix(1);
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  ok_ = false;
  return 0;
}

int64_t ValueReader::i64() {
  const uint64_t raw = u64();
  return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

std::string ValueReader::str() {
  return std::string(str_view());
}

std::string_view ValueReader::str_view() {
  const uint64_t length = u64();
  if (!ok_ || length > in_.size()) {
    ok_ = false;
    return {};
  }
  const std::string_view value = in_.substr(0, length);
  in_.remove_prefix(length);
  return value;
}

uint8_t ValueReader::byte() {
  if (in_.empty()) {
    ok_ = false;
    return 0;
  }
  const auto b = static_cast<uint8_t>(in_.front());
  in_.remove_prefix(1);
  return b;
}

}  // namespace jobtrail::projections
