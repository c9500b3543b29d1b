#include "projections/value_codec.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

namespace jobtrail::projections {

TEST_CASE("values round-trip through the writer and reader, at every varint length",
          "[projections][codec]") {
  ValueWriter w;
  w.byte(7);
  for (int shift = 0; shift < 64; ++shift) w.u64(uint64_t{1} << shift);
  w.u64(UINT64_MAX);
  w.i64(INT64_MIN);
  w.i64(-1);
  w.i64(INT64_MAX);
  w.str("");
  w.str("user1");
  const std::string value = w.take();

  ValueReader r(value);
  CHECK(r.byte() == 7);
  for (int shift = 0; shift < 64; ++shift) CHECK(r.u64() == uint64_t{1} << shift);
  CHECK(r.u64() == UINT64_MAX);
  CHECK(r.i64() == INT64_MIN);
  CHECK(r.i64() == -1);
  CHECK(r.i64() == INT64_MAX);
  CHECK(r.str().empty());
  CHECK(r.str() == "user1");
  CHECK(r.ok());
  CHECK(r.at_end());
}

TEST_CASE("a value longer than the writer's first buffer keeps every byte",
          "[projections][codec]") {
  // The writer starts with room for 256 bytes and grows; strings and varints that cross the
  // boundary, and one string larger than twice the buffer, must all come back whole.
  std::string long_text(1000, 'x');
  for (size_t i = 0; i < long_text.size(); ++i) long_text[i] = static_cast<char>('a' + i % 26);
  ValueWriter w;
  for (int i = 0; i < 40; ++i) {
    w.str("field-" + std::to_string(i));
    w.u64(uint64_t{1} << (i % 64));
  }
  w.str(long_text);
  w.i64(-123456789);
  const std::string value = w.take();
  CHECK(value.size() > 1000);

  ValueReader r(value);
  for (int i = 0; i < 40; ++i) {
    CHECK(r.str() == "field-" + std::to_string(i));
    CHECK(r.u64() == uint64_t{1} << (i % 64));
  }
  CHECK(r.str() == long_text);
  CHECK(r.i64() == -123456789);
  CHECK(r.ok());
  CHECK(r.at_end());
}

TEST_CASE("a truncated value reads as not ok instead of past its end", "[projections][codec]") {
  ValueWriter w;
  w.str("account-with-a-name");
  w.u64(UINT64_MAX);
  const std::string value = w.take();
  for (size_t cut = 0; cut < value.size(); ++cut) {
    ValueReader r(std::string_view(value).substr(0, cut));
    (void)r.str();
    (void)r.u64();
    CHECK_FALSE(r.ok());
  }
}

}  // namespace jobtrail::projections
