// Tests for the key encodings (events/keys.h): bytewise order of keys is numeric order, the
// variable parts are length-prefixed so that no job's keys can be mistaken for another job's,
// and decoding malformed keys never succeeds.
#include "events/keys.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jobtrail {
namespace {

// RocksDB's default comparator: unsigned bytewise, shorter first on a common prefix.
bool bytewise_less(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  });
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::vector<uint64_t> interesting_u64() {
  std::vector<uint64_t> values = {0,
                                  1,
                                  2,
                                  0x7f,
                                  0x80,
                                  0xff,
                                  0x100,
                                  0xffff,
                                  0x10000,
                                  0xffffffffULL,
                                  0x100000000ULL,
                                  0x7fffffffffffffffULL,
                                  0x8000000000000000ULL,
                                  std::numeric_limits<uint64_t>::max() - 1,
                                  std::numeric_limits<uint64_t>::max()};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) values.push_back(rng() >> (rng() % 64));
  return values;
}

TEST_CASE("be64 and be32 round trip and are big-endian", "[events][keys]") {
  std::string out;
  keys::put_be64(&out, 0x0102030405060708ULL);
  REQUIRE(out == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  REQUIRE(keys::get_be64(out.data()) == 0x0102030405060708ULL);

  out.clear();
  keys::put_be32(&out, 0xa1b2c3d4U);
  REQUIRE(out == std::string("\xa1\xb2\xc3\xd4", 4));
  REQUIRE(keys::get_be32(out.data()) == 0xa1b2c3d4U);

  for (uint64_t v : interesting_u64()) {
    std::string b;
    keys::put_be64(&b, v);
    REQUIRE(b.size() == 8);
    REQUIRE(keys::get_be64(b.data()) == v);
    std::string c;
    keys::put_be32(&c, static_cast<uint32_t>(v));
    REQUIRE(c.size() == 4);
    REQUIRE(keys::get_be32(c.data()) == static_cast<uint32_t>(v));
  }
}

TEST_CASE("log keys sort bytewise in numeric seq order", "[events][keys]") {
  const std::vector<uint64_t> values = interesting_u64();
  for (uint64_t a : values) {
    for (uint64_t b : values) {
      INFO(a << " vs " << b);
      REQUIRE(bytewise_less(keys::log_key(a), keys::log_key(b)) == (a < b));
    }
  }
  // The classic little-endian / decimal trap: 256 must sort after 1 and 255.
  REQUIRE(bytewise_less(keys::log_key(255), keys::log_key(256)));
  REQUIRE(bytewise_less(keys::log_key(9), keys::log_key(10)));
}

TEST_CASE("be32 encodings sort bytewise in numeric order", "[events][keys]") {
  const std::vector<uint32_t> values = {0,      1,       0x7f,       0x80,       0xff,      0x100,
                                        0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff};
  for (uint32_t a : values) {
    for (uint32_t b : values) {
      std::string ea, eb;
      keys::put_be32(&ea, a);
      keys::put_be32(&eb, b);
      REQUIRE(bytewise_less(ea, eb) == (a < b));
    }
  }
}

TEST_CASE("log keys decode back to their seq and reject any other length", "[events][keys]") {
  for (uint64_t v : interesting_u64()) {
    auto decoded = keys::decode_log_key(keys::log_key(v));
    REQUIRE(decoded.has_value());
    REQUIRE(*decoded == v);
  }
  REQUIRE_FALSE(keys::decode_log_key("").has_value());
  REQUIRE_FALSE(keys::decode_log_key(std::string(7, '\0')).has_value());
  REQUIRE_FALSE(keys::decode_log_key(std::string(9, '\0')).has_value());
}

TEST_CASE("stream prefixes of job 4 and job 40 never prefix each other", "[events][keys]") {
  const std::string p4 = keys::stream_prefix("c", "4");
  const std::string p40 = keys::stream_prefix("c", "40");
  REQUIRE_FALSE(starts_with(p40, p4));
  REQUIRE_FALSE(starts_with(p4, p40));
  for (uint64_t seq : interesting_u64()) {
    REQUIRE_FALSE(starts_with(keys::stream_key(p40, seq), p4));
    REQUIRE_FALSE(starts_with(keys::stream_key(p4, seq), p40));
    REQUIRE(starts_with(keys::stream_key(p4, seq), p4));
  }
}

TEST_CASE("stream prefixes keep cluster and job apart (\"a\",\"bc\" vs \"ab\",\"c\")",
          "[events][keys]") {
  const std::string a_bc = keys::stream_prefix("a", "bc");
  const std::string ab_c = keys::stream_prefix("ab", "c");
  REQUIRE(a_bc != ab_c);
  REQUIRE_FALSE(starts_with(a_bc, ab_c));
  REQUIRE_FALSE(starts_with(ab_c, a_bc));
  REQUIRE_FALSE(starts_with(keys::stream_key(a_bc, 1), ab_c));
  REQUIRE_FALSE(starts_with(keys::stream_key(ab_c, 1), a_bc));
  // An empty cluster or job is still a distinct, length-prefixed part.
  REQUIRE(keys::stream_prefix("", "ab") != keys::stream_prefix("ab", ""));
}

TEST_CASE("no stream key of one job starts with another job's prefix (random pairs)",
          "[events][keys]") {
  std::mt19937 rng(7);
  const std::string alphabet = "04a_[]-.\x80\xff";
  auto random_text = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  std::vector<std::pair<std::string, std::string>> jobs;
  for (int i = 0; i < 150; ++i) jobs.emplace_back(random_text(3), random_text(4));
  // Long parts use multi-byte length prefixes.
  jobs.emplace_back(std::string(200, 'x'), "1");
  jobs.emplace_back(std::string(200, 'x') + "1", "");
  for (const auto& [ca, ja] : jobs) {
    const std::string pa = keys::stream_prefix(ca, ja);
    const std::string ka = keys::stream_key(pa, 0x0102030405060708ULL);
    for (const auto& [cb, jb] : jobs) {
      if (ca == cb && ja == jb) continue;
      const std::string pb = keys::stream_prefix(cb, jb);
      INFO("(" << ca << "," << ja << ") vs (" << cb << "," << jb << ")");
      REQUIRE_FALSE(starts_with(ka, pb));
    }
  }
}

TEST_CASE("stream keys of one job sort by seq and decode back", "[events][keys]") {
  const std::string prefix = keys::stream_prefix("hpc2n", "123_[5-20%4]");
  std::vector<uint64_t> seqs = interesting_u64();
  for (uint64_t a : seqs) {
    const std::string ka = keys::stream_key(prefix, a);
    REQUIRE(ka.size() == prefix.size() + 8);
    auto decoded = keys::decode_stream_key(ka);
    REQUIRE(decoded.has_value());
    REQUIRE(decoded->cluster == "hpc2n");
    REQUIRE(decoded->job == "123_[5-20%4]");
    REQUIRE(decoded->seq == a);
    for (uint64_t b : {uint64_t{0}, uint64_t{1}, uint64_t{256}, ~uint64_t{0}}) {
      REQUIRE(bytewise_less(ka, keys::stream_key(prefix, b)) == (a < b));
    }
  }
}

TEST_CASE("length-prefixed parts round trip at every varint length", "[events][keys]") {
  const std::vector<size_t> sizes = {0, 1, 127, 128, 300, 16383, 16384, 70000, 2100000};
  std::string buffer;
  std::vector<std::string> parts;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string part(sizes[i], static_cast<char>('a' + i));
    if (!part.empty()) part[0] = '\0';  // embedded NULs are data, not terminators
    keys::put_length_prefixed(&buffer, part);
    parts.push_back(std::move(part));
  }
  std::string_view in = buffer;
  for (const std::string& expected : parts) {
    std::string_view part;
    REQUIRE(keys::get_length_prefixed(&in, &part));
    REQUIRE(part.size() == expected.size());
    REQUIRE(part == expected);
  }
  REQUIRE(in.empty());
  std::string_view part;
  REQUIRE_FALSE(keys::get_length_prefixed(&in, &part));

  // The prefix sizes themselves: 1 byte up to 127, 2 up to 16383, 3 beyond.
  for (auto [size, prefix_bytes] :
       std::vector<std::pair<size_t, size_t>>{{0, 1}, {127, 1}, {128, 2}, {16383, 2}, {16384, 3}}) {
    std::string out;
    keys::put_length_prefixed(&out, std::string(size, 'z'));
    REQUIRE(out.size() == size + prefix_bytes);
  }
}

