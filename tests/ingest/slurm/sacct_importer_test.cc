// The sacct importer on the bundled real captures, against a real RocksDB in a temp folder.
#include "ingest/slurm/sacct_importer.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "events/log_verifier.h"
#include "events/time_format.h"

namespace jobtrail::ingest::slurm {
namespace {

const std::string kXdmodFormat =
    "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,start,end,"
    "elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,timelimit,nodelist,"
    "jobname";

std::string data(const std::string& name) {
  return std::string(JOBTRAIL_TEST_DATA_DIR) + "/slurm/" + name;
}

struct Db {
  Db() {
    char tmpl[] = "/tmp/jobtrail-sacct-test-XXXXXX";
    dir = mkdtemp(tmpl);
    auto opened = EventLog::open(dir + "/db", EventLogOptions{});
    REQUIRE(opened.ok());
    log = std::move(opened).value();
  }
  ~Db() {
    log.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<EventLog> log;
};

LineImportStats import(EventLog& log, const std::string& file, const std::string& format,
                       const std::string& zone, const std::string& cluster) {
  SacctImportOptions options;
  options.format = format;
  options.time_zone = zone;
  options.line.cluster = cluster;
  auto stats = import_sacct(log, data(file), options);
  INFO(stats.status().to_string());
  REQUIRE(stats.ok());
  return *stats;
}

// "type from->to effective" for each event of a job.
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
      if (c->raw_state() != nullptr) line += " (" + std::string(sv(c->raw_state())) + ")";
    }
    out.push_back(line + " " + format_iso8601_us(view->effective_at_us()));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "every row of a real sacct capture becomes its job's submission, start and end, "
    "at the scheduler's times in the given zone",
    "[ingest][slurm][sacct]") {
  Db db;
  LineImportStats stats =
      import(*db.log, "xdmod-phillips.sacct.log", kXdmodFormat, "America/New_York", "phillips");
  CHECK(stats.records == 4285);
  CHECK(stats.quarantined == 0);
  // 163485: submitted 2016-12-22T07:15:12 EST, started :13, "CANCELLED by 380693" on
  // 2017-01-01T20:42:19 EST.
  CHECK(job_events(*db.log, "phillips", "163485") ==
        std::vector<std::string>{
            "JobSubmitted 2016-12-22T12:15:12Z",
            "JobStateChanged PENDING->RUNNING 2016-12-22T12:15:13Z",
            "JobStateChanged RUNNING->CANCELLED (CANCELLED by 380693) 2017-01-02T01:42:19Z",
            "AccountingRecorded 2017-01-02T01:42:19Z"});
  auto report = verify_log(*db.log);
  REQUIRE(report.ok());
  CHECK(report->clean());
  // The same file again appends nothing.
  CHECK(import(*db.log, "xdmod-phillips.sacct.log", kXdmodFormat, "America/New_York", "phillips")
            .events_appended == 0);
}

TEST_CASE(
    "a capture with its header needs no --format, and a job cancelled while pending "
    "never runs",
    "[ingest][slurm][sacct]") {
  Db db;
  LineImportStats stats =
      import(*db.log, "alogger-vlsci-bruce-sacct-p.txt", "", "Australia/Melbourne", "bruce");
  CHECK(stats.records == 195);
  CHECK(stats.quarantined == 0);
  // 1670438: "CANCELLED by 500", Start = End, "None assigned", elapsed 00:00:00 (AEDT, +11).
  CHECK(job_events(*db.log, "bruce", "1670438") ==
        std::vector<std::string>{
            "JobSubmitted 2014-02-25T04:48:53Z",
            "JobStateChanged PENDING->CANCELLED (CANCELLED by 500) 2014-02-25T04:49:12Z",
            "AccountingRecorded 2014-02-25T04:49:12Z"});
}

TEST_CASE("without --format or a header every row is quarantined, and nothing is invented",
          "[ingest][slurm][sacct][quarantine]") {
  Db db;
  LineImportStats stats =
      import(*db.log, "xdmod-unit-accounting-logs.sacct.log", "", "UTC", "unit");
  CHECK(stats.records == 0);
  CHECK(stats.quarantined == 4);
  CHECK(db.log->head() == 0);
  QuarantineRecord first;
  REQUIRE(db.log
              ->for_each_quarantined([&](const QuarantineRecord& r) {
                first = r;
                return false;
              })
              .ok());
  CHECK(first.reason.find("no --format") != std::string::npos);
}

TEST_CASE("an unknown time zone or an unreadable file is an error, not an empty import",
          "[ingest][slurm][sacct]") {
  Db db;
  SacctImportOptions options;
  options.format = kXdmodFormat;
  options.time_zone = "Mars/Olympus_Mons";
  CHECK_FALSE(import_sacct(*db.log, data("xdmod-phillips.sacct.log"), options).ok());
  options.time_zone = "UTC";
  CHECK_FALSE(import_sacct(*db.log, data("no-such-file"), options).ok());
  CHECK(db.log->head() == 0);
}

}  // namespace jobtrail::ingest::slurm
