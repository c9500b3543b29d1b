// ValueWriter / ValueReader: the compact binary encoding of projection values.
//
//   varint  := LEB128, 1-10 bytes        (unsigned integers, lengths)
//   zigzag  := varint of (n << 1) ^ (n >> 63)   (signed integers: times, exit codes)
//   string  := varint(length) bytes
// A value is a fixed sequence of these, written and read in the same order by one codec
// function pair per type; a version byte first lets a projection change its layout (and it
// bumps its version, so old values are rebuilt, never misread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jobtrail::projections {

class ValueWriter {
 public:
  ValueWriter() { out_.reserve(256); }
  void u64(uint64_t value);
  void i64(int64_t value);
  void str(std::string_view value);
  void byte(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ValueWriter wrote. A short or malformed input sets !ok(); reads after that return
// zeros, so callers check ok() once at the end.
class ValueReader {
 public:
  explicit ValueReader(std::string_view in) : in_(in) {}
  uint64_t u64();
  int64_t i64();
  std::string str();
  uint8_t byte();
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace jobtrail::projections
