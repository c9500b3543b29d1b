// The projection engine: exactly-once folding, checkpoints, version bumps, failures noted.
#include "projections/engine.h"

#include <algorithm>

#include "events/keys.h"
#include "events/test_db.h"
#include "fold_fixture.h"
#include "projections/arrays_projection.h"
#include "projections/job_view.h"

namespace jobtrail::projections {

using S = fb::JobState;

namespace {

// Every entry of one store (checkpoint and notes included), ordered by key.
std::map<std::string, std::string> store_contents(const EventLog& log, const std::string& store) {
  std::map<std::string, std::string> out;
  REQUIRE(log.scan_state(store, "",
                         [&out](std::string_view k, std::string_view v) {
                           out.emplace(std::string(k), std::string(v));
                           return true;
                         })
              .ok());
  return out;
}

// Counts the events it sees under one key; refuses (fails) events of job "666".
class CountingProjection final : public Projection {
 public:
  explicit CountingProjection(uint32_t version) : version_(version) {}
  std::string_view name() const override { return "counting"; }
  uint32_t version() const override { return version_; }
  Status apply(const EventView& event, ProjectionWriter& writer) override {
    if (event.job_text() == "666") return Status::invalid_argument("job 666 is refused");
    auto stored = writer.get("count");
    if (!stored.ok()) return stored.status();
    uint64_t count = stored->has_value() ? std::stoull(**stored) : 0;
    writer.put("count", std::to_string(count + version_));
    return Status();
  }

 private:
  uint32_t version_;
};

std::unique_ptr<ProjectionEngine> open_counting(EventLog& log, uint32_t version,
                                                size_t batch_events = 2) {
  std::vector<std::unique_ptr<Projection>> list;
  list.push_back(std::make_unique<CountingProjection>(version));
  EngineOptions options;
  options.batch_events = batch_events;
  auto engine = ProjectionEngine::open(log, std::move(list), options);
  REQUIRE(engine.ok());
  return std::move(engine).value();
}

std::string stored_count(EventLog& log) {
  auto stored = log.read_state("counting", "count");
  REQUIRE(stored.ok());
  return stored->value_or("none");
}

}  // namespace

TEST_CASE("every event is folded once, across reopen and repeated catch-ups",
          "[projections][engine]") {
  testing::FoldFixture f;
  for (int i = 0; i < 5; ++i) f.submit(std::to_string(i), i);
  {
    auto engine = open_counting(f.log(), 1);
    REQUIRE(engine->catch_up(f.log()).ok());
    REQUIRE(engine->catch_up(f.log()).ok());
    CHECK(engine->applied_seq() == 5);
  }
  CHECK(stored_count(f.log()) == "5");
  f.submit("5", 6);
  auto reopened = open_counting(f.log(), 1);
  CHECK(reopened->applied_seq() == 5);
  REQUIRE(reopened->catch_up(f.log()).ok());
  CHECK(stored_count(f.log()) == "6");
}

TEST_CASE("a version bump throws the state away and rebuilds from seq 1", "[projections][engine]") {
  testing::FoldFixture f;
  for (int i = 0; i < 4; ++i) f.submit(std::to_string(i), i);
  REQUIRE(open_counting(f.log(), 1)->catch_up(f.log()).ok());
  CHECK(stored_count(f.log()) == "4");
  auto bumped = open_counting(f.log(), 3);
  CHECK(bumped->states().front().rebuilt_on_open);
  CHECK(bumped->applied_seq() == 0);
  CHECK(stored_count(f.log()) == "none");
  REQUIRE(bumped->catch_up(f.log()).ok());
  CHECK(stored_count(f.log()) == "12");  // 4 events x version 3
}

TEST_CASE("an event that cannot be applied is noted with its seq and folding goes on",
          "[projections][engine]") {
  testing::FoldFixture f;
  f.submit("1", 1);
  f.submit("666", 2);
  f.submit("3", 3);
  auto engine = open_counting(f.log(), 1);
  REQUIRE(engine->catch_up(f.log()).ok());
  CHECK(engine->applied_seq() == 3);
  CHECK(stored_count(f.log()) == "2");
  std::vector<std::pair<uint64_t, std::string>> notes;
  REQUIRE(f.log()
              .scan_state("counting", kNotePrefix,
                          [&](std::string_view key, std::string_view value) {
                            notes.emplace_back(keys::get_be64(key.data() + kNotePrefix.size()),
                                               std::string(value));
                            return true;
                          })
              .ok());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].first == 2);
  CHECK(notes[0].second.find("job 666 is refused") != std::string::npos);
}

TEST_CASE("the commit batch size changes nothing in the folded state", "[projections][engine]") {
  testing::FoldFixture small, large;
  for (testing::FoldFixture* f : {&small, &large}) {
    f->submit("8_[1-6]", 0);
    for (int t = 1; t <= 6; ++t) {
      f->change("8_" + std::to_string(t), S::PENDING, S::RUNNING, 10 + t);
      if (t % 2 == 0) f->change("8_" + std::to_string(t), S::RUNNING, S::COMPLETED, 20 + t);
    }
  }
  small.fold(1);
  large.fold(10000);
  // Byte for byte: even the arrays' event index is keyed by seq span, not by commit batch.
  for (const char* store : {"jobs", "arrays"}) {
    CHECK(store_contents(small.log(), store) == store_contents(large.log(), store));
  }
  auto small_seqs = array_event_seqs(small.state("arrays"), "c", "8");
  auto large_seqs = array_event_seqs(large.state("arrays"), "c", "8");
  REQUIRE(small_seqs.ok());
  REQUIRE(large_seqs.ok());
  CHECK(*small_seqs == *large_seqs);
  CHECK(small_seqs->size() == 10);
}

