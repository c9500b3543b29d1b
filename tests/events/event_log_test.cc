// Tests for EventLog against a real RocksDB in a temporary directory: seq assignment, reads,
// scans and job streams, idempotent appends, checkpoints and quarantine in the same batch,
// limits, durability modes, open modes (writer lock, readers, refresh) and the refusals that
// protect the data (newer format versions, corrupt values).
#include "events/event_log.h"

#include <rocksdb/db.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/keys.h"
#include "events/limits.h"
#include "events/quarantine_record.h"
#include "test_db.h"

namespace jobtrail {
namespace {

using testing::cluster_event;
using testing::must_append;
using testing::must_open;
using testing::RawDb;
using testing::reader_options;
using testing::state_event;
using testing::TempDir;
using testing::writer_options;

std::vector<uint64_t> iota_seqs(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

// n JobStateChanged events of job `job`, identities prefix-0 .. prefix-(n-1).
AppendBatch batch_of(size_t n, const std::string& prefix, const std::string& job = "7") {
  AppendBatch batch;
  for (size_t i = 0; i < n; ++i)
    batch.events.push_back(state_event("c", job, prefix + "-" + std::to_string(i)));
  return batch;
}

// Every (seq, bytes) the cursor yields; fails the test on any error.
std::vector<std::pair<uint64_t, std::string>> scan_all(const EventLog& log, uint64_t from) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto cursor = log.scan(from);
  for (;;) {
    auto next = cursor->next();
    INFO(next.status().to_string());
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    out.emplace_back((*next)->seq(), std::string((*next)->bytes()));
  }
  return out;
}

std::vector<uint64_t> must_stream(const EventLog& log, std::string_view cluster,
                                  std::string_view job) {
  auto seqs = log.stream(cluster, job);
  INFO(seqs.status().to_string());
  REQUIRE(seqs.ok());
  return *seqs;
}

QuarantineRecord quarantine(const std::string& source, uint64_t offset, const std::string& reason) {
  QuarantineRecord q;
  q.source = source;
  q.offset = offset;
  q.line = static_cast<int64_t>(offset / 10);
  q.reason = reason;
  q.raw = "garbage line " + std::to_string(offset);
  q.raw_bytes_total = q.raw.size() + 1000;
  q.observed_at_us = -5;  // negative values survive the unsigned encoding
  return q;
}

std::vector<QuarantineRecord> all_quarantined(const EventLog& log) {
  std::vector<QuarantineRecord> out;
  Status s = log.for_each_quarantined([&](const QuarantineRecord& q) {
    out.push_back(q);
    return true;
  });
  INFO(s.to_string());
  REQUIRE(s.ok());
  return out;
}

// ---- open, append, read -----------------------------------------------------------------

TEST_CASE("open creates the database and an empty log", "[events][event_log]") {
  TempDir tmp;
  const std::string dir = tmp.sub("nested/dir/db");
  auto log = must_open(dir, writer_options());
  CHECK(std::filesystem::exists(dir + "/CURRENT"));
  CHECK(log->dir() == dir);
  CHECK(log->head() == 0);
  CHECK(scan_all(*log, 1).empty());
  CHECK(log->read(1).status().is_not_found());
  CHECK(must_stream(*log, "c", "7").empty());
  auto cp = log->checkpoint("anything");
  REQUIRE(cp.ok());
  CHECK_FALSE(cp->has_value());
  auto count = log->quarantined_count();
  REQUIRE(count.ok());
  CHECK(*count == 0);
  // An empty batch is fine and changes nothing.
  auto result = must_append(*log, AppendBatch{});
  CHECK(result.appended == 0);
  CHECK(result.seqs.empty());
  CHECK(log->head() == 0);
}

TEST_CASE("open refuses a group commit window of 0 or beyond the limit", "[events][event_log]") {
  TempDir tmp;
  EventLogOptions options = writer_options(Durability::kGroupCommit);
  options.group_commit_window_ms = 0;
  CHECK(EventLog::open(tmp.path(), options).status().is_invalid_argument());
  options.group_commit_window_ms = limits::group_commit_window_ms_max + 1;
  CHECK(EventLog::open(tmp.path(), options).status().is_invalid_argument());
}

TEST_CASE("append assigns contiguous seqs starting at 1", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  auto first = must_append(*log, batch_of(3, "a"));
  CHECK(first.seqs == std::vector<uint64_t>{1, 2, 3});
  CHECK(first.appended == 3);
  CHECK(first.duplicates == 0);
  CHECK(first.first_new_seq == 1);
  CHECK(first.last_new_seq == 3);
  CHECK(log->head() == 3);

  auto second = must_append(*log, batch_of(2, "b"));
  CHECK(second.seqs == std::vector<uint64_t>{4, 5});
  CHECK(second.first_new_seq == 4);
  CHECK(second.last_new_seq == 5);
  CHECK(log->head() == 5);
}

TEST_CASE("read returns the exact bytes appended at a seq", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("c", "4", "id-4"));
  batch.events.push_back(cluster_event("c", "id-cluster"));
  batch.events.push_back(state_event("c", "40", "id-40", 0, fb::JobState::FAILED));
  must_append(*log, batch);
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    auto stored = log->read(seq);
    INFO(stored.status().to_string());
    REQUIRE(stored.ok());
    CHECK(stored->seq == seq);
    CHECK(stored->bytes == batch.events[seq - 1].bytes);
    auto view = stored->view();
    REQUIRE(view.ok());
    CHECK(view->seq() == seq);
  }
  auto third = log->read(3);
  REQUIRE(third.ok());
  auto view = third->view();
  REQUIRE(view.ok());
  CHECK(view->job_text() == "40");
  CHECK(view->as<fb::JobStateChanged>()->to() == fb::JobState::FAILED);

