// As-of reconstruction at several instants, by effective time and by observation time.
#include "replay/as_of.h"

#include <random>

#include "projections/engine.h"
#include "projections/fold_fixture.h"
#include "projections/jobs_projection.h"

namespace jobtrail::replay {

using S = fb::JobState;

namespace {
// Job 9: submitted t=100, running t=200, completed t=900; sacct reports at t=1000 that it
// had been requeued at t=500.
void fill(testing::FoldFixture& f) {
  f.submit("9", 100);
  f.change("9", S::PENDING, S::RUNNING, 200);
  f.change("9", S::RUNNING, S::COMPLETED, 900);
  f.change("9", S::RUNNING, S::REQUEUED, 500, "c", 1000);
  f.submit("4_[1-3]", 100);
  f.change("4_1", S::PENDING, S::RUNNING, 300);
  f.change("4_1", S::RUNNING, S::COMPLETED, 600);
  f.fold();
}

AsOf at(int64_t seconds, bool observed = false) {
  return AsOf{seconds * 1'000'000, observed};
}

std::vector<S> states_to(const std::vector<projections::HistoryEntry>& entries) {
  std::vector<S> out;
  for (const auto& e : entries) out.push_back(e.to);
  return out;
}

S job_state_as_of(const EventLog& log, const AsOf& as_of) {
  auto state = jobs_as_of(log, as_of, nullptr);
  REQUIRE(state.ok());
  auto view = projections::read_job(*state, "c", "9");
  REQUIRE(view.ok());
  return view->has_value() ? (*view)->state : S::UNKNOWN;
}
}  // namespace

TEST_CASE("a job's history as of an instant holds the facts effective by then", "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  auto history = [&](const AsOf& as_of) {
    auto entries = history_as_of(f.log(), "c", "9", as_of);
    REQUIRE(entries.ok());
    return states_to(*entries);
  };
  CHECK(history(at(50)).empty());
  CHECK(history(at(100)) == std::vector<S>{S::PENDING});  // inclusive
  CHECK(history(at(600)) == std::vector<S>{S::PENDING, S::RUNNING, S::REQUEUED});
  CHECK(history(at(2000)) == std::vector<S>{S::PENDING, S::RUNNING, S::REQUEUED, S::COMPLETED});
  // What jobtrail knew at t=950: the requeue had not been reported yet.
  CHECK(history(at(950, true)) == std::vector<S>{S::PENDING, S::RUNNING, S::COMPLETED});
}

TEST_CASE("the jobs view as of an instant is the latest fact effective by then",
          "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  CHECK(job_state_as_of(f.log(), at(50)) == S::UNKNOWN);
  CHECK(job_state_as_of(f.log(), at(150)) == S::PENDING);
  CHECK(job_state_as_of(f.log(), at(250)) == S::RUNNING);
  CHECK(job_state_as_of(f.log(), at(700)) == S::REQUEUED);
  CHECK(job_state_as_of(f.log(), at(901)) == S::COMPLETED);
  CHECK(job_state_as_of(f.log(), at(950, true)) == S::COMPLETED);
}

TEST_CASE("an array as of an instant is folded from the array's own events", "[replay][as_of]") {
  testing::FoldFixture f;
  fill(f);
  projections::StoredState arrays(f.log(), "arrays");
  auto counts_at = [&](int64_t seconds) {
    auto counts = array_as_of(arrays, "c", "4", at(seconds));
    REQUIRE(counts.ok());
    return *counts;
  };
  CHECK_FALSE(counts_at(50).has_value());
  auto early = counts_at(100);
  REQUIRE(early);
  CHECK(early->total == 3);
  CHECK(early->counts[static_cast<size_t>(S::PENDING)] == 3);
  auto middle = counts_at(400);
  REQUIRE(middle);
  CHECK(middle->counts[static_cast<size_t>(S::RUNNING)] == 1);
  CHECK(middle->counts[static_cast<size_t>(S::PENDING)] == 2);
  auto late = counts_at(700);
  REQUIRE(late);
  CHECK(late->counts[static_cast<size_t>(S::COMPLETED)] == 1);
  CHECK(late->total == 3);
}

// The reference an as-of array must equal: the arrays fold of every admitted event of the
// whole log, in seq order (what the journal replay avoids reading).
std::optional<projections::ArrayCounts> array_by_log_replay(const EventLog& log,
                                                            std::string_view array,
                                                            const AsOf& as_of) {
  std::vector<std::unique_ptr<projections::Projection>> only_arrays;
  only_arrays.push_back(std::make_unique<projections::ArraysProjection>());
  auto engine = projections::ProjectionEngine::in_memory(std::move(only_arrays), {});
  REQUIRE(engine->catch_up(log, UINT64_MAX, [&](const EventView& e) { return as_of.includes(e); })
              .ok());
  projections::MemoryState state(engine->memory_state(projections::ArraysProjection::kName));
  auto counts = projections::read_array(state, "c", array);
  REQUIRE(counts.ok());
  return *counts;
}

