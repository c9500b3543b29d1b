// jobcomp/filetxt records: every real record of the bundled bruce log, and the events they make
// agree with sacct's account of the same jobs.
#include "ingest/slurm/jobcomp_importer.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "events/time_format.h"
#include "ingest/captured_data.h"
#include "ingest/slurm/sacct_importer.h"

namespace jobtrail::ingest::slurm {

TEST_CASE("every record of the real bruce jobcomp log parses, names with spaces included",
          "[ingest][slurm][jobcomp]") {
  auto zone = TimeZone::locate("Australia/Melbourne");
  REQUIRE(zone.ok());
  const std::string text = testing::read_captured("slurm", "alogger-vlsci-bruce-jobcomp.log");
  size_t records = 0;
  bool saw_spaced_name = false;
  for (std::string_view line : testing::split_lines(text)) {
    auto r = parse_jobcomp_record(line, *zone);
    INFO(line);
    REQUIRE(r.ok());
    ++records;
    saw_spaced_name = saw_spaced_name || r->job_name.find(' ') != std::string::npos;
  }
  CHECK(records == 177);
  CHECK(saw_spaced_name);
  auto first = parse_jobcomp_record(testing::split_lines(text).front(), *zone);
  REQUIRE(first.ok());
  CHECK(first->job_key.format() == "1670440");  // the ".bruce-m" host suffix is not the key
  CHECK(first->user == "samuel");
  CHECK(*first->uid == 500);
  CHECK(first->state.state == fb::JobState::COMPLETED);
  CHECK(format_iso8601_us(*first->end.epoch_us) == "2014-02-25T04:49:47Z");
  CHECK(*first->elapsed_s == 12);
  CHECK(*first->node_count == 1);
}

TEST_CASE("a line that is not a jobcomp record is an error naming it", "[ingest][slurm][jobcomp]") {
  const TimeZone utc = TimeZone::utc();
  CHECK_FALSE(parse_jobcomp_record("garbage without keys", utc).ok());
  CHECK_FALSE(parse_jobcomp_record("UserId=x(1)", utc).ok());  // no JobId
  CHECK_FALSE(parse_jobcomp_record("JobId=1 StartTime=yesterday", utc).ok());
  CHECK_FALSE(parse_jobcomp_record("JobId=1 UserId=x(abc)", utc).ok());
}

TEST_CASE("jobcomp and sacct tell the same story about the same jobs", "[ingest][slurm][jobcomp]") {
  char tmpl[] = "/tmp/jobtrail-jobcomp-test-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    auto log = EventLog::open(dir + "/db", EventLogOptions{});
    REQUIRE(log.ok());
    JobcompImportOptions options;
    options.time_zone = "Australia/Melbourne";
    options.line.cluster = "bruce";
    auto stats = import_jobcomp(
        **log, std::string(JOBTRAIL_TEST_DATA_DIR) + "/slurm/alogger-vlsci-bruce-jobcomp.log",
        options);
    REQUIRE(stats.ok());
    CHECK(stats->records == 177);
    CHECK(stats->quarantined == 0);
    auto jobcomp_seqs = (*log)->stream("bruce", "1670440");
    REQUIRE(jobcomp_seqs.ok());
    CHECK(jobcomp_seqs->size() == 4);  // submitted, started, ended, and the raw record

    SacctImportOptions sacct;
    sacct.time_zone = "Australia/Melbourne";
    sacct.line.cluster = "bruce";
    REQUIRE(
        import_sacct(**log,
                     std::string(JOBTRAIL_TEST_DATA_DIR) + "/slurm/alogger-vlsci-bruce-sacct-p.txt",
                     sacct)
            .ok());
    auto both = (*log)->stream("bruce", "1670440");
    REQUIRE(both.ok());
    REQUIRE(both->size() == 8);
    // Same times, one fact from each source (each ending with its raw record).
    for (size_t i = 0; i < 4; ++i) {
      auto a = (*log)->read((*both)[i]);
      auto b = (*log)->read((*both)[i + 4]);
      REQUIRE(a.ok());
      REQUIRE(b.ok());
      CHECK(a->view()->effective_at_us() == b->view()->effective_at_us());
      CHECK(a->view()->header().provenance()->source_kind() == fb::SourceKind::JOBCOMP);
      CHECK(b->view()->header().provenance()->source_kind() == fb::SourceKind::SACCT);
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace jobtrail::ingest::slurm