TEST_CASE("the in-memory engine folds to the same state as the stored one",
          "[projections][engine]") {
  testing::FoldFixture f;
  f.submit("1", 1);
  f.change("1", S::PENDING, S::RUNNING, 2);
  f.submit("2_[1-3]", 1);
  f.fold();
  auto memory = ProjectionEngine::in_memory(default_projections(), {});
  REQUIRE(memory->catch_up(f.log()).ok());
  for (const auto& state : memory->states()) {
    std::map<std::string, std::string> stored;
    REQUIRE(f.log()
                .scan_state(state.name, "",
                            [&](std::string_view k, std::string_view v) {
                              if (k != kCheckpointKey)
                                stored.emplace(std::string(k), std::string(v));
                              return true;
                            })
                .ok());
    CHECK(memory->memory_state(state.name) == stored);
  }
}

TEST_CASE("folding in two lanes gives the serial state byte for byte, at every batch size",
          "[projections][engine]") {
  testing::FoldFixture serial, lanes;
  for (testing::FoldFixture* f : {&serial, &lanes}) {
    f->submit("8_[1-6]", 0);
    for (int t = 1; t <= 6; ++t) {
      f->change("8_" + std::to_string(t), S::PENDING, S::RUNNING, 10 + t);
      if (t % 2 == 0) f->change("8_" + std::to_string(t), S::RUNNING, S::COMPLETED, 20 + t);
    }
    for (int j = 100; j < 140; ++j) {
      f->submit(std::to_string(j), j, j % 3 == 0 ? "other" : "c");
      f->change(std::to_string(j), S::PENDING, S::RUNNING, j + 5, j % 3 == 0 ? "other" : "c");
      if (j % 4 == 0) f->record(std::to_string(j), 2, j + 5, j + 90'000);  // over midnight
      if (j % 5 == 0) f->depend(std::to_string(j), fb::DependencyKind::AFTER_OK, {"8"}, j + 1);
    }
    f->change("9", S::RUNNING, S::FAILED, 50);  // a job first seen in a change: noted
    // A stored event that no longer verifies: each lane notes it and folds on.
    const uint64_t damaged = f->log().head() / 2;
    f->close_log();
    { testing::RawDb(f->dir() + "/db").put("log", keys::log_key(damaged), "not an event"); }
    f->reopen_log();
  }
  const uint64_t head = serial.log().head();
  for (size_t batch_events : {size_t{1}, size_t{7}, size_t{1000}}) {
    for (testing::FoldFixture* f : {&serial, &lanes}) {
      EngineOptions options;
      options.batch_events = batch_events;
      options.lanes_events_min = f == &lanes ? 1 : UINT64_MAX;
      auto engine = ProjectionEngine::open(f->log(), default_projections(), options);
      REQUIRE(engine.ok());
      REQUIRE((*engine)->rebuild(f->log(), {}).ok());
      CHECK((*engine)->applied_seq() == head);
    }
    const auto names = ProjectionEngine::in_memory(default_projections(), {});
    for (const auto& state : names->states()) {
      const auto folded_serially = store_contents(serial.log(), state.name);
      CHECK(folded_serially.size() > 1);
      CHECK(folded_serially == store_contents(lanes.log(), state.name));
    }
    // The unreadable event is a note in every store (and so in both folds: they are equal).
    for (const auto& state : names->states()) {
      INFO(state.name);
      const auto stored = store_contents(lanes.log(), state.name);
      CHECK(std::any_of(stored.begin(), stored.end(), [](const auto& entry) {
        return entry.second.find("could not read") != std::string::npos;
      }));
    }
  }
}

TEST_CASE("a long catch-up ends with its state flushed to table files, a short one does not",
          "[projections][engine]") {
  // State skips the WAL: until a flush it lives only in memtables, and a crash would make the
  // next open fold it all again. A catch-up of flush_events_min events or more flushes.
  for (const bool long_enough : {false, true}) {
    INFO("long enough: " << long_enough);
    testing::FoldFixture f;
    for (int i = 0; i < 30; ++i) f.submit(std::to_string(i), i);
    EngineOptions options;
    options.flush_events_min = long_enough ? 30 : 31;
    for (const uint64_t lanes_events_min : {uint64_t{1}, UINT64_MAX}) {
      options.lanes_events_min = lanes_events_min;
      auto engine = ProjectionEngine::open(f.log(), default_projections(), options);
      REQUIRE(engine.ok());
      REQUIRE((*engine)->rebuild(f.log(), {}).ok());
      CHECK((*engine)->applied_seq() == 30);
      auto stats = f.log().storage_stats();
      REQUIRE(stats.ok());
      CHECK((stats->projection_sst_bytes > 0) == long_enough);
    }
  }
}

}  // namespace jobtrail::projections