TEST_CASE("malformed length-prefixed parts are refused and leave the input alone",
          "[events][keys]") {
  const std::vector<std::string> bad = {
      std::string(),  // nothing at all
      std::string("\x05"
                  "abc",
                  4),                          // shorter than its length
      std::string("\x80", 1),                  // continuation byte, then the end
      std::string("\x80\x01", 2),              // length 128, no data
      std::string("\xff\xff\xff\xff\xff", 5),  // varint longer than 5 bytes
      std::string("\xff\xff\xff\xff\x0f", 5),  // 4 GiB - 1, no data
      std::string("\x80\x80\x80\x80\x10", 5),  // 2^32: does not fit 32 bits
      std::string("\x81\x80\x80\x80\x10"
                  "x",
                  6),  // 2^32 + 1, must not wrap to 1
  };
  for (const std::string& input : bad) {
    std::string_view in = input;
    std::string_view part = "untouched";
    INFO("input of " << input.size() << " bytes");
    REQUIRE_FALSE(keys::get_length_prefixed(&in, &part));
    REQUIRE(in.size() == input.size());
    REQUIRE(part == "untouched");
  }
}

TEST_CASE("decoding malformed stream keys returns nullopt", "[events][keys]") {
  const std::string good = keys::stream_key(keys::stream_prefix("c", "40"), 9);
  REQUIRE(keys::decode_stream_key(good).has_value());
  REQUIRE_FALSE(keys::decode_stream_key("").has_value());
  REQUIRE_FALSE(keys::decode_stream_key(good.substr(0, good.size() - 1)).has_value());
  REQUIRE_FALSE(keys::decode_stream_key(good + "x").has_value());
  REQUIRE_FALSE(keys::decode_stream_key(keys::stream_prefix("c", "40")).has_value());
  // The cluster's length claims more bytes than the key has.
  REQUIRE_FALSE(keys::decode_stream_key(std::string("\x7f"
                                                    "c",
                                                    2) +
                                        std::string(8, '\0'))
                    .has_value());
  // Every strict prefix of a good key is malformed.
  for (size_t n = 0; n < good.size(); ++n) {
    REQUIRE_FALSE(keys::decode_stream_key(good.substr(0, n)).has_value());
  }
}

