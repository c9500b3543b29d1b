// The PBS tailer on a real directory that the test writes as a PBS server would: a partial
// last line waits, a new day's file is followed, a truncated or replaced file is read again,
// and the checkpoint always names the end of the last line whose events are in the log.
#include "ingest/pbs/pbs_tailer.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace jobtrail::ingest::pbs {
namespace {

std::string q_line(int job) {
  return "01/02/2020 03:00:00;Q;" + std::to_string(job) +
         ".s;queue=q ctime=" + std::to_string(1577934000 + job) + "\n";
}

class TailScratch {
 public:
  TailScratch() {
    char tmpl[] = "/tmp/jobtrail-tail-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ + "/acct");
    auto opened = EventLog::open(dir_ + "/db", EventLogOptions{});
    REQUIRE(opened.ok());
    log_ = std::move(opened).value();
  }
  ~TailScratch() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string file(const std::string& name) const { return dir_ + "/acct/" + name; }
  void append(const std::string& name, const std::string& text) {
    std::ofstream(file(name), std::ios::binary | std::ios::app) << text;
  }
  PbsTailStats tail() {
    PbsTailOptions options;
    options.dir = dir_ + "/acct";
    options.cluster = "c";
    auto stats = tail_pbs(*log_, options);
    REQUIRE(stats.ok());
    return *stats;
  }
  TailCheckpoint checkpoint() {
    auto stored =
        log_->checkpoint(tail_source("c", std::filesystem::canonical(dir_ + "/acct").string()));
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    auto decoded = TailCheckpoint::decode(**stored);
    REQUIRE(decoded.has_value());
    return *decoded;
  }
  // The job's facts (its raw records, AccountingRecorded, are counted by raw_records_of).
  size_t events_of(int job) { return count_of(job, false); }
  size_t raw_records_of(int job) { return count_of(job, true); }
  EventLog& log() { return *log_; }

 private:
  size_t count_of(int job, bool raw_records) {
    auto seqs = log_->stream("c", std::to_string(job) + ".s");
    REQUIRE(seqs.ok());
    size_t n = 0;
    for (uint64_t seq : *seqs) {
      auto stored = log_->read(seq);
      REQUIRE(stored.ok());
      auto view = stored->view();
      REQUIRE(view.ok());
      if ((view->type() == fb::Body::AccountingRecorded) == raw_records) ++n;
    }
    return n;
  }

  std::string dir_;
  std::unique_ptr<EventLog> log_;
};

TEST_CASE("a partial last line waits until its newline is written", "[ingest][pbs][tail]") {
  TailScratch s;
  const std::string second = q_line(2);
  s.append("20200102", q_line(1) + second.substr(0, 20));
  CHECK(s.tail().records == 1);
  CHECK(s.checkpoint().offset == q_line(1).size());
  CHECK(s.checkpoint().line == 1);
  CHECK(s.events_of(2) == 0);
  s.append("20200102", second.substr(20));
  const PbsTailStats stats = s.tail();
  CHECK(stats.records == 1);
  CHECK(stats.quarantined == 0);
  CHECK(s.events_of(2) == 1);
  CHECK(s.raw_records_of(2) == 1);
  CHECK(s.checkpoint().offset == q_line(1).size() + second.size());
  CHECK(s.tail().events_appended == 0);  // nothing new: nothing appended
}

TEST_CASE("a new day's file is followed, and the finished file's partial line is quarantined",
          "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200101", q_line(1));
  s.append("notes.txt", "not a daily file\n");
  CHECK(s.tail().records == 1);
  s.append("20200101", "01/01/2020 23:59:59;Q;2.s;que");  // the server died mid-write
  s.append("20200102", q_line(3));
  const PbsTailStats stats = s.tail();
  CHECK(stats.files_finished == 1);
  CHECK(stats.records == 1);
  CHECK(stats.quarantined == 1);
  CHECK(s.events_of(3) == 1);
  CHECK(s.checkpoint().file == "20200102");
  uint64_t quarantined = 0;
  REQUIRE(s.log()
              .for_each_quarantined([&](const QuarantineRecord& q) {
                CHECK(q.reason.find("no newline") != std::string::npos);
                ++quarantined;
                return true;
              })
              .ok());
  CHECK(quarantined == 1);
}

