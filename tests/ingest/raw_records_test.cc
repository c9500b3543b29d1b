// Every record of every bundled real file is kept byte-exact: after an import, each
// AccountingRecorded event decompresses to exactly the line at its provenance offset, and there
// is one per record the import read.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "events/event_log.h"
#include "events/record_codec.h"
#include "events/test_db.h"
#include "ingest/captured_data.h"
#include "ingest/pbs/pbs_importer.h"
#include "ingest/slurm/jobcomp_importer.h"
#include "ingest/slurm/sacct_importer.h"
#include "ingest/swf/swf_importer.h"

namespace jobtrail::ingest {
namespace {

using testing::read_captured;
using testing::TempDir;

const std::string kXdmodFormat =
    "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,start,end,"
    "elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,timelimit,nodelist,"
    "jobname";

std::string data_path(const std::string& folder, const std::string& name) {
  return std::string(JOBTRAIL_TEST_DATA_DIR) + "/" + folder + "/" + name;
}

// Lines of a capture by the offset of their first byte (in decompressed bytes, as the importer
// counts them).
std::map<int64_t, std::string_view> lines_by_offset(std::string_view text) {
  std::map<int64_t, std::string_view> lines;
  size_t offset = 0;
  while (offset < text.size()) {
    size_t newline = text.find('\n', offset);
    if (newline == std::string_view::npos) newline = text.size();
    lines.emplace(static_cast<int64_t>(offset), text.substr(offset, newline - offset));
    offset = newline + 1;
  }
  return lines;
}

// Checks every raw record in `log` against the capture; returns how many there are.
uint64_t check_raw_records(EventLog& log, const std::string& folder, const std::string& name) {
  const std::string text = read_captured(folder, name);
  const auto lines = lines_by_offset(text);
  RecordDecompressor decompressor(log);
  uint64_t count = 0, with_dictionary = 0;
  auto cursor = log.scan(1);
  for (uint64_t i = 0; i <= log.head(); ++i) {  // bounded by the log
    auto next = cursor->next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    const auto* record = (*next)->as<fb::AccountingRecorded>();
    if (record == nullptr) continue;
    const fb::Provenance* p = (*next)->header().provenance();
    REQUIRE(p != nullptr);
    auto line = lines.find(p->offset());
    REQUIRE(line != lines.end());
    auto raw = decompressor.decompress(*record);
    REQUIRE(raw.ok());
    INFO(name << " offset " << p->offset());
    REQUIRE(*raw == line->second);
    ++count;
    if (record->dictionary_id() != 0) ++with_dictionary;
  }
  // Files with more records than the training threshold end up using a dictionary.
  if (count > 1000) CHECK(with_dictionary == count - 999);
  return count;
}

TEST_CASE("every row of every bundled sacct capture, steps included, is kept byte-exact",
          "[ingest][records]") {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"xdmod-phillips.sacct.log", kXdmodFormat},
      {"xdmod-pozidriv.sacct.log.gz", kXdmodFormat},
      {"xdmod-unit-accounting-logs-with-job-arrays.sacct.log", kXdmodFormat},
      {"xdmod-unit-accounting-logs.sacct.log", kXdmodFormat},
      {"xdmod-unit-non-ended-job-state.sacct.log", kXdmodFormat},
      {"xdmod-unit-unknown-job-state.sacct.log", kXdmodFormat},
      {"xdmod-unit-utf8-multibyte-chars.sacct.log", kXdmodFormat},
      {"alogger-vlsci-bruce-sacct-p.txt", ""},  // with its header line: no --format
  };
  for (const auto& [name, format] : files) {
    TempDir dir;
    auto log = EventLog::open(dir.sub("db"), EventLogOptions{});
    REQUIRE(log.ok());
    slurm::SacctImportOptions options;
    options.format = format;
    options.time_zone = "UTC";
    auto stats = slurm::import_sacct(**log, data_path("slurm", name), options);
    REQUIRE(stats.ok());
    INFO(name);
    CHECK(stats->quarantined == 0);
    CHECK(stats->raw_records == stats->records);
    CHECK(check_raw_records(**log, "slurm", name) == stats->records);
  }
}