TEST_CASE("an array as of any instant, replayed from its journal, equals a fold of the whole log",
          "[replay][as_of]") {
  testing::FoldFixture f;
  // Array 7: a 40-task remainder, tasks that run and end in shuffled order, a late requeue
  // reported after the end, a row that times out the tasks still running, a remainder row
  // cancelled as a group, field updates; array
  // 8[] declared with ranges and a throttle; a plain job and another array in between.
  std::mt19937 random(7);
  f.submit("7_[0-39%8]", 10);
  f.declare("8[].srv", {{1, 20, 1}, {30, 40, 2}}, 12, 4);
  f.submit("5", 15);
  std::vector<int> tasks(30);
  for (int i = 0; i < 30; ++i) tasks[i] = i;
  std::shuffle(tasks.begin(), tasks.end(), random);
  int64_t t = 20;
  for (int task : tasks) {
    const std::string job = "7_" + std::to_string(task);
    f.change(job, S::PENDING, S::RUNNING, t += 3);
    f.change(job, S::RUNNING, task % 5 == 0 ? S::FAILED : S::COMPLETED, t + 40);
    if (task % 7 == 0) f.change(job, S::RUNNING, S::REQUEUED, t + 20, "c", t + 500);  // late
    f.change("8[" + std::to_string(task % 20 + 1) + "].srv", S::PENDING, S::RUNNING, t + 1);
  }
  f.change("7_[0-29]", S::RUNNING, S::TIMEOUT, 90);  // the row moves the tasks still RUNNING
  f.fields("7_[30-39]", {{"reason", "Dependency"}}, 150);
  f.change("7_[30-39]", S::PENDING, S::CANCELLED, 160);
  f.submit("9_[1-3]", 170);
  f.fold();

  projections::StoredState arrays(f.log(), "arrays");
  for (const char* array : {"7", "8[].srv"}) {
    for (bool observed : {false, true}) {
      for (int64_t seconds = 0; seconds <= 700; seconds += 7) {
        INFO(array << " as of " << seconds << (observed ? " observed" : " effective"));
        const AsOf as_of = at(seconds, observed);
        auto replayed = array_as_of(arrays, "c", array, as_of);
        REQUIRE(replayed.ok());
        CHECK(*replayed == array_by_log_replay(f.log(), array, as_of));
      }
    }
    // Late enough, the replay is the stored state itself.
    auto now = projections::read_array(arrays, "c", array);
    REQUIRE(now.ok());
    auto replayed = array_as_of(arrays, "c", array, at(1'000'000));
    REQUIRE(replayed.ok());
    CHECK(*replayed == *now);
  }
}

// The key of array `array`'s first journal chunk in `f`'s stored state.
std::string first_journal_key(testing::FoldFixture& f, const std::string& array) {
  std::string journal_key;
  projections::StoredState arrays(f.log(), "arrays");
  REQUIRE(arrays
              .scan(projections::job_state_key("c", array) + '\x02',
                    [&](std::string_view key, std::string_view) {
                      journal_key = std::string(key);
                      return false;
                    })
              .ok());
  REQUIRE_FALSE(journal_key.empty());
  return journal_key;
}

void put_arrays_state(testing::FoldFixture& f, const std::string& key, const std::string& value) {
  auto batch = f.log().new_state_batch();
  batch->put("arrays", key, value);
  REQUIRE(f.log().write_state(*batch, true).ok());
}

TEST_CASE("a damaged or reordered journal entry is a corruption, not a wrong count",
          "[replay][as_of]") {
  testing::FoldFixture f;
  f.submit("4_[1-3]", 100);
  f.change("4_1", S::PENDING, S::RUNNING, 300);
  f.fold();
  projections::StoredState arrays(f.log(), "arrays");
  const std::string key = first_journal_key(f, "4");
  auto whole = arrays.get(key);
  REQUIRE(whole.ok());
  REQUIRE(whole->has_value());
  SECTION("a fact cut short") {
    put_arrays_state(f, key, std::string("\x01\x02\x03", 3));
  }
  SECTION("the same facts twice: seqs no longer ascend") {
    put_arrays_state(f, key, **whole + **whole);
  }
  auto replayed = array_as_of(arrays, "c", "4", at(1000));
  CHECK(replayed.status().is_corruption());
  CHECK_THAT(replayed.status().message(), Catch::Contains("journal"));
}

TEST_CASE("an as-of refuses a journal of another arrays version with what to do",
          "[replay][as_of]") {
  testing::FoldFixture f;
  f.submit("4_[1-3]", 100);
  f.fold();
  put_arrays_state(f, std::string(projections::kCheckpointKey),
                   projections::encode_checkpoint(f.log().head(), 5));
  projections::StoredState arrays(f.log(), "arrays");
  auto replayed = array_as_of(arrays, "c", "4", at(1000));
  CHECK(replayed.status().code() == Status::Code::kUnavailable);
  CHECK_THAT(replayed.status().message(), Catch::Contains("version 5"));
  CHECK_THAT(replayed.status().message(), Catch::Contains("rebuild arrays"));
}

TEST_CASE("a declaration of more task ranges than a job key may hold replays whole",
          "[replay][as_of]") {
  testing::FoldFixture f;
  std::vector<TaskRange> ranges;
  for (uint32_t i = 0; i < 2000; ++i) ranges.push_back({i * 4, i * 4 + 1, 1});
  f.declare("8[].srv", ranges, 100);
  f.change("8[5].srv", S::PENDING, S::RUNNING, 200);  // a declared task
  f.fold();
  projections::StoredState arrays(f.log(), "arrays");
  auto now = projections::read_array(arrays, "c", "8[].srv");
  REQUIRE(now.ok());
  REQUIRE(now->has_value());
  CHECK((*now)->total == 4000);
  auto replayed = array_as_of(arrays, "c", "8[].srv", at(1000));
  REQUIRE(replayed.ok());
  CHECK(*replayed == *now);
}

}  // namespace jobtrail::replay
