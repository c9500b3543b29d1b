// The PBS importer on the real logs and on hand-made ones: which facts each record type
// yields, that a fact told by several records is stored once, how an E record's Exit_status
// ends a job, and that bad lines are quarantined while the import goes on.
#include "ingest/pbs/pbs_importer.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "ingest/captured_data.h"

namespace jobtrail::ingest::pbs {
namespace {

const std::string kData = std::string(JOBTRAIL_TEST_DATA_DIR) + "/pbs/";

class Scratch {
 public:
  Scratch() {
    char tmpl[] = "/tmp/jobtrail-pbs-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto opened = EventLog::open(dir_ + "/db", EventLogOptions{});
    REQUIRE(opened.ok());
    log_ = std::move(opened).value();
  }
  ~Scratch() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  EventLog& log() { return *log_; }
  std::string write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
    return dir_ + "/" + name;
  }
  LineImportStats import(const std::string& path, const std::string& zone = "UTC") {
    PbsImportOptions options;
    options.time_zone = zone;
    options.line.cluster = "c";
    auto stats = import_pbs(*log_, path, options);
    REQUIRE(stats.ok());
    return *stats;
  }
  // One job's events as "Type[:from->to]" strings, in log order; its raw records
  // (AccountingRecorded) are left out unless asked for.
  std::vector<std::string> story(const std::string& job, bool with_raw_records = false) {
    auto seqs = log_->stream("c", job);
    REQUIRE(seqs.ok());
    std::vector<std::string> out;
    for (uint64_t seq : *seqs) {
      auto stored = log_->read(seq);
      REQUIRE(stored.ok());
      auto view = stored->view();
      REQUIRE(view.ok());
      if (view->type() == fb::Body::AccountingRecorded && !with_raw_records) continue;
      std::string text(view->type_name());
      if (const auto* c = view->as<fb::JobStateChanged>()) {
        text += std::string(":") + fb::EnumNameJobState(c->from()) + "->" +
                fb::EnumNameJobState(c->to());
      }
      out.push_back(text);
    }
    return out;
  }
  const fb::JobStateChanged* last_change(const std::string& job, StoredEvent* keep) {
    auto seqs = log_->stream("c", job);
    REQUIRE(seqs.ok());
    for (auto seq = seqs->rbegin(); seq != seqs->rend(); ++seq) {
      auto stored = log_->read(*seq);
      REQUIRE(stored.ok());
      *keep = std::move(stored).value();
      auto view = keep->view();
      REQUIRE(view.ok());
      if (const auto* change = view->as<fb::JobStateChanged>()) return change;
    }
    FAIL("job " << job << " has no state change");
    return nullptr;
  }