TEST_CASE("dedup keys are distinct per identity and ordinal and order ordinals numerically",
          "[events][keys]") {
  REQUIRE(keys::dedup_key("file:1@0", 0) != keys::dedup_key("file:1@0", 1));
  REQUIRE(keys::dedup_key("a", 1) != keys::dedup_key(std::string("a\0", 2), 1));
  // An identity ending in bytes that look like an ordinal cannot collide with another.
  REQUIRE(keys::dedup_key(std::string("id\0\0\0\x01", 6), 0) != keys::dedup_key("id", 1));
  const std::string k = keys::dedup_key("poll/7/row3", 0x01020304U);
  std::string_view in = k;
  std::string_view identity;
  REQUIRE(keys::get_length_prefixed(&in, &identity));
  REQUIRE(identity == "poll/7/row3");
  REQUIRE(in.size() == 4);
  REQUIRE(keys::get_be32(in.data()) == 0x01020304U);
  REQUIRE(bytewise_less(keys::dedup_key("x", 9), keys::dedup_key("x", 10)));
  REQUIRE(bytewise_less(keys::dedup_key("x", 255), keys::dedup_key("x", 256)));
}

TEST_CASE("quarantine keys round trip source and offset", "[events][keys]") {
  const std::vector<std::string> sources = {"", "a.swf", std::string("bin\0ary", 7),
                                            std::string(300, 's')};
  for (const std::string& source : sources) {
    for (uint64_t offset : interesting_u64()) {
      const std::string key = keys::quarantine_key(source, offset);
      auto decoded = keys::decode_quarantine_key(key);
      REQUIRE(decoded.has_value());
      REQUIRE(decoded->source == source);
      REQUIRE(decoded->offset == offset);
    }
  }
  // Offsets of one source sort numerically.
  REQUIRE(bytewise_less(keys::quarantine_key("f", 255), keys::quarantine_key("f", 256)));
}

TEST_CASE("decoding malformed quarantine keys returns nullopt", "[events][keys]") {
  const std::string good = keys::quarantine_key("trace.swf", 1234);
  REQUIRE(keys::decode_quarantine_key(good).has_value());
  for (size_t n = 0; n < good.size(); ++n) {
    REQUIRE_FALSE(keys::decode_quarantine_key(good.substr(0, n)).has_value());
  }
  REQUIRE_FALSE(keys::decode_quarantine_key(good + "\x01").has_value());
  REQUIRE_FALSE(keys::decode_quarantine_key(std::string("\x80", 1)).has_value());
}

}  // namespace
}  // namespace jobtrail