  auto missing = log->read(4);
  CHECK(missing.status().is_not_found());
  CHECK_THAT(missing.status().message(), Catch::Contains("4"));
  CHECK(log->read(0).status().is_not_found());
}

// Every read_many answer, in the order asked; fails the test on any error.
std::vector<StoredEvent> must_read_many(const EventLog& log, const std::vector<uint64_t>& seqs) {
  auto events = log.read_many(seqs);
  INFO(events.status().to_string());
  REQUIRE(events.ok());
  REQUIRE(events->size() == seqs.size());
  return std::move(events).value();
}

TEST_CASE("read_many answers dense and scattered seqs in the order asked, verified once",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch = batch_of(300, "rm");
  must_append(*log, batch);

  // Ascending with gaps, spanning less than twice their count: one iterator pass.
  std::vector<uint64_t> dense;
  for (uint64_t s = 10; s <= 200; ++s) {
    if (s % 3 != 0) dense.push_back(s);
  }
  // Out of order, far apart: a MultiGet.
  const std::vector<uint64_t> scattered{300, 1, 150, 2};
  for (const auto& seqs : {dense, scattered, iota_seqs(1, 300), std::vector<uint64_t>{42}}) {
    auto events = must_read_many(*log, seqs);
    for (size_t i = 0; i < seqs.size(); ++i) {
      INFO("seq " << seqs[i]);
      CHECK(events[i].seq == seqs[i]);
      REQUIRE(events[i].bytes == batch.events[seqs[i] - 1].bytes);
      CHECK(events[i].verified);
      auto view = events[i].view();
      REQUIRE(view.ok());
      CHECK(view->seq() == seqs[i]);
    }
  }
  CHECK(must_read_many(*log, {}).empty());

  // A seq past the head fails the whole read, on either path, and names the seq.
  for (const auto& seqs : {std::vector<uint64_t>{298, 299, 300, 301}, {301, 5}}) {
    auto missing = log->read_many(seqs);
    CHECK(missing.status().is_not_found());
    CHECK_THAT(missing.status().message(), Catch::Contains("301"));
  }
  auto too_many = log->read_many(iota_seqs(1, limits::batch_events_max + 1));
  CHECK(too_many.status().code() == Status::Code::kLimitExceeded);
}

TEST_CASE("a StoredEvent not read from the log verifies its bytes on view", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  must_append(*log, batch_of(1, "sv"));
  auto stored = log->read(1);
  REQUIRE(stored.ok());
  CHECK(stored->verified);
  StoredEvent copy;
  copy.seq = 1;
  copy.bytes = stored->bytes;
  copy.bytes[8] = 'X';  // the file identifier "JTEV"
  CHECK_FALSE(copy.verified);
  CHECK(copy.view().status().is_corruption());
}

TEST_CASE("scan yields events in seq order from any starting seq", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch = batch_of(300, "s");  // past 255: big-endian keys keep numeric order
  must_append(*log, batch);
  must_append(*log, batch_of(5, "t"));

  auto all = scan_all(*log, 1);
  REQUIRE(all.size() == 305);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].first == i + 1);
  for (size_t i = 0; i < 300; ++i) REQUIRE(all[i].second == batch.events[i].bytes);

  CHECK(scan_all(*log, 0).size() == 305);
  auto tail = scan_all(*log, 256);
  REQUIRE(tail.size() == 50);
  CHECK(tail.front().first == 256);
  CHECK(tail.back().first == 305);
  CHECK(scan_all(*log, 305).size() == 1);
  CHECK(scan_all(*log, 306).empty());
  CHECK(scan_all(*log, ~uint64_t{0}).empty());

  // A finished cursor stays finished.
  auto cursor = log->scan(305);
  REQUIRE(cursor->next().ok());
  for (int i = 0; i < 3; ++i) {
    auto next = cursor->next();
    REQUIRE(next.ok());
    CHECK_FALSE(next->has_value());
  }
}

