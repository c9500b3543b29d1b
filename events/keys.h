// Key encodings of the log's column families. The grammar lives in keys.cc's top comment.
//
// Big-endian integers make RocksDB's bytewise order equal numeric order, so iterating the log
// CF is iterating in append order. Variable parts are length-prefixed so that no key of job
// "4" is a prefix of any key of job "40".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jobtrail::keys {

void put_be64(std::string* out, uint64_t value);
void put_be32(std::string* out, uint32_t value);
uint64_t get_be64(const char* p);
uint32_t get_be32(const char* p);

// log CF key: be64(seq).
std::string log_key(uint64_t seq);
std::optional<uint64_t> decode_log_key(std::string_view key);

// streams CF: the prefix shared by every entry of one job, then the full key.
std::string stream_prefix(std::string_view cluster, std::string_view job);
std::string stream_key(std::string_view prefix, uint64_t seq);
struct StreamEntry {
  std::string cluster;
  std::string job;
  uint64_t seq = 0;
};
std::optional<StreamEntry> decode_stream_key(std::string_view key);

// dedup CF key: the source identity and the ordinal of the event within its source record.
std::string dedup_key(std::string_view identity, uint32_t ordinal);

// quarantine CF key: source and byte offset of the rejected record.
std::string quarantine_key(std::string_view source, uint64_t offset);

// meta: "dict/" be32(id), a raw-record dictionary; the prefix alone starts a scan of them all.
inline constexpr std::string_view kDictionaryKeyPrefix = "dict/";
std::string dictionary_key(uint32_t id);
std::optional<uint32_t> decode_dictionary_key(std::string_view key);
struct QuarantineKey {
  std::string source;
  uint64_t offset = 0;
};
std::optional<QuarantineKey> decode_quarantine_key(std::string_view key);

// Length-prefixed string: varint32(length) bytes. Exposed for value encodings.
void put_length_prefixed(std::string* out, std::string_view part);
// Reads one length-prefixed part from the front of *in and advances it; false if malformed.
bool get_length_prefixed(std::string_view* in, std::string_view* part);

}  // namespace jobtrail::keys
