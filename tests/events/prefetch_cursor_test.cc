// PrefetchCursor yields exactly what a plain scan yields, in bounded batches, on any input.
#include "events/prefetch_cursor.h"

#include <catch2/catch.hpp>

#include "events/keys.h"
#include "test_db.h"

namespace jobtrail {

namespace {

std::unique_ptr<EventLog> log_with_events(const testing::TempDir& dir, int events) {
  auto log = testing::must_open(dir.sub("db"), testing::writer_options());
  AppendBatch batch;
  for (int i = 0; i < events; ++i) {
    batch.events.push_back(
        testing::state_event("c", std::to_string(i % 17), "id/" + std::to_string(i)));
    if (batch.events.size() == 1000) {
      testing::must_append(*log, batch);
      batch.clear();
    }
  }
  if (!batch.empty()) testing::must_append(*log, batch);
  return log;
}

// Seqs the cursor yields (corrupt seqs as their negation).
std::vector<int64_t> drain(LogCursor& cursor) {
  std::vector<int64_t> seqs;
  for (int steps = 0; steps < 100'000; ++steps) {
    auto next = cursor.next();
    if (!next.ok()) {
      REQUIRE(next.status().is_corruption());
      seqs.push_back(-1);
      continue;
    }
    if (!next->has_value()) break;
    seqs.push_back(static_cast<int64_t>((*next)->seq()));
  }
  return seqs;
}

}  // namespace

TEST_CASE("a prefetching cursor yields the same events as a plain scan, within its bounds",
          "[events][prefetch]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 2500);
  auto plain = log->scan(1);
  PrefetchCursor all(*log, 1, UINT64_MAX, 64, 2);
  CHECK(drain(all) == drain(*plain));
  PrefetchCursor middle(*log, 100, 199, 7, 3);
  std::vector<int64_t> expected;
  for (int64_t s = 100; s <= 199; ++s) expected.push_back(s);
  CHECK(drain(middle) == expected);
  PrefetchCursor beyond(*log, 5000, UINT64_MAX);
  CHECK(drain(beyond).empty());
}

TEST_CASE("a prefetching cursor reports a corrupt event and goes on", "[events][prefetch]") {
  testing::TempDir dir;
  log_with_events(dir, 10).reset();
  {
    testing::RawDb raw(dir.sub("db"));
    raw.put("log", keys::log_key(4), "not an event at all");
  }
  auto log = testing::must_open(dir.sub("db"), testing::reader_options());
  PrefetchCursor cursor(*log, 1, UINT64_MAX, 3, 1);
  CHECK(drain(cursor) == std::vector<int64_t>{1, 2, 3, -1, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("a prefetching cursor dropped early stops its reader without hanging",
          "[events][prefetch]") {
  testing::TempDir dir;
  auto log = log_with_events(dir, 3000);
  for (int i = 0; i < 20; ++i) {
    PrefetchCursor cursor(*log, 1, UINT64_MAX, 16, 1);
    auto first = cursor.next();
    REQUIRE(first.ok());
    CHECK((*first)->seq() == 1);
  }
}

}  // namespace jobtrail