TEST_CASE("stream returns exactly one job's seqs: 4 is not 40, clusters are apart",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("a", "4", "e1"));    // 1
  batch.events.push_back(state_event("a", "40", "e2"));   // 2
  batch.events.push_back(state_event("b", "4", "e3"));    // 3
  batch.events.push_back(cluster_event("a", "e4"));       // 4: no stream
  batch.events.push_back(state_event("a", "4", "e5"));    // 5
  batch.events.push_back(state_event("a", "4_1", "e6"));  // 6
  batch.events.push_back(state_event("ab", "4", "e7"));   // 7
  must_append(*log, batch);
  must_append(*log, AppendBatch{{state_event("a", "40", "e9")}, {}, {}, {}});  // 8

  CHECK(must_stream(*log, "a", "4") == std::vector<uint64_t>{1, 5});
  CHECK(must_stream(*log, "a", "40") == std::vector<uint64_t>{2, 8});
  CHECK(must_stream(*log, "b", "4") == std::vector<uint64_t>{3});
  CHECK(must_stream(*log, "a", "4_1") == std::vector<uint64_t>{6});
  CHECK(must_stream(*log, "ab", "4") == std::vector<uint64_t>{7});
  CHECK(must_stream(*log, "a", "").empty());
  CHECK(must_stream(*log, "a", "400").empty());
  CHECK(must_stream(*log, "c", "4").empty());
}

TEST_CASE("for_each_stream visits every job once with its seqs, and can stop early",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("a", "4", "e1"));
  batch.events.push_back(state_event("a", "40", "e2"));
  batch.events.push_back(cluster_event("a", "e3"));
  batch.events.push_back(state_event("b", "4", "e4"));
  batch.events.push_back(state_event("a", "4", "e5"));
  must_append(*log, batch);

  std::vector<std::tuple<std::string, std::string, std::vector<uint64_t>>> seen;
  REQUIRE(log->for_each_stream(
                 [&](std::string_view c, std::string_view j, const std::vector<uint64_t>& seqs) {
                   seen.emplace_back(std::string(c), std::string(j), seqs);
                   return true;
                 })
              .ok());
  REQUIRE(seen.size() == 3);
  std::set<std::tuple<std::string, std::string, std::vector<uint64_t>>> as_set(seen.begin(),
                                                                               seen.end());
  CHECK(as_set.count({"a", "4", {1, 5}}) == 1);
  CHECK(as_set.count({"a", "40", {2}}) == 1);
  CHECK(as_set.count({"b", "4", {4}}) == 1);

  int calls = 0;
  REQUIRE(log->for_each_stream([&](std::string_view, std::string_view,
                                   const std::vector<uint64_t>&) { return ++calls < 2; })
              .ok());
  CHECK(calls == 2);
}

TEST_CASE("for_each_dedup lists every event's identity, ordinal and seq", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("c", "1", "rec-A", 0));
  batch.events.push_back(state_event("c", "1", "rec-A", 1));
  batch.events.push_back(cluster_event("c", "rec-B"));
  must_append(*log, batch);
  std::set<std::tuple<std::string, uint32_t, uint64_t>> seen;
  REQUIRE(log->for_each_dedup([&](std::string_view id, uint32_t ordinal, uint64_t seq) {
               seen.emplace(std::string(id), ordinal, seq);
               return true;
             })
              .ok());
  CHECK(seen == std::set<std::tuple<std::string, uint32_t, uint64_t>>{
                    {"rec-A", 0, 1}, {"rec-A", 1, 2}, {"rec-B", 0, 3}});
}

// ---- idempotence ------------------------------------------------------------------------

TEST_CASE("re-appending the same batch appends nothing and reports the existing seqs",
          "[events][event_log]") {
  TempDir tmp;
  AppendBatch batch = batch_of(4, "r");
  {
    auto log = must_open(tmp.path(), writer_options());
    must_append(*log, batch_of(2, "before"));
    auto first = must_append(*log, batch);
    CHECK(first.seqs == std::vector<uint64_t>{3, 4, 5, 6});

    auto again = must_append(*log, batch);
    CHECK(again.seqs == first.seqs);
    CHECK(again.appended == 0);
    CHECK(again.duplicates == 4);
    CHECK(again.first_new_seq == 0);
    CHECK(again.last_new_seq == 0);
    CHECK(log->head() == 6);
    CHECK(scan_all(*log, 1).size() == 6);
    CHECK(must_stream(*log, "c", "7") == iota_seqs(1, 6));
  }
  // The dedup index is durable: a re-import after a restart is still a no-op.
  auto log = must_open(tmp.path(), writer_options());
  auto after_restart = must_append(*log, batch);
  CHECK(after_restart.seqs == std::vector<uint64_t>{3, 4, 5, 6});
  CHECK(after_restart.appended == 0);
  CHECK(log->head() == 6);
}

