// ValueWriter / ValueReader: the compact binary encoding of projection values.
//
//   varint  := LEB128, 1-10 bytes        (unsigned integers, lengths)
//   zigzag  := varint of (n << 1) ^ (n >> 63)   (signed integers: times, exit codes)
//   string  := varint(length) bytes
// A value is a fixed sequence of these, written and read in the same order by one codec
// function pair per type; a version byte first lets a projection change its layout (and it
// bumps its version, so old values are rebuilt, never misread).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace jobtrail::projections {

// Writes through a raw cursor into a buffer grown ahead (a varint is at most 10 bytes): a
// job view is thirty fields, and an append call with its capacity check per field was about
// a third of encoding one.
class ValueWriter {
 public:
  ValueWriter() { out_.resize(kInitialBytes); }
  void u64(uint64_t value) {
    room(10);
    while (value >= 0x80) {
      out_[size_++] = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_[size_++] = static_cast<char>(value);
  }
  void i64(int64_t value) {
    u64((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void str(std::string_view value) {
    u64(value.size());
    room(value.size());
    value.copy(out_.data() + size_, value.size());
    size_ += value.size();
  }
  void byte(uint8_t value) {
    room(1);
    out_[size_++] = static_cast<char>(value);
  }
  // What was written since construction, take() or clear(); valid until the next write.
  std::string_view view() const { return std::string_view(out_.data(), size_); }
  void clear() { size_ = 0; }
  std::string take() {
    out_.resize(size_);
    size_ = 0;
    return std::move(out_);
  }

 private:
  static constexpr size_t kInitialBytes = 256;
  void room(size_t bytes) {
    if (size_ + bytes > out_.size()) out_.resize(std::max(out_.size() * 2, size_ + bytes));
  }
  std::string out_;
  size_t size_ = 0;  // bytes written; out_ beyond it is room
};

// Reads what ValueWriter wrote. A short or malformed input sets !ok(); reads after that return
// zeros, so callers check ok() once at the end.
class ValueReader {
 public:
  explicit ValueReader(std::string_view in) : in_(in) {}
  uint64_t u64();
  int64_t i64();
  std::string str();
  std::string_view str_view();  // into the input
  uint8_t byte();
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }
  size_t remaining() const { return in_.size(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace jobtrail::projections
