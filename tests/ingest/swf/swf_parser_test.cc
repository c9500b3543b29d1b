// Tests for SwfParser, mostly on the real traces bundled in data/swf/ (see the data README,
// sections "swf/" and "Format quirks worth testing"), plus hand-written bad lines.
#include "ingest/swf/swf_parser.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/limits.h"
#include "ingest/captured_data.h"

namespace jobtrail::ingest::swf {
namespace {

using testing::split_lines;
std::string read_trace(const std::string& name) {
  return testing::read_captured("swf", name);
}

struct TraceScan {
  std::size_t records = 0;
  std::size_t headers = 0;
  std::size_t blanks = 0;
  std::vector<std::string> errors;  // "line N: message"
  SwfHeader header;
};

using RecordVisitor = std::function<void(const SwfRecord&)>;

// Feeds every line of a bundled trace to one parser.
TraceScan scan_trace(const std::string& name, const RecordVisitor& visit = nullptr) {
  const std::string text = read_trace(name);
  SwfParser parser;
  TraceScan scan;
  std::size_t line_number = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_number;
    Result<SwfLine> parsed = parser.parse_line(line);
    if (!parsed.ok()) {
      scan.errors.push_back("line " + std::to_string(line_number) + ": " +
                            parsed.status().to_string());
    } else if (const auto* record = std::get_if<SwfRecord>(&*parsed)) {
      ++scan.records;
      if (visit) visit(*record);
    } else if (std::holds_alternative<SwfHeaderLine>(*parsed)) {
      ++scan.headers;
    } else {
      ++scan.blanks;
    }
  }
  scan.header = parser.header();
  return scan;
}

SwfRecord parse_record(SwfParser& parser, std::string_view line) {
  Result<SwfLine> parsed = parser.parse_line(line);
  INFO(line << " -> " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<SwfRecord>(*parsed));
  return std::get<SwfRecord>(*parsed);
}

SwfRecord parse_record(std::string_view line) {
  SwfParser parser;
  return parse_record(parser, line);
}

constexpr std::string_view kGoodLine =
    "   12   342343      5    553   40 552.21    -1   40  43200    -1  1   4   1  -1 -1  1 -1 -1";

TEST_CASE("Every record line of every bundled standard SWF trace parses", "[ingest][swf]") {
  auto [file, expected_records] = GENERATE(table<const char*, std::size_t>({
      {"NASA-iPSC-1993-3.1-cln.swf.gz", 18'239},
      {"KTH-SP2-1996-2.1-cln.swf.gz", 28'476},
      {"LANL-CM5-1994-4.1-cln.swf.gz", 122'060},
      {"LCG-2005-1.swf.gz", 188'041},
      {"alea-hpc2n-excerpt.swf", 3'170},
      {"aleang-ngi_cz-journal-PBSeasy.swf", 201},
  }));
  CAPTURE(file);
  const TraceScan scan = scan_trace(file);
  CHECK(scan.errors.empty());
  if (!scan.errors.empty()) FAIL_CHECK(scan.errors.front());
  CHECK(scan.records == expected_records);
  CHECK(scan.headers > 0);
  CHECK(scan.header.unix_start_time.has_value());
}

// The README counts 17,900 Wagap records, but two of them have a run time of about -1.36e9 s
// (run = -(submit + wait): an end time of 0 was subtracted). -1 is the only negative SWF
// allows, so the parser refuses these two and they go to quarantine like any bad line.
TEST_CASE("The Wagap extended trace parses except its two records with a negative run time",
          "[ingest][swf]") {
  std::size_t extended = 0;
  const TraceScan scan = scan_trace("alea-wagap-2013.ext-swf.gz", [&](const SwfRecord& r) {
    if (r.extended) ++extended;
  });
  CHECK(scan.records + scan.errors.size() == 17'900);
  CHECK(extended == scan.records);
  CHECK(scan.headers == 0);
  CHECK(scan.blanks == 0);
  CHECK_FALSE(scan.header.unix_start_time.has_value());
  REQUIRE(scan.errors.size() == 2);
  CHECK(scan.errors[0] ==
        "line 4186: Invalid argument: field 4 (run time): '-1359980917' is negative (only -1, "
        "meaning unknown, is allowed)");
  CHECK(scan.errors[1] ==
        "line 4200: Invalid argument: field 4 (run time): '-1359981026' is negative (only -1, "
        "meaning unknown, is allowed)");
}

TEST_CASE("The HPC2N header fills every key SwfHeader models", "[ingest][swf]") {
  const SwfHeader header = scan_trace("alea-hpc2n-excerpt.swf").header;
  CHECK(header.unix_start_time == 1027839845);
  CHECK(header.time_zone_s == 3600);
  CHECK(header.time_zone_string == "Europe/Stockholm");
  CHECK(header.version == "2.2");
  CHECK(header.computer == "Linux cluster (Seth)");
  CHECK(header.installation == "HPC2N - High Performance Computing Center North, Sweden");
  CHECK(header.max_jobs == 527371);
  CHECK(header.max_records == 527371);
  CHECK(header.queues == std::map<int64_t, std::string>{{1, "[fque:1]"}});
  CHECK(header.partitions == std::map<int64_t, std::string>{{1, "DEFAULT"}, {2, "ALL"}});
}

TEST_CASE("An HPC2N record keeps a fractional average CPU time and every other column",
          "[ingest][swf]") {
  const SwfRecord r = parse_record(kGoodLine);
  CHECK(r.job_number == 12);
  CHECK(r.submit_s == 342343);
  CHECK(r.wait_s == 5);
  CHECK(r.run_s == 553);
  CHECK(r.procs_allocated == 40);
  CHECK(r.cpu_time_average_s == Approx(552.21));
  CHECK(r.memory_used_kb == -1);
  CHECK(r.procs_requested == 40);
  CHECK(r.time_requested_s == 43200);
  CHECK(r.memory_requested_kb == -1);
  CHECK(r.status == 1);
  CHECK(r.user_id == 4);
  CHECK(r.user.empty());
  CHECK(r.group_id == 1);
  CHECK(r.executable_id == -1);
  CHECK(r.queue == -1);
  CHECK(r.partition == 1);
  CHECK(r.preceding_job == -1);
  CHECK(r.think_time_s == -1);
  CHECK_FALSE(r.extended);
  CHECK(r.nodes.empty());
}

TEST_CASE("The same HPC2N record read from the file matches the line", "[ingest][swf]") {
  std::vector<SwfRecord> found;
  scan_trace("alea-hpc2n-excerpt.swf", [&](const SwfRecord& r) {
    if (r.job_number == 12 || r.job_number == 38) found.push_back(r);
  });
  REQUIRE(found.size() == 2);
  CHECK(found[0].cpu_time_average_s == Approx(552.21));
  CHECK(found[0].run_s == 553);
  CHECK(found[1].cpu_time_average_s == 978.0);  // written "978.00"
}

TEST_CASE("The whitespace-only last line of the HPC2N excerpt is a blank line", "[ingest][swf]") {
  const std::string text = read_trace("alea-hpc2n-excerpt.swf");
  const std::vector<std::string_view> lines = split_lines(text);
  REQUIRE_FALSE(lines.empty());
  const std::string_view last = lines.back();
  REQUIRE_FALSE(last.empty());
  REQUIRE(last.find_first_not_of(" \t") == std::string_view::npos);
  SwfParser parser;
  Result<SwfLine> parsed = parser.parse_line(last);
  REQUIRE(parsed.ok());
  CHECK(std::holds_alternative<SwfBlankLine>(*parsed));
  CHECK(scan_trace("alea-hpc2n-excerpt.swf").blanks == 1);
}

TEST_CASE("LANL's '489.00' average CPU time and its queue column parse", "[ingest][swf]") {
  std::set<int64_t> queues_used;
  SwfRecord job2;
  const TraceScan scan = scan_trace("LANL-CM5-1994-4.1-cln.swf.gz", [&](const SwfRecord& r) {
    if (r.job_number == 2) job2 = r;
    if (r.queue != -1) queues_used.insert(r.queue);
  });
  CHECK(job2.submit_s == 465);
  CHECK(job2.cpu_time_average_s == 489.0);
  CHECK(job2.memory_used_kb == 988);
  CHECK(job2.memory_requested_kb == 1024);
  CHECK(job2.queue == 1);
  CHECK(scan.header.queues.size() == 18);
  CHECK(scan.header.queues.at(6) == "0");
  CHECK(scan.header.queues.at(17) == "iway");
  CHECK(queues_used.size() == 16);
  for (int64_t queue : queues_used) CHECK(scan.header.queues.count(queue) == 1);
}

TEST_CASE("LCG names its 170 partitions in the header and has no wait times", "[ingest][swf]") {
  std::size_t unknown_partition = 0;
  std::size_t known_wait = 0;
  const TraceScan scan = scan_trace("LCG-2005-1.swf.gz", [&](const SwfRecord& r) {
    if (r.wait_s != -1) ++known_wait;
    if (r.partition < 1 || r.partition > 170) ++unknown_partition;
  });
  CHECK(scan.header.partitions.size() == 170);
  CHECK(scan.header.partitions.at(1) == "grid.ici.ro");
  CHECK(scan.header.partitions.at(10) == "usc.cesga.es");
  CHECK(scan.header.time_zone_s == 0);
  CHECK(unknown_partition == 0);
  CHECK(known_wait == 0);
}

TEST_CASE("NASA has no wait times and KTH's job numbers start at 15", "[ingest][swf]") {
  std::size_t nasa_known_wait = 0;
  const TraceScan nasa = scan_trace("NASA-iPSC-1993-3.1-cln.swf.gz", [&](const SwfRecord& r) {
    if (r.wait_s != -1) ++nasa_known_wait;
  });
  CHECK(nasa_known_wait == 0);
  CHECK(nasa.header.time_zone_string == "US/Pacific");
  CHECK(nasa.header.queues == std::map<int64_t, std::string>{{0, "interactive"}, {1, "batch"}});

  int64_t first_kth_job = -2;
  const TraceScan kth = scan_trace("KTH-SP2-1996-2.1-cln.swf.gz", [&](const SwfRecord& r) {
    if (first_kth_job == -2) first_kth_job = r.job_number;
  });
  CHECK(first_kth_job == 15);
  CHECK(kth.header.max_jobs == 28490);  // a cleaned log: MaxJobs is not the record count
}

TEST_CASE("Wagap's extended columns give nodes, queue name and nodespec", "[ingest][swf]") {
  SwfRecord first;
  std::size_t node_count_mismatches = 0;
  bool seen = false;
  (void)scan_trace("alea-wagap-2013.ext-swf.gz", [&](const SwfRecord& r) {
    if (!seen) first = r;
    seen = true;
    const auto entries = std::count(r.nodes.begin(), r.nodes.end(), ',') + 1;
    if (entries != r.procs_allocated) ++node_count_mismatches;  // one entry per CPU
  });
  REQUIRE(seen);
  CHECK(first.extended);
  CHECK(first.job_number == 0);
  CHECK(first.submit_s == 1356996147);
  CHECK(first.procs_allocated == 64);
  CHECK(first.memory_used_kb == 1024);
  CHECK(first.memory_requested_kb == 68719476736.0);  // bytes in this variant
  CHECK(first.nodes.rfind("1241,1241", 0) == 0);
  CHECK(first.nodes.size() == 64 * 5 - 1);
  CHECK(first.queue_name == "q_1d");
  CHECK(first.nodespec == "1:ppn=64:x86_64:cl_zewura#excl");
  CHECK(node_count_mismatches == 0);
}

TEST_CASE("AleaNG's user names are kept as text with an unknown user id", "[ingest][swf]") {
  std::set<std::string> users;
  SwfRecord first;
  const TraceScan scan = scan_trace("aleang-ngi_cz-journal-PBSeasy.swf", [&](const SwfRecord& r) {
    if (users.empty()) first = r;
    users.insert(r.user);
  });
  CHECK(first.user == "user_A");
  CHECK(first.user_id == -1);
  CHECK(first.run_s == 1806);
  CHECK(users.count("user_B") == 1);
  CHECK(users.count("") == 0);
  CHECK(scan.header.unix_start_time == 1734800289);
  CHECK(scan.header.time_zone_string == "Europe/Prague");
  CHECK(scan.header.computer == "MetaCentrum NGI");
}

struct BadLine {
  const char* what;
  std::string line;
  std::string message;
};

// One line per way a line can be wrong, with the exact message a person will read.
std::vector<BadLine> bad_lines() {
  using namespace std::string_literals;
  const std::string extended_head = "0 1 0 5 2 1 1024 2 60 4096 1 62 1 1 -1 1 1 1 ";
  return {
      {"17 fields", "1 0 5 10 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1",
       "expected 18 or 21 fields, found 17"},
      {"19 fields", "1 0 5 10 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1 7",
       "expected 18 or 21 fields, found 19"},
      {"an empty field collapsed by tabs",
       "1\t0\t5\t\t2\t-1\t-1\t2\t60\t-1\t1\t4\t1\t-1\t-1\t1\t-1\t-1",
       "expected 18 or 21 fields, found 17"},
      {"letters in run time", "1 0 5 abc 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 4 (run time): 'abc' is not a number"},
      {"a number with a suffix", "1 0 5 10s 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 4 (run time): '10s' is not a number"},
      {"a wait of -5", "1 0 -5 10 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 3 (wait time): '-5' is negative (only -1, meaning unknown, is allowed)"},
      {"a float job number", "12.5 0 5 10 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 1 (job number): '12.5' is not a whole number"},
      {"a fractional run time", "1 0 5 552.21 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 4 (run time): '552.21' is not a whole number"},
      {"a huge submit time", "1 99999999999999999999 5 10 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 2 (submit time): '99999999999999999999' is out of range"},
      {"a NaN CPU time", "1 0 5 10 2 nan -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 6 (average CPU time): 'nan' is not a number"},
      {"a negative memory", "1 0 5 10 2 -1 -1.5 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 7 (used memory): '-1.5' is negative (only -1, meaning unknown, is allowed)"},
      {"a user id that is half a number", "1 0 5 10 2 -1 -1 2 60 -1 1 12x 1 -1 -1 1 -1 -1",
       "field 12 (user id): '12x' is not a number"},
      {"a NUL byte",
       "1 0 5 1\0"s
       "0 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "control byte '\\x00' at byte 7 of the line"},
      {"a carriage return inside", "1 0 5 10\r 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "control byte '\\x0d' at byte 8 of the line"},
      {"a long bad token",
       "1 0 5 " + std::string(100, 'x') + " 2 -1 -1 2 60 -1 1 4 1 -1 -1 1 -1 -1",
       "field 4 (run time): '" + std::string(40, 'x') + "...' is not a number"},
      {"extended nodes without braces", extended_head + "1241,1241 q_1d 1:ppn=2",
       "field 19 (nodes): '1241,1241' is not a '{node,...}' list"},
      {"a bad UnixStartTime", "; UnixStartTime: soon",
       "header UnixStartTime: 'soon' is not an integer"},
      {"a Queue line without a number", "; Queue: fque", "header Queue: 'fque' is not an integer"},
      {"a negative user id", "1 0 5 10 2 -1 -1 2 60 -1 1 -5 1 -1 -1 1 -1 -1",
       "field 12 (user id): '-5' is negative (only -1, meaning unknown, is allowed)"},
  };
}

TEST_CASE("A bad line gets a clear error and the next good line still parses", "[ingest][swf]") {
  const BadLine bad = GENERATE(from_range(bad_lines()));
  CAPTURE(bad.what);
  SwfParser parser;
  Result<SwfLine> parsed = parser.parse_line(bad.line);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().is_invalid_argument());
  CHECK(parsed.status().message() == bad.message);
  CHECK(parse_record(parser, kGoodLine).job_number == 12);
  CHECK_FALSE(parser.header().unix_start_time.has_value());
  CHECK(parser.header().queues.empty());
}

TEST_CASE("A line longer than the line limit is refused and the next line still parses",
          "[ingest][swf]") {
  SwfParser parser;
  const std::string line = std::string(kGoodLine) + std::string(limits::line_bytes_max, ' ');
  Result<SwfLine> parsed = parser.parse_line(line);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kLimitExceeded);
  CHECK(parsed.status().message() == "line is " + std::to_string(line.size()) +
                                         " bytes, longer than the limit of " +
                                         std::to_string(limits::line_bytes_max));
  CHECK(parse_record(parser, kGoodLine).run_s == 553);
  // Exactly at the limit is still parsed.
  const std::string at_limit =
      std::string(kGoodLine) + std::string(limits::line_bytes_max - kGoodLine.size(), ' ');
  CHECK(parse_record(parser, at_limit).job_number == 12);
}

TEST_CASE("A bad header value leaves the header as it was", "[ingest][swf]") {
  SwfParser parser;
  REQUIRE(parser.parse_line("; UnixStartTime: 100").ok());
  REQUIRE_FALSE(parser.parse_line("; UnixStartTime: 1e9").ok());
  CHECK(parser.header().unix_start_time == 100);
}

TEST_CASE("Integer columns accept -1 and integral values written with a zero fraction",
          "[ingest][swf]") {
  const SwfRecord r =
      parse_record("7 10.00 -1.00 489. 32 489.00 988.5 32 900 1024 1 3 3 3 1 -1 -1 -1");
  CHECK(r.submit_s == 10);
  CHECK(r.wait_s == -1);
  CHECK(r.run_s == 489);
  CHECK(r.memory_used_kb == 988.5);
  CHECK(r.memory_requested_kb == 1024);
}

TEST_CASE("Tabs, leading blanks and a trailing carriage return are tolerated", "[ingest][swf]") {
  const SwfRecord r = parse_record(
      " \t12\t342343 \t5\t553\t40\t552.21\t-1\t40\t43200\t-1\t1\t4\t1\t-1\t-1\t1\t-1\t-1 \r");
  CHECK(r.job_number == 12);
  CHECK(r.think_time_s == -1);
  CHECK(parse_record(std::string(kGoodLine) + "\r").cpu_time_average_s == Approx(552.21));
}

TEST_CASE("Header lines are parsed leniently and unknown or free text is consumed",
          "[ingest][swf]") {
  SwfParser parser;
  for (std::string_view line :
       {";", "; ", "; Note: uses MAUI scheduler",
        ";              https://www.cs.huji.ac.il/labs/parallel/", "; MaxNodes: 240",
        "  ;\tVersion:   2.2  \r", "; unixstarttime : 42", "; TimeZone: -25200",
        "; Queue: 10  benchmark   ", "; Partition: 3", ";Computer:X Y"}) {
    CAPTURE(line);
    Result<SwfLine> parsed = parser.parse_line(line);
    REQUIRE(parsed.ok());
    CHECK(std::holds_alternative<SwfHeaderLine>(*parsed));
  }
  const SwfHeader& header = parser.header();
  CHECK(header.version == "2.2");
  CHECK(header.unix_start_time == 42);
  CHECK(header.time_zone_s == -25200);
  CHECK(header.queues == std::map<int64_t, std::string>{{10, "benchmark"}});
  CHECK(header.partitions == std::map<int64_t, std::string>{{3, ""}});
  CHECK(header.computer == "X Y");
}

TEST_CASE("Empty and whitespace-only lines are blank", "[ingest][swf]") {
  SwfParser parser;
  for (std::string_view line : {"", " ", "\t \t", "\r", "   \r"}) {
    Result<SwfLine> parsed = parser.parse_line(line);
    REQUIRE(parsed.ok());
    CHECK(std::holds_alternative<SwfBlankLine>(*parsed));
  }
}

}  // namespace
}  // namespace jobtrail::ingest::swf