TEST_CASE("a dedup key repeated within one batch is appended once", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.events.push_back(state_event("c", "1", "x"));
  batch.events.push_back(state_event("c", "1", "y"));
  batch.events.push_back(state_event("c", "1", "x", 0, fb::JobState::FAILED));  // same key as #0
  batch.events.push_back(state_event("c", "1", "x", 1));                        // new ordinal
  auto result = must_append(*log, batch);
  CHECK(result.seqs == std::vector<uint64_t>{1, 2, 1, 3});
  CHECK(result.appended == 3);
  CHECK(result.duplicates == 1);
  CHECK(result.first_new_seq == 1);
  CHECK(result.last_new_seq == 3);
  CHECK(log->head() == 3);
  // The first one wins: seq 1 holds the RUNNING event, not the FAILED duplicate.
  auto stored = log->read(1);
  REQUIRE(stored.ok());
  CHECK(stored->bytes == batch.events[0].bytes);
  CHECK(must_stream(*log, "c", "1") == std::vector<uint64_t>{1, 2, 3});
}

TEST_CASE("a batch mixing new and already-stored events appends only the new ones",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  must_append(*log, batch_of(3, "m"));  // m-0..m-2 -> 1..3
  AppendBatch mixed;
  mixed.events.push_back(state_event("c", "7", "n-0"));  // new -> 4
  mixed.events.push_back(state_event("c", "7", "m-1"));  // old -> 2
  mixed.events.push_back(state_event("c", "7", "n-1"));  // new -> 5
  mixed.events.push_back(state_event("c", "7", "m-0"));  // old -> 1
  mixed.events.push_back(state_event("c", "7", "n-0"));  // repeated in batch -> 4
  auto result = must_append(*log, mixed);
  CHECK(result.seqs == std::vector<uint64_t>{4, 2, 5, 1, 4});
  CHECK(result.appended == 2);
  CHECK(result.duplicates == 3);
  CHECK(result.first_new_seq == 4);
  CHECK(result.last_new_seq == 5);
  CHECK(log->head() == 5);
  auto all = scan_all(*log, 1);
  REQUIRE(all.size() == 5);
  CHECK(all[3].second == mixed.events[0].bytes);
  CHECK(all[4].second == mixed.events[2].bytes);
}

// ---- checkpoints and quarantine ----------------------------------------------------------

TEST_CASE("checkpoints written with a batch are readable and survive a restart",
          "[events][event_log]") {
  TempDir tmp;
  {
    auto log = must_open(tmp.path(), writer_options());
    AppendBatch batch = batch_of(2, "k");
    batch.checkpoints.push_back({"file:a.swf", "offset=100"});
    batch.checkpoints.push_back({"poll:squeue", std::string("bin\0ary", 7)});
    must_append(*log, batch);
    auto a = log->checkpoint("file:a.swf");
    REQUIRE(a.ok());
    REQUIRE(a->has_value());
    CHECK(**a == "offset=100");
    auto b = log->checkpoint("poll:squeue");
    REQUIRE(b.ok());
    REQUIRE(b->has_value());
    CHECK(**b == std::string("bin\0ary", 7));
    auto none = log->checkpoint("file:b.swf");
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());

    // A later batch moves the checkpoint; a batch of only a checkpoint adds no event, and a
    // batch of duplicates still moves the checkpoint.
    AppendBatch only_checkpoint;
    only_checkpoint.checkpoints.push_back({"file:a.swf", "offset=200"});
    auto r = must_append(*log, only_checkpoint);
    CHECK(r.appended == 0);
    CHECK(log->head() == 2);
    AppendBatch duplicates = batch_of(2, "k");
    duplicates.checkpoints.push_back({"file:a.swf", "offset=300"});
    CHECK(must_append(*log, duplicates).appended == 0);
  }
  auto log = must_open(tmp.path(), reader_options());
  auto a = log->checkpoint("file:a.swf");
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK(**a == "offset=300");
}

