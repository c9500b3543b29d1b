// departed_job_events on real sacct output of the test harness's SLURM
// (data/slurm/jobtrail-live-sacct-duplicates.txt: UTC, the poller's field list).
#include "ingest/slurm/departed_job.h"

#include <catch2/catch.hpp>
#include <map>

#include "events/event_view.h"
#include "events/time_format.h"
#include "ingest/captured_data.h"
#include "ingest/slurm/slurm_commands.h"
#include "ingest/slurm/squeue_parser.h"

namespace jobtrail::ingest::slurm {
namespace {

std::vector<SacctRecord> rows_of(const std::string& job) {
  const std::string text =
      jobtrail::testing::read_captured("slurm", "jobtrail-live-sacct-duplicates.txt");
  auto zone = TimeZone::locate("UTC");
  REQUIRE(zone.ok());
  auto parser = SacctParser::create(kPollSacctFields, *zone);
  REQUIRE(parser.ok());
  std::vector<SacctRecord> rows;
  for (std::string_view line : jobtrail::testing::split_lines(text)) {
    auto parsed = parser->parse_line(line);
    REQUIRE(parsed.ok());
    auto* r = std::get_if<SacctRecord>(&*parsed);
    if (r != nullptr && !r->is_step && r->job_key.format() == job) rows.push_back(*r);
  }
  return rows;
}

struct Fact {
  fb::JobState from, to;
  std::string at;
  int32_t exit_code;
};

std::vector<Fact> facts(const KnownJob& known, const std::vector<SacctRecord>& rows, bool* ended) {
  EventBuilder builder;
  std::vector<BuiltEvent> out;
  RecordContext context{"live", "", "sacct (local)", -1, -1, 1'900'000'000'000'000};
  auto result = departed_job_events(known, rows, context, builder, &out);
  REQUIRE(result.ok());
  *ended = *result;
  std::vector<Fact> facts;
  for (const BuiltEvent& e : out) {
    auto view = EventView::from_bytes(e.bytes, 1);
    REQUIRE(view.ok());
    const auto* b = view->as<fb::JobStateChanged>();
    REQUIRE(b != nullptr);
    facts.push_back(
        {b->from(), b->to(), format_iso8601_us(view->effective_at_us()), b->exit_code()});
  }
  return facts;
}

int64_t at(const char* iso) {
  auto t = parse_time_us(iso);
  REQUIRE(t.ok());
  return *t;
}

}  // namespace

TEST_CASE("a requeued job seen running once gets its requeue, second run and end from sacct") {
  KnownJob known;
  known.state = fb::JobState::RUNNING;
  known.start_at_us = at("2026-11-23T11:58:12Z");  // the first run, as squeue showed it
  bool ended = false;
  auto f = facts(known, rows_of("11"), &ended);
  REQUIRE(f.size() == 3);
  CHECK((f[0].from == fb::JobState::RUNNING && f[0].to == fb::JobState::REQUEUED));
  CHECK(f[0].at == "2026-11-23T11:58:13Z");
  CHECK((f[1].from == fb::JobState::PENDING && f[1].to == fb::JobState::RUNNING));
  CHECK(f[1].at == "2026-11-23T11:58:24Z");
  CHECK((f[2].from == fb::JobState::RUNNING && f[2].to == fb::JobState::COMPLETED));
  CHECK(f[2].at == "2026-11-23T11:58:51Z");
  CHECK(ended);
}

TEST_CASE("a requeue squeue already showed is not written twice") {
  KnownJob known;
  known.state = fb::JobState::RUNNING;
  known.start_at_us = at("2026-11-23T11:58:24Z");  // squeue saw R, PD, then the second R
  bool ended = false;
  auto f = facts(known, rows_of("11"), &ended);
  REQUIRE(f.size() == 1);
  CHECK(f[0].to == fb::JobState::COMPLETED);
  CHECK(ended);
}

TEST_CASE("a failing job ends FAILED with its exit code, at sacct's End") {
  KnownJob known;
  known.state = fb::JobState::RUNNING;
  known.start_at_us = at("2026-11-23T11:58:05Z");
  bool ended = false;
  auto f = facts(known, rows_of("4"), &ended);
  REQUIRE(f.size() == 1);
  CHECK(f[0].to == fb::JobState::FAILED);
  CHECK(f[0].exit_code == 3);
  CHECK(f[0].at == "2026-11-23T11:58:07Z");
}

TEST_CASE("a job cancelled while pending never runs in the ledger") {
  KnownJob known;
  known.state = fb::JobState::PENDING;
  bool ended = false;
  auto f = facts(known, rows_of("9"), &ended);
  REQUIRE(f.size() == 1);
  CHECK((f[0].from == fb::JobState::PENDING && f[0].to == fb::JobState::CANCELLED));
  CHECK(ended);
}

TEST_CASE("a job sacct does not know, or not as ended, is not resolved: no end is guessed") {
  KnownJob known;
  known.state = fb::JobState::RUNNING;
  known.start_at_us = at("2026-11-23T11:58:05Z");
  bool ended = true;
  CHECK(facts(known, {}, &ended).empty());
  CHECK_FALSE(ended);
  auto running = rows_of("4");
  running.back().state.state = fb::JobState::RUNNING;
  running.back().end.epoch_us.reset();
  CHECK(facts(known, running, &ended).empty());
  CHECK_FALSE(ended);
}

TEST_CASE("the poller's own squeue format reads every row of the live capture") {
  const std::string text =
      jobtrail::testing::read_captured("slurm", "jobtrail-live-squeue-poll.txt");
  auto zone = TimeZone::locate("UTC");
  REQUIRE(zone.ok());
  auto parser = SqueueParser::create(kPollSqueueFormat, *zone);
  REQUIRE(parser.ok());
  std::map<std::string, std::string> states;
  for (std::string_view line : jobtrail::testing::split_lines(text)) {
    auto parsed = parser->parse_line(line);
    REQUIRE(parsed.ok());
    const auto& r = std::get<SqueueRecord>(*parsed);
    states[r.job_key.format()] = r.state.raw;
    if (r.job_key.format() == "5") CHECK(r.reason == "DependencyNeverSatisfied");
    if (r.job_key.format() == "4") CHECK(r.end.epoch_us == at("2026-11-23T11:58:07Z"));
  }
  CHECK(states.size() == 31);
  CHECK(states["4"] == "FAILED");
  CHECK(states["6"] == "TIMEOUT");
  CHECK(states["7_20"] == "COMPLETED");
  CHECK(rows_of("11").size() == 2);  // --duplicates: the REQUEUED run, then the last
}

}  // namespace jobtrail::ingest::slurm
