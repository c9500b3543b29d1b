// Raw records, byte-exact and small: every accounting record a source reads (a PBS line, a sacct
// row, a jobcomp record, an SWF line) is kept inside an AccountingRecorded event, compressed on
// its own with zstd and a dictionary trained on records of the same format.
//
// One record is a few hundred bytes, too little for zstd to find repetition inside it; what
// repeats is across records (key names, hosts, queues, users). A dictionary trained on a
// format's first records (limits::record_dictionary_train_records) carries that, is stored once
// (record_dictionary.h), and makes each record a few dozen bytes. Until a format has enough
// records, its records are stored with plain zstd (dictionary id 0).
//
// Stored frame: a zstd frame without magic number, content size, checksum or dictionary id
// (ZSTD_f_zstd1_magicless, flags off): the event already carries the format, the dictionary
// id and the raw size, so each of those would be bytes repeated in every record.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/record_dictionary.h"
#include "events/status.h"

namespace jobtrail {

class EventLog;

struct RecordCodecOptions {
  int plain_level = 3;  // zstd level without a dictionary
  // With a dictionary, on the bundled sacct and PBS records (bench records): level 3 gives
  // 84 B/record at 242 MB/s, 9 gives 81 B at 47 MB/s, 19 gives 78 B at 5 MB/s.
  int dictionary_level = 9;
  // Train a format's first dictionary after this many records (0: never train).
  size_t train_records = 1000;
  size_t dictionary_bytes = 16 * 1024;
};

// A dictionary trained on `samples` (at most `capacity` bytes), or an error when zstd finds
// nothing worth keeping (too few or too uniform samples).
Result<std::string> train_record_dictionary(const std::vector<std::string_view>& samples,
                                            size_t capacity);

class RecordCompressor {
 public:
  using IdSource = std::function<uint32_t()>;
  // `stored`: the dictionaries already kept; each format uses its newest one. `next_id` hands
  // out ids for dictionaries trained here (EventLog::reserve_dictionary_id).
  RecordCompressor(const std::vector<RecordDictionary>& stored, IdSource next_id,
                   RecordCodecOptions options = {});
  // One for `log`'s writer: its stored dictionaries, ids from it.
  static Result<std::unique_ptr<RecordCompressor>> for_log(EventLog& log,
                                                           RecordCodecOptions options = {});
  ~RecordCompressor();
  RecordCompressor(const RecordCompressor&) = delete;
  RecordCompressor& operator=(const RecordCompressor&) = delete;

  struct Compressed {
    uint32_t dictionary_id = 0;
    std::string bytes;
  };
  Result<Compressed> compress(fb::RecordFormat format, std::string_view raw);

  // Dictionaries trained since the last call. Store them in the same append as the first record
  // compressed with them (AppendBatch::dictionaries), so no stored record lacks its dictionary.
  std::vector<RecordDictionary> take_trained();

 private:
  struct FormatState;
  Status add_dictionary(RecordDictionary dict);
  void maybe_train(fb::RecordFormat format, FormatState& state, std::string_view raw);

  RecordCodecOptions options_;
  IdSource next_id_;
  struct Contexts;
  std::unique_ptr<Contexts> zstd_;
  std::map<fb::RecordFormat, FormatState> formats_;
  std::vector<RecordDictionary> trained_;
};

class RecordDecompressor {
 public:
  using DictionaryLoader = std::function<Result<RecordDictionary>(uint32_t id)>;
  explicit RecordDecompressor(DictionaryLoader load);
  // Reads dictionaries from `log` as they are needed.
  explicit RecordDecompressor(const EventLog& log);
  ~RecordDecompressor();
  RecordDecompressor(const RecordDecompressor&) = delete;
  RecordDecompressor& operator=(const RecordDecompressor&) = delete;

  // The raw record: exactly `raw_bytes` bytes, or Corruption.
  Result<std::string> decompress(uint32_t dictionary_id, uint32_t raw_bytes,
                                 std::string_view compressed);
  // The raw record an AccountingRecorded event carries.
  Result<std::string> decompress(const fb::AccountingRecorded& record);

 private:
  DictionaryLoader load_;
  struct Contexts;
  std::unique_ptr<Contexts> zstd_;
};

}  // namespace jobtrail