TEST_CASE("quarantined records are readable with every field", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch = batch_of(1, "q");
  batch.quarantined.push_back(quarantine("file:a.swf", 120, "bad field count"));
  batch.quarantined.push_back(quarantine("file:a.swf", 10, "bad time"));
  QuarantineRecord big = quarantine("file:b.pbs", 0, "line too long");
  big.raw.assign(limits::quarantine_raw_bytes_max, 'x');
  big.raw_bytes_total = 1 << 20;
  big.line = -1;
  batch.quarantined.push_back(big);
  must_append(*log, batch);

  auto count = log->quarantined_count();
  REQUIRE(count.ok());
  CHECK(*count == 3);
  auto records = all_quarantined(*log);
  REQUIRE(records.size() == 3);
  // Key order: by source, then numeric offset.
  CHECK(records[0].source == "file:a.swf");
  CHECK(records[0].offset == 10);
  CHECK(records[0].reason == "bad time");
  CHECK(records[0].raw == "garbage line 10");
  CHECK(records[0].line == 1);
  CHECK(records[0].raw_bytes_total == records[0].raw.size() + 1000);
  CHECK(records[0].observed_at_us == -5);
  CHECK(records[1].offset == 120);
  CHECK(records[1].reason == "bad field count");
  CHECK(records[2].source == "file:b.pbs");
  CHECK(records[2].line == -1);
  CHECK(records[2].raw == big.raw);
  CHECK(records[2].raw_bytes_total == (1u << 20));

  int visits = 0;
  REQUIRE(log->for_each_quarantined([&](const QuarantineRecord&) { return ++visits < 2; }).ok());
  CHECK(visits == 2);
}

TEST_CASE("re-quarantining the same source and offset does not count twice",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch;
  batch.quarantined.push_back(quarantine("file:a.swf", 10, "first reason"));
  must_append(*log, batch);
  batch.quarantined[0].reason = "second reason";
  must_append(*log, batch);  // a re-import rewrites the same key
  auto count = log->quarantined_count();
  REQUIRE(count.ok());
  CHECK(*count == 1);
  auto records = all_quarantined(*log);
  REQUIRE(records.size() == 1);
  CHECK(records[0].reason == "second reason");

  batch.quarantined[0].offset = 11;  // another record of the same source does count
  must_append(*log, batch);
  count = log->quarantined_count();
  REQUIRE(count.ok());
  CHECK(*count == 2);
  CHECK(log->head() == 0);
}

TEST_CASE("quarantine values decode back and malformed ones are corruption",
          "[events][event_log]") {
  QuarantineRecord q = quarantine(std::string("s\0rc", 4), ~uint64_t{0}, "why");
  const std::string key = keys::quarantine_key(q.source, q.offset);
  const std::string value = encode_quarantine_value(q);
  auto back = decode_quarantine(key, value);
  REQUIRE(back.ok());
  CHECK(back->source == q.source);
  CHECK(back->offset == q.offset);
  CHECK(back->line == q.line);
  CHECK(back->reason == q.reason);
  CHECK(back->raw == q.raw);
  CHECK(back->raw_bytes_total == q.raw_bytes_total);
  CHECK(back->observed_at_us == q.observed_at_us);

  CHECK(decode_quarantine("", value).status().is_corruption());
  CHECK(decode_quarantine(key, "").status().is_corruption());
  CHECK(decode_quarantine(key, value.substr(0, value.size() - 1)).status().is_corruption());
  CHECK(decode_quarantine(key, value + "x").status().is_corruption());
  CHECK(decode_quarantine(key, value.substr(0, 24)).status().is_corruption());
}

// ---- limits and modes -------------------------------------------------------------------

TEST_CASE("a batch over batch_events_max is refused and writes nothing", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  // One event, copied: the limit applies to the count before deduplication.
  const BuiltEvent event = state_event("c", "1", "same");
  AppendBatch batch;
  batch.events.assign(limits::batch_events_max + 1, event);
  batch.checkpoints.push_back({"src", "cp"});
  batch.quarantined.push_back(quarantine("src", 1, "r"));
  auto result = log->append(batch);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Status::Code::kLimitExceeded);
  CHECK_THAT(result.status().message(), Catch::Contains(std::to_string(limits::batch_events_max)));
  CHECK(log->head() == 0);
  CHECK(scan_all(*log, 1).empty());
  auto cp = log->checkpoint("src");
  REQUIRE(cp.ok());
  CHECK_FALSE(cp->has_value());
  CHECK(*log->quarantined_count() == 0);
  bool any_dedup = false;
  REQUIRE(log->for_each_dedup([&](std::string_view, uint32_t, uint64_t) {
               any_dedup = true;
               return false;
             })
              .ok());
  CHECK_FALSE(any_dedup);
}

TEST_CASE("a batch of exactly batch_events_max events is accepted", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  const AppendBatch batch = batch_of(limits::batch_events_max, "bulk", "9");
  auto result = must_append(*log, batch);
  CHECK(result.appended == limits::batch_events_max);
  CHECK(result.last_new_seq == limits::batch_events_max);
  CHECK(log->head() == limits::batch_events_max);
  CHECK(must_stream(*log, "c", "9").size() == limits::batch_events_max);
}

