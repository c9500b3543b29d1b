#include "events/batch_reader.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "events/keys.h"
#include "test_db.h"

namespace jobtrail {
namespace {

// A log of `events` events (seqs 1..events) in `dir`.
std::unique_ptr<EventLog> log_with_events(const testing::TempDir& dir, int events) {
  auto log = testing::must_open(dir.sub("db"), testing::writer_options());
  AppendBatch batch;
  for (int i = 1; i <= events; ++i) {
    batch.events.push_back(testing::state_event("c", std::to_string(i), "id/" + std::to_string(i)));
  }
  testing::must_append(*log, batch);
  return log;
}

// Every entry a lane gets, in order: the seq, and whether it was readable.
std::vector<std::pair<uint64_t, bool>> read_all(SharedBatchReader& reader, size_t lane,
                                                int pause_ms = 0) {
  std::vector<std::pair<uint64_t, bool>> out;
  for (auto batch = reader.next(lane); batch != nullptr; batch = reader.next(lane)) {
    REQUIRE(!batch->entries.empty());
    for (const auto& entry : batch->entries) {
      if (entry.unreadable.ok()) CHECK(batch->view(entry).seq() == entry.seq);
      out.emplace_back(entry.seq, entry.unreadable.ok());
    }
    if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
  return out;
}

std::vector<std::pair<uint64_t, bool>> readable(uint64_t from, uint64_t to) {
  std::vector<std::pair<uint64_t, bool>> out;
  for (uint64_t seq = from; seq <= to; ++seq) out.emplace_back(seq, true);
  return out;
}

}  // namespace

TEST_CASE("each lane gets every event of the range once, in seq order, whatever its pace",
          "[events][batch_reader]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 50);
  // One batch read ahead at most: the fast lane waits for the slow one, neither loses any.
  SharedBatchReader reader(*log, 3, 47, 2, 4, 1);
  std::vector<std::pair<uint64_t, bool>> slow;
  std::thread slow_lane([&] { slow = read_all(reader, 1, 2); });
  auto fast = read_all(reader, 0);
  slow_lane.join();
  CHECK(fast == readable(3, 47));
  CHECK(slow == readable(3, 47));
  CHECK(reader.status().ok());
}

TEST_CASE("an event that does not verify is an entry naming its seq, and reading goes on",
          "[events][batch_reader]") {
  testing::TempDir dir;
  log_with_events(dir, 9).reset();
  { testing::RawDb(dir.sub("db")).put("log", keys::log_key(5), std::string(40, '\x7f')); }
  auto log = testing::must_open(dir.sub("db"), testing::reader_options());
  SharedBatchReader reader(*log, 1, 9, 1, 4);
  auto entries = read_all(reader, 0);
  auto expected = readable(1, 9);
  expected[4].second = false;
  CHECK(entries == expected);
  CHECK(reader.status().ok());
}

TEST_CASE("stop ends every lane's reading, even one waiting for a batch",
          "[events][batch_reader]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 40);
  SharedBatchReader reader(*log, 1, 40, 2, 2, 1);
  REQUIRE(reader.next(0) != nullptr);
  // Lane 0 takes no more, so lane 1 can run at most the window ahead before it waits.
  std::vector<std::pair<uint64_t, bool>> other;
  std::thread lane1([&] { other = read_all(reader, 1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  reader.stop();
  lane1.join();
  CHECK(other.size() < 40);
  CHECK(reader.next(0) == nullptr);
}

TEST_CASE("a range past the head ends at the head", "[events][batch_reader]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 5);
  SharedBatchReader reader(*log, 2, 1000, 1, 16);
  CHECK(read_all(reader, 0) == readable(2, 5));
}

TEST_CASE("a range up to UINT64_MAX ends after the log's last event, even an unreadable one",
          "[events][batch_reader]") {
  testing::TempDir dir;
  log_with_events(dir, 6).reset();
  { testing::RawDb(dir.sub("db")).put("log", keys::log_key(6), "not an event"); }
  auto log = testing::must_open(dir.sub("db"), testing::reader_options());
  // until + 1 wraps to 0 here: the reader must end on the scan's end, not on arithmetic.
  SharedBatchReader reader(*log, 1, UINT64_MAX, 1, 4);
  auto expected = readable(1, 6);
  expected[5].second = false;
  CHECK(read_all(reader, 0) == expected);
  CHECK(reader.status().ok());
}

TEST_CASE("an empty range yields no batch", "[events][batch_reader]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 5);
  SharedBatchReader reader(*log, 4, 3, 2, 16);
  CHECK(reader.next(0) == nullptr);
  CHECK(reader.next(1) == nullptr);
}

}  // namespace jobtrail
