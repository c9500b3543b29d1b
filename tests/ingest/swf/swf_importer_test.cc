// Tests for the SWF importer against a real RocksDB in a temp folder, on the bundled real
// traces and on small crafted files for the cases the real ones do not have.
#include "ingest/swf/swf_importer.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "events/limits.h"
#include "events/log_verifier.h"
#include "events/time_format.h"

namespace jobtrail::ingest::swf {
namespace {

std::string data(const std::string& name) {
  return std::string(JOBTRAIL_TEST_DATA_DIR) + "/swf/" + name;
}

class TempFolder {
 public:
  TempFolder() {
    char tmpl[] = "/tmp/jobtrail-swf-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<EventLog> open_log(const std::string& dir) {
  auto log = EventLog::open(dir, EventLogOptions{});
  REQUIRE(log.ok());
  return std::move(log).value();
}

SwfImportStats import(EventLog& log, const std::string& path, const std::string& cluster,
                      size_t batch_events = 1024) {
  SwfImportOptions options;
  options.cluster = cluster;
  options.batch_events = batch_events;
  auto stats = import_swf(log, path, options);
  INFO(stats.status().to_string());
  REQUIRE(stats.ok());
  return *stats;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// All events of one job, as (type, from->to, effective_at) lines.
std::vector<std::string> job_events(const EventLog& log, const std::string& cluster,
                                    const std::string& job) {
  auto seqs = log.stream(cluster, job);
  REQUIRE(seqs.ok());
  std::vector<std::string> out;
  for (uint64_t seq : *seqs) {
    auto stored = log.read(seq);
    REQUIRE(stored.ok());
    auto view = stored->view();
    REQUIRE(view.ok());
    std::string line(view->type_name());
    if (const auto* c = view->as<fb::JobStateChanged>()) {
      line += std::string(" ") + job_state_name(c->from()) + "->" + job_state_name(c->to());
    }
    line += " " + format_iso8601_us(view->effective_at_us());
    line += std::string(" ") + fb::EnumNameTimeBasis(view->header().effective_basis());
    out.push_back(line);
  }
  return out;
}

void require_clean(const EventLog& log) {
  auto report = verify_log(log);
  REQUIRE(report.ok());
  INFO((report->faults.empty() ? "" : report->faults.front()));
  REQUIRE(report->clean());
}

}  // namespace

TEST_CASE(
    "importing the real HPC2N trace gives three transitions and the raw record per finished job "
    "at trace times",
    "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  SwfImportStats stats = import(*log, data("alea-hpc2n-excerpt.swf"), "hpc2n");
  CHECK(stats.records == 3170);
  CHECK(stats.quarantined == 0);
  CHECK(stats.events_appended == log->head());
  CHECK(stats.first_seq == 1);
  // Job 1: "1 0 308434 31405 ..." with UnixStartTime 1027839845 (2002-07-28T07:04:05Z).
  CHECK(job_events(*log, "hpc2n", "1") ==
        std::vector<std::string>{"JobSubmitted 2002-07-28T07:04:05Z REPORTED",
                                 "JobStateChanged PENDING->RUNNING 2002-07-31T20:44:39Z REPORTED",
                                 "JobStateChanged RUNNING->COMPLETED 2002-08-01T05:28:04Z REPORTED",
                                 "AccountingRecorded 2002-08-01T05:28:04Z REPORTED"});
  auto first = log->read(1);
  REQUIRE(first.ok());
  CHECK(first->view()->type() == fb::Body::ClusterRegistered);
  require_clean(*log);
}

TEST_CASE("re-importing the same trace, from any path, appends nothing", "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  import(*log, data("alea-hpc2n-excerpt.swf"), "hpc2n");
  const uint64_t head = log->head();
  SwfImportStats again = import(*log, data("alea-hpc2n-excerpt.swf"), "hpc2n");
  CHECK(again.events_appended == 0);
  CHECK(log->head() == head);
  std::filesystem::copy_file(data("alea-hpc2n-excerpt.swf"), dir / "copy.swf");
  SwfImportStats copy = import(*log, dir / "copy.swf", "hpc2n");
  CHECK(copy.events_appended == 0);
  CHECK(log->head() == head);
  require_clean(*log);
}

TEST_CASE("the same trace imported into another cluster is a different set of facts",
          "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  const uint64_t first = import(*log, data("alea-hpc2n-excerpt.swf"), "a").events_appended;
  const uint64_t second = import(*log, data("alea-hpc2n-excerpt.swf"), "b").events_appended;
  CHECK(first == second);
  CHECK(log->head() == first + second);
  CHECK(job_events(*log, "a", "1").size() == 4);
  CHECK(job_events(*log, "b", "1").size() == 4);
  require_clean(*log);
}

TEST_CASE("the two wagap records with negative run times are quarantined and import goes on",
          "[ingest][swf][quarantine]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  SwfImportStats stats = import(*log, data("alea-wagap-2013.ext-swf.gz"), "wagap");
  CHECK(stats.records == 17898);
  CHECK(stats.quarantined == 2);
  std::vector<QuarantineRecord> records;
  REQUIRE(log->for_each_quarantined([&](const QuarantineRecord& r) {
               records.push_back(r);
               return true;
             })
              .ok());
  REQUIRE(records.size() == 2);
  CHECK(records[0].line == 4186);
  CHECK(records[1].line == 4200);
  CHECK(records[0].reason.find("field 4 (run time)") != std::string::npos);
  CHECK(records[0].raw.find("-1359980917") != std::string::npos);
  // A re-import quarantines the same lines under the same keys: the count does not grow.
  import(*log, data("alea-wagap-2013.ext-swf.gz"), "wagap");
  CHECK(*log->quarantined_count() == 2);
  // Extended SWF submit times are epoch seconds already: job 0 was submitted 2012-12-31.
  CHECK(job_events(*log, "wagap", "0").front() == "JobSubmitted 2012-12-31T23:22:27Z REPORTED");
  require_clean(*log);
}

TEST_CASE(
    "a trace without wait times starts jobs at submit, marked as an assumption, and "
    "ends them as ENDED when the status is unknown",
    "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  SwfImportStats stats = import(*log, data("NASA-iPSC-1993-3.1-cln.swf.gz"), "nasa");
  CHECK(stats.records == 18239);
  CHECK(stats.quarantined == 0);
  // NASA job 1: "1 0 -1 1451 128 ..." status -1.
  auto events = job_events(*log, "nasa", "1");
  REQUIRE(events.size() == 4);
  CHECK(events[1].find("PENDING->RUNNING") != std::string::npos);
  CHECK(events[1].find("ASSUMED") != std::string::npos);
  CHECK(events[2].find("RUNNING->ENDED") != std::string::npos);
}

TEST_CASE("AleaNG submit times that are already epoch seconds are not offset twice",
          "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  import(*log, data("aleang-ngi_cz-journal-PBSeasy.swf"), "ngi");
  // "0 1734800289 0 1806 ..." and UnixStartTime 1734800289: 2024-12-21T16:58:09Z, not 2079.
  CHECK(job_events(*log, "ngi", "0").front() == "JobSubmitted 2024-12-21T16:58:09Z REPORTED");
}

TEST_CASE(
    "malformed lines of every kind are quarantined with their reason and offset while "
    "the good records around them are imported",
    "[ingest][swf][quarantine]") {
  TempFolder dir;
  const std::string good1 = "1 0 10 100 4 -1 -1 4 200 -1 1 7 1 -1 1 1 -1 -1\n";
  const std::string bad_fields = "2 5 10 100 4 -1 -1 4 200 -1 1 7 1\n";
  const std::string bad_number = "3 5 10 abc 4 -1 -1 4 200 -1 1 7 1 -1 1 1 -1 -1\n";
  const std::string binary("\x01\x02\xff\xfe\x00garbage\n", 13);
  const std::string huge(200 * 1024, '7');
  const std::string good2 = "4 20 -1 50 2 -1 -1 2 100 -1 0 8 1 -1 1 1 -1 -1\n";
  const std::string cancelled = "5 30 60 0 2 -1 -1 2 100 -1 5 8 1 -1 1 1 -1 -1";  // no '\n'
  const std::string text = "; UnixStartTime: 1000000000\n" + good1 + bad_fields + bad_number +
                           binary + huge + "\n" + good2 + "   \n" + cancelled;
  write_file(dir / "mixed.swf", text);
  auto log = open_log(dir / "db");
  SwfImportStats stats = import(*log, dir / "mixed.swf", "mixed");
  CHECK(stats.records == 3);
  CHECK(stats.quarantined == 4);
  std::map<uint64_t, std::string> reasons;
  REQUIRE(log->for_each_quarantined([&](const QuarantineRecord& r) {
               reasons[r.offset] = r.reason;
               CHECK(r.raw.size() <= limits::quarantine_raw_bytes_max);
               return true;
             })
              .ok());
  const uint64_t bad_fields_offset = 28 + good1.size();
  REQUIRE(reasons.count(bad_fields_offset) == 1);
  CHECK(reasons[bad_fields_offset].find("18 or 21 fields") != std::string::npos);
  const uint64_t huge_offset =
      bad_fields_offset + bad_fields.size() + bad_number.size() + binary.size();
  REQUIRE(reasons.count(huge_offset) == 1);
  CHECK(reasons[huge_offset].find("longer than") != std::string::npos);
  // Job 4 failed (status 0) and job 5 was cancelled before it started.
  CHECK(job_events(*log, "mixed", "4")[2].find("RUNNING->FAILED") != std::string::npos);
  auto cancelled_events = job_events(*log, "mixed", "5");
  REQUIRE(cancelled_events.size() == 3);
  CHECK(cancelled_events[1] == "JobStateChanged PENDING->CANCELLED 2001-09-09T01:48:10Z REPORTED");
  require_clean(*log);
}

TEST_CASE(
    "an import resumes after its checkpoint: a trace that grew appends only the new "
    "records",
    "[ingest][swf]") {
  TempFolder dir;
  std::ifstream in(data("alea-hpc2n-excerpt.swf"), std::ios::binary);
  const std::string full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t cut = full.find('\n', full.size() / 2) + 1;
  write_file(dir / "growing.swf", full.substr(0, cut));
  auto log = open_log(dir / "db");
  SwfImportStats half = import(*log, dir / "growing.swf", "hpc2n");
  write_file(dir / "growing.swf", full);
  SwfImportStats rest = import(*log, dir / "growing.swf", "hpc2n");
  CHECK(rest.records_skipped_by_checkpoint == half.records);
  CHECK(half.records + rest.records - rest.records_skipped_by_checkpoint == 3170);

  auto reference = open_log(dir / "reference");
  import(*reference, data("alea-hpc2n-excerpt.swf"), "hpc2n");
  CHECK(log->head() == reference->head());
  require_clean(*log);
}

TEST_CASE("the batch size changes how events are committed, never which events", "[ingest][swf]") {
  TempFolder dir;
  auto small = open_log(dir / "small");
  auto large = open_log(dir / "large");
  import(*small, data("alea-hpc2n-excerpt.swf"), "hpc2n", 7);
  import(*large, data("alea-hpc2n-excerpt.swf"), "hpc2n", 4000);
  CHECK(small->head() == large->head());
  CHECK(job_events(*small, "hpc2n", "12") == job_events(*large, "hpc2n", "12"));
}

TEST_CASE("a file that cannot be read is an error, not an empty import", "[ingest][swf]") {
  TempFolder dir;
  auto log = open_log(dir / "db");
  auto missing = import_swf(*log, dir / "nope.swf", SwfImportOptions{});
  CHECK(!missing.ok());
  CHECK(missing.status().message().find("nope.swf") != std::string::npos);
  auto folder = import_swf(*log, dir / "", SwfImportOptions{});
  CHECK(!folder.ok());
  CHECK(log->head() == 0);
}

}  // namespace jobtrail::ingest::swf