TEST_CASE("a batch over batch_checkpoints_max is refused", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  AppendBatch batch = batch_of(1, "cp");
  for (size_t i = 0; i <= limits::batch_checkpoints_max; ++i) {
    batch.checkpoints.push_back({"src" + std::to_string(i), "v"});
  }
  auto result = log->append(batch);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Status::Code::kLimitExceeded);
  CHECK(log->head() == 0);
}

TEST_CASE("append on a reader fails and writes nothing", "[events][event_log]") {
  TempDir tmp;
  { must_append(*must_open(tmp.path(), writer_options()), batch_of(1, "w")); }
  auto reader = must_open(tmp.path(), reader_options());
  CHECK(reader->head() == 1);
  auto result = reader->append(batch_of(1, "reader"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().is_invalid_argument());
  CHECK(reader->head() == 1);
  reader.reset();
  auto again = must_open(tmp.path(), reader_options());
  CHECK(again->head() == 1);
}

TEST_CASE("events persist across close and reopen and seqs continue from head",
          "[events][event_log]") {
  TempDir tmp;
  AppendBatch first = batch_of(3, "p");
  { must_append(*must_open(tmp.path(), writer_options()), first); }
  auto log = must_open(tmp.path(), writer_options());
  CHECK(log->head() == 3);
  auto all = scan_all(*log, 1);
  REQUIRE(all.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(all[i].second == first.events[i].bytes);
  CHECK(must_append(*log, batch_of(2, "p2")).seqs == std::vector<uint64_t>{4, 5});
}

TEST_CASE("group commit: appends become durable by wait_durable and persist after reopen",
          "[events][event_log]") {
  TempDir tmp;
  EventLogOptions options = writer_options(Durability::kGroupCommit);
  options.group_commit_window_ms = 2;
  {
    auto log = must_open(tmp.path(), options);
    for (int b = 0; b < 5; ++b) must_append(*log, batch_of(4, "g" + std::to_string(b)));
    CHECK(log->head() == 20);
    Status s = log->wait_durable(log->head());
    INFO(s.to_string());
    CHECK(s.ok());
    CHECK(log->wait_durable(1).ok());  // already durable: returns at once
    must_append(*log, batch_of(1, "last"));
    CHECK(log->wait_durable(21).ok());
  }
  auto log = must_open(tmp.path(), writer_options());
  CHECK(log->head() == 21);
  CHECK(scan_all(*log, 1).size() == 21);
  CHECK(must_stream(*log, "c", "7") == iota_seqs(1, 21));
}

TEST_CASE("group commit: a log closed without waiting still keeps every append",
          "[events][event_log]") {
  TempDir tmp;
  {
    auto log = must_open(tmp.path(), writer_options(Durability::kGroupCommit));
    must_append(*log, batch_of(3, "nowait"));
  }
  auto log = must_open(tmp.path(), reader_options());
  CHECK(log->head() == 3);
}

TEST_CASE("wait_durable returns at once in sync-per-batch mode", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  must_append(*log, batch_of(2, "s"));
  CHECK(log->wait_durable(2).ok());
  CHECK(log->wait_durable(0).ok());
}

TEST_CASE("concurrent appends from several threads get unique contiguous seqs",
          "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options(Durability::kGroupCommit));
  constexpr int kThreads = 3, kBatches = 10, kPerBatch = 5;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<AppendBatch> batches;
  for (int t = 0; t < kThreads; ++t) {
    for (int b = 0; b < kBatches; ++b) {
      batches.push_back(batch_of(kPerBatch, "t" + std::to_string(t) + "b" + std::to_string(b)));
    }
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        auto r = log->append(batches[t * kBatches + b]);
        if (!r.ok()) {
          ++failures;
          continue;
        }
        // Each batch's seqs are contiguous even with other writers around.
        for (size_t i = 1; i < r->seqs.size(); ++i) {
          if (r->seqs[i] != r->seqs[i - 1] + 1) ++failures;
        }
        seqs[t].insert(seqs[t].end(), r->seqs.begin(), r->seqs.end());
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::set<uint64_t> all;
  for (const auto& s : seqs) all.insert(s.begin(), s.end());
  const uint64_t total = kThreads * kBatches * kPerBatch;
  CHECK(all.size() == total);
  CHECK(*all.begin() == 1);
  CHECK(*all.rbegin() == total);
  CHECK(log->head() == total);
  CHECK(log->wait_durable(total).ok());
}

// ---- refusals that protect the data ------------------------------------------------------

TEST_CASE("open refuses a database whose format version is newer", "[events][event_log]") {
  TempDir tmp;
  { must_append(*must_open(tmp.path(), writer_options()), batch_of(1, "v")); }
  {
    RawDb raw(tmp.path());
    auto stored = raw.get("meta", "format_version");
    REQUIRE(stored.has_value());
    CHECK(*stored == std::string("\0\0\0\x01", 4));
    std::string newer;
    keys::put_be32(&newer, kLogFormatVersion + 1);
    raw.put("meta", "format_version", newer);
  }
  const std::string newer_text = std::to_string(kLogFormatVersion + 1);
  for (const EventLogOptions& options : {writer_options(), reader_options()}) {
    auto log = EventLog::open(tmp.path(), options);
    REQUIRE_FALSE(log.ok());
    CHECK(log.status().code() == Status::Code::kConflict);
    CHECK_THAT(log.status().message(), Catch::Contains("version " + newer_text));
  }
  // The refusal wrote nothing: the stored version is still the newer one.
  RawDb raw(tmp.path());
  auto stored = raw.get("meta", "format_version");
  REQUIRE(stored.has_value());
  CHECK(keys::get_be32(stored->data()) == kLogFormatVersion + 1);
}

TEST_CASE("open refuses a malformed format version", "[events][event_log]") {
  TempDir tmp;
  { must_open(tmp.path(), writer_options()); }
  { RawDb(tmp.path()).put("meta", "format_version", "1"); }
  CHECK(EventLog::open(tmp.path(), writer_options()).status().is_corruption());
}

TEST_CASE("open accepts a database with column families it does not own", "[events][event_log]") {
  TempDir tmp;
  { must_append(*must_open(tmp.path(), writer_options()), batch_of(2, "x")); }
  {
    // A projection's column family, added beside the log's.
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), tmp.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), tmp.path(), descriptors, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    REQUIRE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "projection_jobs", &extra).ok());
    handles.push_back(extra);
    for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
    REQUIRE(db->Close().ok());
    delete db;
  }
  auto writer = must_open(tmp.path(), writer_options());
  CHECK(writer->head() == 2);
  must_append(*writer, batch_of(1, "y"));
  writer.reset();
  CHECK(must_open(tmp.path(), reader_options())->head() == 3);
}

