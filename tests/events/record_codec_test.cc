// Raw records: compressed one by one, with a dictionary per format once enough records were seen,
// and always given back byte for byte (events/record_codec.h).
#include "events/record_codec.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "events/test_db.h"
#include "ingest/captured_data.h"

namespace jobtrail {
namespace {

using testing::read_captured;
using testing::split_lines;
using testing::TempDir;

// Real sacct rows, the records a dictionary is meant for.
std::vector<std::string> sacct_lines() {
  static const std::string text = read_captured("slurm", "xdmod-pozidriv.sacct.log.gz");
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(text)) {
    if (!line.empty()) lines.emplace_back(line);
  }
  REQUIRE(lines.size() > 2000);
  return lines;
}

// Dictionaries by id, as the log would hand them to a decompressor.
struct DictionaryShelf {
  std::map<uint32_t, RecordDictionary> by_id;
  uint32_t next_id = 1;
  RecordCompressor::IdSource ids() {
    return [this] { return next_id++; };
  }
  RecordDecompressor::DictionaryLoader loader() {
    return [this](uint32_t id) -> Result<RecordDictionary> {
      auto it = by_id.find(id);
      if (it == by_id.end()) return Status::not_found("no dictionary " + std::to_string(id));
      return it->second;
    };
  }
};

TEST_CASE("records before a format's dictionary exists are plain zstd and come back exactly",
          "[events][records]") {
  DictionaryShelf shelf;
  RecordCompressor compressor({}, shelf.ids());
  RecordDecompressor decompressor(shelf.loader());
  const std::string binary("\x00\x01\xff\xfe garbage \x80\x81", 15);
  const std::string long_record(60 * 1024, 'x');
  for (const std::string& raw : {std::string("a"), binary, long_record, sacct_lines()[0]}) {
    auto compressed = compressor.compress(fb::RecordFormat::SACCT_PARSABLE, raw);
    REQUIRE(compressed.ok());
    CHECK(compressed->dictionary_id == 0);
    auto back = decompressor.decompress(0, static_cast<uint32_t>(raw.size()), compressed->bytes);
    REQUIRE(back.ok());
    CHECK(*back == raw);
  }
  CHECK(compressor.take_trained().empty());
}

TEST_CASE(
    "a format's dictionary is trained once after enough records, handed out once, and makes "
    "later records several times smaller while earlier ones still decode",
    "[events][records]") {
  DictionaryShelf shelf;
  RecordCodecOptions options;
  options.train_records = 1000;
  RecordCompressor compressor({}, shelf.ids(), options);
  RecordDecompressor decompressor(shelf.loader());
  const std::vector<std::string> lines = sacct_lines();
  struct Stored {
    uint32_t dictionary_id;
    std::string bytes;
  };
  std::vector<Stored> stored;
  size_t trained_at = 0;
  for (size_t i = 0; i < 2000; ++i) {
    auto compressed = compressor.compress(fb::RecordFormat::SACCT_PARSABLE, lines[i]);
    REQUIRE(compressed.ok());
    for (RecordDictionary& dict : compressor.take_trained()) {
      CHECK(trained_at == 0);
      CHECK(dict.format == fb::RecordFormat::SACCT_PARSABLE);
      CHECK(dict.bytes.size() <= options.dictionary_bytes);
      trained_at = i;
      shelf.by_id[dict.id] = std::move(dict);
    }
    stored.push_back({compressed->dictionary_id, std::move(compressed->bytes)});
  }
  // The 1000th record is the first compressed with the dictionary trained on it and the 999
  // before it.
  CHECK(trained_at == 999);
  CHECK(stored[998].dictionary_id == 0);
  CHECK(stored[999].dictionary_id == 1);
  size_t raw_after = 0, stored_after = 0;
  for (size_t i = 0; i < stored.size(); ++i) {
    auto back = decompressor.decompress(stored[i].dictionary_id,
                                        static_cast<uint32_t>(lines[i].size()), stored[i].bytes);
    REQUIRE(back.ok());
    REQUIRE(*back == lines[i]);
    if (i >= 1000) {
      raw_after += lines[i].size();
      stored_after += stored[i].bytes.size();
    }
  }
  INFO("raw " << raw_after << " B, stored " << stored_after << " B");
  CHECK(stored_after * 4 < raw_after);
}

TEST_CASE("a compressor given stored dictionaries uses each format's newest and trains no other",
          "[events][records]") {
  const std::vector<std::string> lines = sacct_lines();
  std::vector<std::string_view> samples(lines.begin(), lines.begin() + 1000);
  auto trained = train_record_dictionary(samples, 16 * 1024);
  REQUIRE(trained.ok());
  DictionaryShelf shelf;
  shelf.by_id[3] = RecordDictionary{3, fb::RecordFormat::SACCT_PARSABLE, *trained};
  shelf.by_id[7] = RecordDictionary{7, fb::RecordFormat::SACCT_PARSABLE, *trained};
  shelf.next_id = 8;
  std::vector<RecordDictionary> stored{shelf.by_id[3], shelf.by_id[7]};
  RecordCompressor compressor(stored, shelf.ids());
  for (size_t i = 0; i < 1500; ++i) {
    auto compressed = compressor.compress(fb::RecordFormat::SACCT_PARSABLE, lines[i]);
    REQUIRE(compressed.ok());
    REQUIRE(compressed->dictionary_id == 7);
  }
  CHECK(compressor.take_trained().empty());
  // Another format has no dictionary yet: plain zstd.
  auto other = compressor.compress(fb::RecordFormat::SWF, "1 0 10 100 4");
  REQUIRE(other.ok());
  CHECK(other->dictionary_id == 0);
}

TEST_CASE("damaged record bytes, a wrong size or a missing dictionary are errors, not crashes",
          "[events][records]") {
  DictionaryShelf shelf;
  RecordCompressor compressor({}, shelf.ids());
  RecordDecompressor decompressor(shelf.loader());
  const std::string raw = sacct_lines()[5];
  auto compressed = compressor.compress(fb::RecordFormat::SACCT_PARSABLE, raw);
  REQUIRE(compressed.ok());
  const auto size = static_cast<uint32_t>(raw.size());
  CHECK(decompressor.decompress(0, size + 1, compressed->bytes).status().code() ==
        Status::Code::kCorruption);
  std::string damaged = compressed->bytes;
  damaged.resize(damaged.size() / 2);
  CHECK(decompressor.decompress(0, size, damaged).status().code() == Status::Code::kCorruption);
  CHECK(decompressor.decompress(0, size, "garbage").status().code() == Status::Code::kCorruption);
  CHECK(decompressor.decompress(42, size, compressed->bytes).status().code() ==
        Status::Code::kNotFound);
}

TEST_CASE(
    "dictionaries are stored with the batch that first uses them, survive a reopen, are never "
    "rewritten with other bytes, and new ids stay above stored ones",
    "[events][records]") {
  TempDir dir;
  const std::string db = dir.sub("db");
  {
    auto log = EventLog::open(db, EventLogOptions{});
    REQUIRE(log.ok());
    const uint32_t first = (*log)->reserve_dictionary_id();
    CHECK(first == 1);
    CHECK((*log)->reserve_dictionary_id() == 2);  // never handed out twice
    AppendBatch batch;
    batch.dictionaries.push_back({first, fb::RecordFormat::SACCT_PARSABLE, "dictionary one"});
    REQUIRE((*log)->append(batch).ok());
    REQUIRE((*log)->append(batch).ok());  // the same bytes again: harmless
    batch.dictionaries[0].bytes = "other bytes";
    CHECK((*log)->append(batch).status().code() == Status::Code::kConflict);
    batch.dictionaries[0] = {9, fb::RecordFormat::SACCT_PARSABLE, "dictionary nine"};
    REQUIRE((*log)->append(batch).ok());
  }
  auto log = EventLog::open(db, EventLogOptions{});
  REQUIRE(log.ok());
  auto all = (*log)->dictionaries();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].id == 1);
  CHECK((*all)[0].format == fb::RecordFormat::SACCT_PARSABLE);
  CHECK((*all)[0].bytes == "dictionary one");
  CHECK((*all)[1].id == 9);
  auto nine = (*log)->dictionary(9);
  REQUIRE(nine.ok());
  CHECK(nine->bytes == "dictionary nine");
  CHECK((*log)->dictionary(5).status().code() == Status::Code::kNotFound);
  CHECK((*log)->reserve_dictionary_id() == 10);
}

}  // namespace
}  // namespace jobtrail