 private:
  std::string dir_;
  std::unique_ptr<EventLog> log_;
};

PbsRecord record(std::string_view line) {
  auto parsed = parse_pbs_line(line, TimeZone::utc());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  return **parsed;
}

TEST_CASE("the real PBS logs import without a quarantined line and re-import adds nothing",
          "[ingest][pbs]") {
  Scratch s;
  const LineImportStats torque =
      s.import(kData + "alogger-vpac-tango-torque.log", "Australia/Melbourne");
  CHECK(torque.records == 57);
  CHECK(torque.quarantined == 0);
  const LineImportStats openpbs =
      s.import(kData + "fairsharesim-cesnet-openpbs.log", "Europe/Prague");
  CHECK(openpbs.records == 654);  // 656 lines less the 2 header lines; L lines are records
  CHECK(openpbs.quarantined == 0);
  // 200 jobs x (submitted, attributes, started, ended); the S and E records repeat facts.
  // Plus each of the 654 records kept byte-exact. (The first import registered the cluster.)
  CHECK(openpbs.events_appended == 800 + 654);
  CHECK(openpbs.raw_records == 654);
  const LineImportStats xdmod = s.import(kData + "xdmod-unit-pbs-accounting-logs.log");
  CHECK(xdmod.quarantined == 0);
  const uint64_t head = s.log().head();
  CHECK(s.import(kData + "fairsharesim-cesnet-openpbs.log", "Europe/Prague").events_appended == 0);
  CHECK(s.log().head() == head);

  // Q, S, D then E (killed by SIGTERM, at the D's second): the E repeats every fact.
  CHECK(s.story("942363.tango-m.vpac.org") ==
        std::vector<std::string>{"JobSubmitted", "JobFieldsUpdated",
                                 "JobStateChanged:PENDING->RUNNING",
                                 "JobStateChanged:UNKNOWN->CANCELLED"});
  // Its four records (Q, S, D, E) are each kept, after the facts they told first.
  CHECK(s.story("942363.tango-m.vpac.org", true) ==
        std::vector<std::string>{"JobSubmitted", "AccountingRecorded", "JobFieldsUpdated",
                                 "JobStateChanged:PENDING->RUNNING", "AccountingRecorded",
                                 "JobStateChanged:UNKNOWN->CANCELLED", "AccountingRecorded",
                                 "AccountingRecorded"});
  // Only an E record: it tells the whole life.
  CHECK(s.story("2995.pbs") == std::vector<std::string>{"JobSubmitted", "JobFieldsUpdated",
                                                        "JobStateChanged:PENDING->RUNNING",
                                                        "JobStateChanged:RUNNING->COMPLETED"});
  // "6" and "6.edge.ccr.buffalo.edu" are two jobs.
  CHECK(s.story("6").size() == 4);
  CHECK(s.story("6.edge.ccr.buffalo.edu").size() == 4);
  StoredEvent keep;
  const fb::JobStateChanged* killed = s.last_change("3073070.[hostname_1]", &keep);
  CHECK(killed->to() == fb::JobState::TIMEOUT);  // SIGTERM after 10:01:06 of a 10:00:00 limit
  CHECK(killed->signal() == 15);
  CHECK(std::string(killed->raw_state()->c_str()) == "E Exit_status=271");
}

TEST_CASE("with a wrong zone a Torque Q and its S do not meet, and the audit can tell",
          "[ingest][pbs]") {
  Scratch s;
  s.import(kData + "alogger-vpac-tango-torque.log", "UTC");
  const auto story = s.story("942347.tango-m.vpac.org");
  CHECK(std::count(story.begin(), story.end(), "JobSubmitted") == 2);
}

TEST_CASE("an E record's Exit_status says how the job ended", "[ingest][pbs]") {
  const std::string head = "01/02/2020 03:04:05;E;1.s;start=1577934000 end=1577934245 ";
  CHECK(pbs_end_state(record(head)).state == fb::JobState::ENDED);
  const PbsEnd ok = pbs_end_state(record(head + "Exit_status=0"));
  CHECK(ok.state == fb::JobState::COMPLETED);
  CHECK(ok.exit_code == 0);
  const PbsEnd failed = pbs_end_state(record(head + "Exit_status=2"));
  CHECK(failed.state == fb::JobState::FAILED);
  CHECK(failed.exit_code == 2);
  const PbsEnd script_signal = pbs_end_state(record(head + "Exit_status=137"));
  CHECK(script_signal.state == fb::JobState::FAILED);  // 128 + 9: the script died, not PBS
  const PbsEnd killed = pbs_end_state(record(head + "Exit_status=271"));
  CHECK(killed.state == fb::JobState::CANCELLED);
  CHECK(killed.signal == 15);
  CHECK(killed.exit_code == 0);
  const PbsEnd timeout = pbs_end_state(record(
      head + "Exit_status=265 Resource_List.walltime=01:00:00 resources_used.walltime=01:00:02"));
  CHECK(timeout.state == fb::JobState::TIMEOUT);
  CHECK(timeout.signal == 9);
  const PbsEnd launch = pbs_end_state(record(head + "Exit_status=-3"));
  CHECK(launch.state == fb::JobState::FAILED);
  CHECK(launch.exit_code == -1);
}

TEST_CASE("D, A and R records cancel, abort and requeue; other types add no transition",
          "[ingest][pbs]") {
  Scratch s;
  const std::string path =
      s.write("log",
              "01/02/2020 03:00:00;Q;1.s;queue=q ctime=1577934000\n"
              "01/02/2020 03:00:05;D;1.s;requestor=root@h\n"
              "01/02/2020 03:00:00;Q;2.s;queue=q\n"
              "01/02/2020 03:01:00;S;2.s;user=u queue=q start=1577934060 exec_host=n1/0-3\n"
              "01/02/2020 03:02:00;R;2.s;user=u\n"
              "01/02/2020 03:03:00;S;2.s;user=u queue=q start=1577934180 exec_host=n2/0\n"
              "01/02/2020 03:04:00;A;2.s;Job aborted by the server\n"
              "01/02/2020 03:05:00;L;license;floating license hour:0\n"
              "01/02/2020 03:05:00;B;R7.s;owner=u@h\n"
              "01/02/2020 03:05:00;Z;3.s;future=1\n"
              "01/02/2020 03:05:00;C;3.s;user=u\n");
  const LineImportStats stats = s.import(path);
  CHECK(stats.records == 11);
  CHECK(stats.quarantined == 0);
  CHECK(s.story("1.s") ==
        std::vector<std::string>{"JobSubmitted", "JobStateChanged:UNKNOWN->CANCELLED"});
  CHECK(s.story("2.s") ==
        std::vector<std::string>{
            "JobSubmitted", "JobFieldsUpdated", "JobStateChanged:PENDING->RUNNING",
            "JobStateChanged:RUNNING->REQUEUED", "JobFieldsUpdated",
            "JobStateChanged:PENDING->RUNNING", "JobStateChanged:UNKNOWN->FAILED"});
  CHECK(s.story("3.s").empty());
  StoredEvent keep;
  const fb::JobStateChanged* aborted = s.last_change("2.s", &keep);
  CHECK(std::string(aborted->reason()->c_str()) == "Job aborted by the server");
}

TEST_CASE("bad lines are quarantined with their offset and the import goes on", "[ingest][pbs]") {
  Scratch s;
  const std::string good = "01/02/2020 03:00:00;Q;1.s;queue=q\n";
  const std::string path = s.write(
      "log", good + "13/45/2020 03:00:00;Q;2.s;queue=q\n" + "01/02/2020 03:00:00;Q;x.s;queue=q\n" +
                 "01/02/2020 03:00:00;E;3.s;Exit_status=oops\n" + std::string("\x01\xff\0zz\n", 6) +
                 "01/02/2020 03:00:00;Q\n" + "01/02/2020 03:00:00;Q;4.s;queue=q\n");
  const LineImportStats stats = s.import(path);
  CHECK(stats.quarantined == 5);
  CHECK(stats.records == 2);
  uint64_t first_offset = 0;
  REQUIRE(s.log()
              .for_each_quarantined([&](const QuarantineRecord& q) {
                if (first_offset == 0) first_offset = q.offset;
                return true;
              })
              .ok());
  CHECK(first_offset == good.size());
  CHECK(s.story("4.s").size() == 1);
}

TEST_CASE("a directory imports its daily files in date order", "[ingest][pbs]") {
  Scratch s;
  s.write("acct/20200102", "01/02/2020 03:00:00;S;1.s;user=u start=1577934000\n");
  s.write("acct/20200101", "01/01/2020 23:00:00;Q;1.s;queue=q ctime=1577919600\n");
  PbsImportOptions options;
  options.line.cluster = "c";
  const std::string dir = std::filesystem::path(s.write("acct/20200103", "")).parent_path();
  auto stats = import_pbs(s.log(), dir, options);
  REQUIRE(stats.ok());
  CHECK(stats->records == 2);
  CHECK(s.story("1.s") == std::vector<std::string>{"JobSubmitted", "JobFieldsUpdated",
                                                   "JobStateChanged:PENDING->RUNNING"});
}

}  // namespace
}  // namespace jobtrail::ingest::pbs