TEST_CASE("a second writer on the same database is refused naming the LOCK",
          "[events][event_log]") {
  TempDir tmp;
  auto first = must_open(tmp.path(), writer_options());
  must_append(*first, batch_of(1, "one"));
  auto second = EventLog::open(tmp.path(), writer_options());
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kUnavailable);
  CHECK_THAT(second.status().message(), Catch::Contains("LOCK"));
  // The first writer is unaffected, and once it closes a new writer may open.
  must_append(*first, batch_of(1, "two"));
  CHECK(first->head() == 2);
  first.reset();
  auto third = must_open(tmp.path(), writer_options());
  CHECK(third->head() == 2);
}

TEST_CASE("a reader opens beside a live writer and sees what was appended before",
          "[events][event_log]") {
  TempDir tmp;
  auto writer = must_open(tmp.path(), writer_options());
  AppendBatch before = batch_of(3, "before");
  before.checkpoints.push_back({"src", "cp1"});
  must_append(*writer, before);

  auto reader = must_open(tmp.path(), reader_options());
  CHECK(reader->head() == 3);
  auto all = scan_all(*reader, 1);
  REQUIRE(all.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(all[i].second == before.events[i].bytes);
  CHECK(must_stream(*reader, "c", "7") == std::vector<uint64_t>{1, 2, 3});
  auto cp = reader->checkpoint("src");
  REQUIRE(cp.ok());
  REQUIRE(cp->has_value());
  CHECK(**cp == "cp1");
  CHECK(reader->refresh().ok());  // nothing new: still fine
  CHECK(reader->head() == 3);
}

TEST_CASE("a reader's refresh sees appends made after it opened", "[events][event_log]") {
  TempDir tmp;
  auto writer = must_open(tmp.path(), writer_options());
  must_append(*writer, batch_of(2, "early"));
  auto reader = must_open(tmp.path(), reader_options());
  REQUIRE(reader->head() == 2);

  AppendBatch later = batch_of(3, "later", "40");
  later.checkpoints.push_back({"src", "cp2"});
  must_append(*writer, later);
  CHECK(reader->head() == 2);  // a snapshot until refresh
  Status s = reader->refresh();
  INFO(s.to_string());
  REQUIRE(s.ok());
  CHECK(reader->head() == 5);
  auto stored = reader->read(5);
  REQUIRE(stored.ok());
  CHECK(stored->bytes == later.events[2].bytes);
  CHECK(scan_all(*reader, 1).size() == 5);
  CHECK(must_stream(*reader, "c", "40") == std::vector<uint64_t>{3, 4, 5});
  auto cp = reader->checkpoint("src");
  REQUIRE(cp.ok());
  REQUIRE(cp->has_value());
  CHECK(**cp == "cp2");

  // And again, after the writer has gone away.
  must_append(*writer, batch_of(1, "last"));
  writer.reset();
  REQUIRE(reader->refresh().ok());
  CHECK(reader->head() == 6);
}

TEST_CASE("a reader on a missing or empty directory gets not_found", "[events][event_log]") {
  TempDir tmp;
  auto missing = EventLog::open(tmp.sub("nope"), reader_options());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().is_not_found());
  CHECK_FALSE(std::filesystem::exists(tmp.sub("nope")));  // a reader creates nothing
  auto empty = EventLog::open(tmp.path(), reader_options());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().is_not_found());
}