TEST_CASE(
    "every record of every bundled PBS accounting log, licence lines included, is kept "
    "byte-exact",
    "[ingest][records]") {
  for (const std::string name : {"alogger-vpac-tango-torque.log", "fairsharesim-cesnet-openpbs.log",
                                 "xdmod-unit-pbs-accounting-logs.log"}) {
    TempDir dir;
    auto log = EventLog::open(dir.sub("db"), EventLogOptions{});
    REQUIRE(log.ok());
    pbs::PbsImportOptions options;
    auto stats = pbs::import_pbs(**log, data_path("pbs", name), options);
    REQUIRE(stats.ok());
    INFO(name);
    CHECK(stats->quarantined == 0);
    CHECK(stats->raw_records == stats->records);
    CHECK(check_raw_records(**log, "pbs", name) == stats->records);
  }
}

TEST_CASE("every bundled jobcomp record is kept byte-exact", "[ingest][records]") {
  TempDir dir;
  auto log = EventLog::open(dir.sub("db"), EventLogOptions{});
  REQUIRE(log.ok());
  slurm::JobcompImportOptions options;
  options.time_zone = "Australia/Melbourne";
  const std::string name = "alogger-vlsci-bruce-jobcomp.log";
  auto stats = slurm::import_jobcomp(**log, data_path("slurm", name), options);
  REQUIRE(stats.ok());
  CHECK(stats->records == 177);
  CHECK(check_raw_records(**log, "slurm", name) == 177);
}

TEST_CASE("every line of every bundled SWF trace is kept byte-exact in at most 60% of its size",
          "[ingest][records][slow]") {
  for (const std::string name :
       {"alea-hpc2n-excerpt.swf", "aleang-ngi_cz-journal-PBSeasy.swf", "alea-wagap-2013.ext-swf.gz",
        "KTH-SP2-1996-2.1-cln.swf.gz", "NASA-iPSC-1993-3.1-cln.swf.gz",
        "LANL-CM5-1994-4.1-cln.swf.gz", "LCG-2005-1.swf.gz"}) {
    TempDir dir;
    auto log = EventLog::open(dir.sub("db"), EventLogOptions{});
    REQUIRE(log.ok());
    swf::SwfImportOptions options;
    options.batch_events = 4096;
    auto stats = swf::import_swf(**log, data_path("swf", name), options);
    REQUIRE(stats.ok());
    INFO(name << ": " << stats->raw_bytes << " B raw, " << stats->raw_compressed_bytes
              << " B stored");
    CHECK(stats->raw_records <= stats->records);  // records that fail to convert are quarantined
    CHECK(check_raw_records(**log, "swf", name) == stats->raw_records);
    if (stats->raw_records > 10'000) CHECK(stats->raw_compressed_bytes * 5 < stats->raw_bytes * 3);
  }
}

TEST_CASE(
    "a record read again through another capture is kept once, and a record that differs is "
    "kept beside it",
    "[ingest][records]") {
  TempDir dir;
  auto log = EventLog::open(dir.sub("db"), EventLogOptions{});
  REQUIRE(log.ok());
  const std::string row1 =
      "7|7|normal|alice|4|2024-01-02T03:04:05|2024-01-02T03:04:06|2024-01-02T03:05:06|COMPLETED";
  const std::string row2 =
      "8|8|normal|bob|2|2024-01-02T03:04:05|2024-01-02T03:04:06|Unknown|RUNNING";
  const std::string row2_later =
      "8|8|normal|bob|2|2024-01-02T03:04:05|2024-01-02T03:04:06|2024-01-02T04:00:00|COMPLETED";
  // Two different files (two sources): the first holds both rows, the second repeats row 1 and
  // has row 2 as it was printed after the job ended.
  const auto write = [&](const std::string& name, const std::string& text) {
    FILE* f = std::fopen(dir.sub(name).c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return dir.sub(name);
  };
  slurm::SacctImportOptions options;
  options.format = "JobID,JobIDRaw,Partition,User,NCPUS,Submit,Start,End,State";
  options.time_zone = "UTC";
  auto first = slurm::import_sacct(**log, write("a.txt", row1 + "\n" + row2 + "\n"), options);
  REQUIRE(first.ok());
  auto second =
      slurm::import_sacct(**log, write("b.txt", "\n" + row1 + "\n" + row2_later + "\n"), options);
  REQUIRE(second.ok());
  RecordDecompressor decompressor(**log);
  std::vector<std::string> kept;
  auto cursor = (*log)->scan(1);
  for (uint64_t i = 0; i <= (*log)->head(); ++i) {
    auto next = cursor->next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    if (const auto* record = (*next)->as<fb::AccountingRecorded>()) {
      auto raw = decompressor.decompress(*record);
      REQUIRE(raw.ok());
      kept.push_back(*raw);
    }
  }
  CHECK(kept == std::vector<std::string>{row1, row2, row2_later});
}

}  // namespace
}  // namespace jobtrail::ingest
