// Key grammar of every column family jobtrail writes (values are described beside them).
//
//   lp(s)        := varint32(len(s)) s
//   log          := be64(seq)                                  -> size-prefixed Event buffer
//   streams      := lp(cluster) lp(job_text) be64(seq)         -> empty
//   dedup        := lp(source_identity) be32(ordinal)          -> be64(seq)
//   quarantine   := lp(source) be64(offset)                    -> QuarantineRecord (see
//                                                                 quarantine_record.cc)
//   sources      := source id (opaque to the log)              -> checkpoint (opaque)
//   meta         := "format_version"                           -> be32
//                 | "dict/" be32(id)                            -> u8(RecordFormat) dictionary
//
// A stream prefix ends where the seq begins, and lp() makes "4" and "40" differ in their first
// byte (the length), so a prefix scan over one job never sees another job's entries.
#include "events/keys.h"

namespace jobtrail::keys {

void put_be64(std::string* out, uint64_t value) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(buf, 8);
}

void put_be32(std::string* out, uint32_t value) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(buf, 4);
}

uint64_t get_be64(const char* p) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

uint32_t get_be32(const char* p) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

void put_length_prefixed(std::string* out, std::string_view part) {
  uint32_t length = static_cast<uint32_t>(part.size());
  while (length >= 0x80) {
    out->push_back(static_cast<char>((length & 0x7f) | 0x80));
    length >>= 7;
  }
  out->push_back(static_cast<char>(length));
  out->append(part);
}

bool get_length_prefixed(std::string_view* in, std::string_view* part) {
  uint32_t length = 0;
  size_t used = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (used >= in->size()) return false;
    auto byte = static_cast<unsigned char>((*in)[used++]);
    if (shift == 28 && byte > 0x0f) return false;  // more than 32 bits: would wrap
    length |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (in->size() - used < length) return false;
      *part = in->substr(used, length);
      in->remove_prefix(used + length);
      return true;
    }
  }
  return false;
}

std::string log_key(uint64_t seq) {
  std::string key;
  put_be64(&key, seq);
  return key;
}

std::optional<uint64_t> decode_log_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return get_be64(key.data());
}

std::string stream_prefix(std::string_view cluster, std::string_view job) {
  std::string prefix;
  put_length_prefixed(&prefix, cluster);
  put_length_prefixed(&prefix, job);
  return prefix;
}

std::string stream_key(std::string_view prefix, uint64_t seq) {
  std::string key(prefix);
  put_be64(&key, seq);
  return key;
}

std::optional<StreamEntry> decode_stream_key(std::string_view key) {
  std::string_view cluster, job;
  if (!get_length_prefixed(&key, &cluster)) return std::nullopt;
  if (!get_length_prefixed(&key, &job)) return std::nullopt;
  if (key.size() != 8) return std::nullopt;
  return StreamEntry{std::string(cluster), std::string(job), get_be64(key.data())};
}

std::string dedup_key(std::string_view identity, uint32_t ordinal) {
  std::string key;
  put_length_prefixed(&key, identity);
  put_be32(&key, ordinal);
  return key;
}

std::string quarantine_key(std::string_view source, uint64_t offset) {
  std::string key;
  put_length_prefixed(&key, source);
  put_be64(&key, offset);
  return key;
}

std::optional<QuarantineKey> decode_quarantine_key(std::string_view key) {
  std::string_view source;
  if (!get_length_prefixed(&key, &source)) return std::nullopt;
  if (key.size() != 8) return std::nullopt;
  return QuarantineKey{std::string(source), get_be64(key.data())};
}

std::string dictionary_key(uint32_t id) {
  std::string key(kDictionaryKeyPrefix);
  put_be32(&key, id);
  return key;
}

std::optional<uint32_t> decode_dictionary_key(std::string_view key) {
  if (key.size() != kDictionaryKeyPrefix.size() + 4 || !key.starts_with(kDictionaryKeyPrefix)) {
    return std::nullopt;
  }
  return get_be32(key.data() + kDictionaryKeyPrefix.size());
}

}  // namespace jobtrail::keys