TEST_CASE("a truncated file is read again from its start", "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200102", q_line(1) + q_line(2) + q_line(3));
  CHECK(s.tail().records == 3);
  std::filesystem::resize_file(s.file("20200102"), 0);
  s.append("20200102", q_line(4));
  const PbsTailStats stats = s.tail();
  CHECK(stats.restarts == 1);
  CHECK(stats.records == 1);
  CHECK(s.events_of(4) == 1);
  CHECK(s.checkpoint().offset == q_line(4).size());
}

TEST_CASE("a file replaced under the same name (rotated) is read from its start",
          "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200102", q_line(1));
  CHECK(s.tail().records == 1);
  const uint64_t old_inode = s.checkpoint().inode;
  std::filesystem::rename(s.file("20200102"), s.file("20200102.old"));
  s.append("20200102", q_line(5) + q_line(6) + q_line(7));
  const PbsTailStats stats = s.tail();
  CHECK(stats.restarts == 1);
  CHECK(stats.records == 3);
  CHECK(s.events_of(5) == 1);
  CHECK(s.checkpoint().inode != old_inode);
}

TEST_CASE("a rewritten file keeping its inode is told apart by its first line",
          "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200102", q_line(1));
  CHECK(s.tail().records == 1);
  // Same inode, longer than the old offset, different first line.
  std::ofstream(s.file("20200102"), std::ios::binary | std::ios::trunc) << q_line(8) + q_line(9);
  const PbsTailStats stats = s.tail();
  CHECK(stats.restarts == 1);
  CHECK(stats.records == 2);
  CHECK(s.events_of(8) == 1);
}

TEST_CASE("follow mode polls until its bound and picks up lines written between polls",
          "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200102", q_line(1));
  PbsTailOptions options;
  options.dir = s.file("");
  options.cluster = "c";
  options.follow = true;
  options.poll_interval_ms = tail_poll_interval_ms_min;
  options.polls_max = 3;
  int polls_seen = 0;
  options.after_poll = [&] {
    ++polls_seen;
    s.append("20200102", q_line(10 + polls_seen));
    return Status();
  };
  auto stats = tail_pbs(s.log(), options);
  REQUIRE(stats.ok());
  CHECK(stats->polls == 3);
  CHECK(stats->records == 3);  // line 1, then one written after each of the first two polls
  CHECK(s.events_of(11) == 1);
  CHECK(s.events_of(12) == 1);
}

TEST_CASE("a tail checkpoint round-trips and a damaged one is refused", "[ingest][pbs][tail]") {
  const TailCheckpoint cp{"20240101", 2049, 123456, "0123456789abcdef", 4096, 17};
  CHECK(TailCheckpoint::decode(cp.encode()) == cp);
  const TailCheckpoint no_line{"20240101", 1, 2, "", 0, 0};
  CHECK(TailCheckpoint::decode(no_line.encode()) == no_line);
  for (std::string_view bad : {"", "v2 20240101 1 2 - 0 0", "v1 2024 1 2 - 0 0",
                               "v1 20240101 1 2 - 0", "v1 20240101 1 2 - 0 0 extra"}) {
    INFO(bad);
    CHECK_FALSE(TailCheckpoint::decode(bad).has_value());
  }
  CHECK(is_daily_file_name("20240101"));
  CHECK_FALSE(is_daily_file_name("2024010"));
  CHECK_FALSE(is_daily_file_name("2024010a"));
}

TEST_CASE("a line longer than the limit is quarantined and the tail goes on",
          "[ingest][pbs][tail]") {
  TailScratch s;
  s.append("20200102", q_line(1) + std::string(3 * 64 * 1024 + 5, 'x'));
  CHECK(s.tail().records == 1);  // the long line has no end yet: it waits
  s.append("20200102", "\n" + q_line(2));
  const PbsTailStats stats = s.tail();
  CHECK(stats.quarantined == 1);
  CHECK(stats.records == 1);
  CHECK(s.events_of(2) == 1);
}

}  // namespace
}  // namespace jobtrail::ingest::pbs