TEST_CASE("a corrupt value in the log is a Corruption naming its seq, on read and on scan",
          "[events][event_log]") {
  TempDir tmp;
  AppendBatch batch = batch_of(3, "cor");
  { must_append(*must_open(tmp.path(), writer_options()), batch); }
  std::string damaged = batch.events[1].bytes;
  damaged[8] = 'X';  // the file identifier "JTEV"
  { RawDb(tmp.path()).put("log", keys::log_key(2), damaged); }

  auto log = must_open(tmp.path(), reader_options());
  auto bad = log->read(2);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().is_corruption());
  CHECK_THAT(bad.status().message(), Catch::Contains("seq 2"));
  CHECK(log->read(1).ok());
  CHECK(log->read(3).ok());
  for (const auto& seqs : {std::vector<uint64_t>{1, 2, 3}, {3, 2}}) {  // dense, scattered
    auto many = log->read_many(seqs);
    CHECK(many.status().is_corruption());
    CHECK_THAT(many.status().message(), Catch::Contains("seq 2"));
  }

  // The cursor reports the bad value and then goes on past it.
  auto cursor = log->scan(1);
  auto one = cursor->next();
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK((*one)->seq() == 1);
  auto two = cursor->next();
  REQUIRE_FALSE(two.ok());
  CHECK(two.status().is_corruption());
  CHECK_THAT(two.status().message(), Catch::Contains("seq 2"));
  auto three = cursor->next();
  REQUIRE(three.ok());
  REQUIRE(three->has_value());
  CHECK((*three)->seq() == 3);
  auto end = cursor->next();
  REQUIRE(end.ok());
  CHECK_FALSE(end->has_value());
}

TEST_CASE("a short or empty value in the log is a Corruption naming its seq",
          "[events][event_log]") {
  TempDir tmp;
  { must_append(*must_open(tmp.path(), writer_options()), batch_of(2, "short")); }
  { RawDb(tmp.path()).put("log", keys::log_key(2), ""); }
  auto log = must_open(tmp.path(), writer_options());
  auto bad = log->read(2);
  CHECK(bad.status().is_corruption());
  CHECK_THAT(bad.status().message(), Catch::Contains("seq 2"));
}

TEST_CASE("compact keeps every event and storage_stats reports the bytes", "[events][event_log]") {
  TempDir tmp;
  auto log = must_open(tmp.path(), writer_options());
  must_append(*log, batch_of(50, "z"));
  REQUIRE(log->compact().ok());
  auto stats = log->storage_stats();
  REQUIRE(stats.ok());
  CHECK(stats->log_cf_sst_bytes > 0);
  CHECK(stats->sst_bytes >= stats->log_cf_sst_bytes);
  CHECK(scan_all(*log, 1).size() == 50);
  CHECK(must_stream(*log, "c", "7") == iota_seqs(1, 50));
  auto again = must_append(*log, batch_of(50, "z"));  // dedup survives compaction
  CHECK(again.appended == 0);
}

TEST_CASE("flush_state moves projection state from memtables to table files; a reader may not",
          "[events][event_log]") {
  TempDir tmp;
  {
    auto log = must_open(tmp.path(), writer_options());
    auto batch = log->new_state_batch();
    batch->put("jobs", "k1", "v1");
    batch->put("usage", "k2", "v2");
    REQUIRE(log->write_state(*batch, false).ok());
    auto before = log->storage_stats();
    REQUIRE(before.ok());
    CHECK(before->projection_sst_bytes == 0);  // written without the WAL: memtables only
    REQUIRE(log->flush_state().ok());
    auto after = log->storage_stats();
    REQUIRE(after.ok());
    CHECK(after->projection_sst_bytes > 0);
    CHECK(log->read_state("jobs", "k1").value() == std::optional<std::string>("v1"));
  }
  auto reader = must_open(tmp.path(), reader_options());
  CHECK(reader->read_state("usage", "k2").value() == std::optional<std::string>("v2"));
  const Status refused = reader->flush_state();
  CHECK(refused.is_invalid_argument());
}

}  // namespace
}  // namespace jobtrail
