// Tests for SacctParser on the real sacct captures bundled in data/slurm/ (see the data README,
// sections "slurm/" and "Format quirks worth testing"), plus hand-made bad rows.
#include "ingest/slurm/sacct_parser.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/limits.h"
#include "ingest/captured_data.h"

namespace jobtrail::ingest::slurm {
namespace {

using testing::split_lines;
std::string read_capture(const std::string& name) {
  return testing::read_captured("slurm", name);
}

// The field list xdmod passes to sacct (data README, "xdmod sacct field order").
constexpr std::string_view kXdmodFormat =
    "jobid,jobidraw,cluster,partition,qos,account,group,gid,user,uid,submit,eligible,start,end,"
    "elapsed,exitcode,state,nnodes,ncpus,reqcpus,reqmem,reqtres,alloctres,timelimit,nodelist,"
    "jobname";
constexpr int64_t kUs = 1'000'000;

SacctParser xdmod_parser(std::string_view zone_name = "UTC") {
  Result<TimeZone> zone = TimeZone::locate(zone_name);
  REQUIRE(zone.ok());
  Result<SacctParser> parser = SacctParser::create(kXdmodFormat, *zone);
  REQUIRE(parser.ok());
  return *parser;
}

struct CaptureScan {
  std::size_t records = 0;
  std::size_t headers = 0;
  std::vector<std::string> errors;  // "line N: message"
};

using RecordVisitor = std::function<void(const SacctRecord&)>;

CaptureScan scan(const SacctParser& parser, std::string_view text,
                 const RecordVisitor& visit = nullptr) {
  CaptureScan out;
  std::size_t line_number = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_number;
    Result<SacctLine> parsed = parser.parse_line(line);
    if (!parsed.ok()) {
      out.errors.push_back("line " + std::to_string(line_number) + ": " +
                           parsed.status().to_string());
    } else if (const auto* record = std::get_if<SacctRecord>(&*parsed)) {
      ++out.records;
      if (visit) visit(*record);
    } else if (std::holds_alternative<SacctHeaderLine>(*parsed)) {
      ++out.headers;
    }
  }
  return out;
}

SacctRecord parse_record(const SacctParser& parser, std::string_view line) {
  Result<SacctLine> parsed = parser.parse_line(line);
  INFO(line << " -> " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<SacctRecord>(*parsed));
  return std::get<SacctRecord>(*parsed);
}

// Line `n` (1-based) of a bundled capture.
std::string capture_line(const std::string& name, std::size_t n) {
  const std::string text = read_capture(name);
  const std::vector<std::string_view> lines = split_lines(text);
  REQUIRE(n <= lines.size());
  return std::string(lines[n - 1]);
}

// The "mem=" of a TRES string in MiB ("billing=8,cpu=8,mem=24000M,node=1" -> 24000); 0 if none.
double tres_mem_mib(std::string_view tres) {
  const std::size_t at = tres.find("mem=");
  if (at == std::string_view::npos) return 0;
  const std::string value(tres.substr(at + 4, tres.find(',', at) - at - 4));
  return std::stod(value) * (value.back() == 'G' ? 1024 : 1);
}

TEST_CASE("Every row of every bundled xdmod sacct capture parses", "[ingest][slurm][sacct]") {
  auto [file, expected_rows] = GENERATE(table<const char*, std::size_t>({
      {"xdmod-phillips.sacct.log", 4'285},
      {"xdmod-pozidriv.sacct.log.gz", 11'704},
      {"xdmod-unit-accounting-logs-with-job-arrays.sacct.log", 6},
      {"xdmod-unit-accounting-logs.sacct.log", 4},
      {"xdmod-unit-non-ended-job-state.sacct.log", 2},
      {"xdmod-unit-unknown-job-state.sacct.log", 2},
      {"xdmod-unit-utf8-multibyte-chars.sacct.log", 1},
  }));
  CAPTURE(file);
  const SacctParser parser = xdmod_parser();
  std::size_t nodes_agree = 0, none_assigned = 0;
  const CaptureScan result = scan(parser, read_capture(file), [&](const SacctRecord& r) {
    CHECK_FALSE(r.is_step);  // --allocations: no step lines
    CHECK_FALSE(r.trailing_separator);
    CHECK(r.fields.size() == 26);
    REQUIRE(r.node_count.has_value());
    if (r.node_list == "None assigned") ++none_assigned;
    if (*r.node_count == r.nnodes.value_or(0)) ++nodes_agree;
    if (r.req_mem && r.req_mem->per_cpu_flag_decoded) {  // per CPU x CPUs == allocated memory
      const double tres_mib = tres_mem_mib(r.alloc_tres.empty() ? r.req_tres : r.alloc_tres);
      CHECK(double(r.req_mem->bytes >> 20) * r.ncpus.value_or(0) == tres_mib);
    }
  });
  CHECK(result.errors.empty());
  if (!result.errors.empty()) FAIL_CHECK(result.errors.front());
  CHECK(result.records == expected_rows);
  CHECK(result.headers == 0);
  // The hostlist counts match NNodes on every row that has nodes. (Jobs that never ran have
  // "None assigned" and NNodes 1; xdmod-unit 5692623 lists two nodes with NNodes 0.)
  const bool unit_accounting = std::string_view(file) == "xdmod-unit-accounting-logs.sacct.log";
  CHECK(nodes_agree + none_assigned + (unit_accounting ? 1 : 0) == expected_rows);
}

TEST_CASE("State counts of the two production captures", "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  std::map<fb::JobState, std::size_t> states;
  std::size_t cancelled_by = 0, partition_limit = 0, flag_decoded = 0;
  const auto count = [&](const SacctRecord& r) {
    ++states[r.state.state];
    if (r.req_mem && r.req_mem->per_cpu_flag_decoded) ++flag_decoded;
    if (r.state.by_uid) ++cancelled_by;
    if (r.timelimit.kind == SlurmDuration::Kind::kPartitionLimit) ++partition_limit;
  };
  scan(parser, read_capture("xdmod-phillips.sacct.log"), count);
  scan(parser, read_capture("xdmod-pozidriv.sacct.log.gz"), count);
  // Same numbers as `cut -d'|' -f17 | sort | uniq -c` over both files.
  CHECK(states[fb::JobState::COMPLETED] == 12'458);
  CHECK(states[fb::JobState::FAILED] == 2'724);
  CHECK(states[fb::JobState::CANCELLED] == 711);
  CHECK(states[fb::JobState::PREEMPTED] == 86);
  CHECK(states[fb::JobState::TIMEOUT] == 10);
  CHECK(states[fb::JobState::UNKNOWN] == 0);
  CHECK(cancelled_by == 711);
  CHECK(partition_limit == 58);
  CHECK(flag_decoded == 14'864);  // each checked against AllocTRES mem= in the test above
}

TEST_CASE("Field values of real phillips rows", "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  SECTION("phillips row 1: CANCELLED by its owner after 10 days") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-phillips.sacct.log", 1));
    CHECK(r.job_id == "163485");
    CHECK(r.job_key == *JobKey::parse("163485"));
    CHECK(r.job_id_raw == "163485");
    CHECK(r.cluster == "phillips");
    CHECK(r.partition == "focaccia");
    CHECK(r.qos == "chestnut");
    CHECK(r.account == "chaff");
    CHECK(r.user == "noror");
    CHECK(r.uid == std::optional<uint32_t>(380693));
    CHECK(r.gid == std::optional<uint32_t>(45789));
    CHECK(r.state.state == fb::JobState::CANCELLED);
    CHECK(r.state.raw == "CANCELLED by 380693");
    CHECK(r.state.by_uid == r.uid);
    CHECK(r.exit_code == std::optional<ExitCode>(ExitCode{0, 0}));
    CHECK(r.submit.epoch_us == std::optional<int64_t>(1482390912 * kUs));
    CHECK(r.submit.text == "2016-12-22T07:15:12");
    CHECK(*r.end.epoch_us - *r.start.epoch_us == *r.elapsed_s * kUs);
    CHECK(r.elapsed_s == std::optional<int64_t>(((10 * 24 + 13) * 60 + 27) * 60 + 6));
    CHECK(r.timelimit == SlurmDuration{SlurmDuration::Kind::kSeconds, (37 * 24 + 14) * 3600});
    CHECK(r.nnodes == std::optional<uint32_t>(1));
    CHECK(r.ncpus == std::optional<uint32_t>(12));
    CHECK(r.req_mem == std::optional<ReqMem>(ReqMem{31000ull << 20, ReqMem::Per::kNode}));
    CHECK(r.alloc_tres == "billing=12,cpu=12,gres/gpu=2,mem=31000M,node=1");
    CHECK(r.node_list == "cpn-f11-31");
    CHECK(r.node_count == std::optional<uint64_t>(1));
    CHECK(r.job_name.size() == 64);  // anonymised: a SHA-256 in hex
  }
  SECTION("phillips row 2: a hostlist of 8 nodes") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-phillips.sacct.log", 2));
    CHECK(r.state.state == fb::JobState::TIMEOUT);
    CHECK(r.exit_code == std::optional<ExitCode>(ExitCode{1, 0}));
    CHECK(r.node_count == std::optional<uint64_t>(8));
    CHECK(r.nnodes == std::optional<uint32_t>(8));
  }
  SECTION("phillips row 3: ReqMem 2147486648Mn is 3000 MiB per CPU (the MEM_PER_CPU bit)") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-phillips.sacct.log", 3));
    CHECK(r.req_mem == std::optional<ReqMem>(ReqMem{3000ull << 20, ReqMem::Per::kCpu, true}));
    CHECK(r.ncpus == std::optional<uint32_t>(8));
    CHECK(r.alloc_tres == "billing=8,cpu=8,mem=24000M,node=1");  // 8 x 3000M
  }
}

TEST_CASE("Field values of real pozidriv rows", "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  SECTION("pozidriv row 1: a 125-00:00:00 time limit") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-pozidriv.sacct.log.gz", 1));
    CHECK(r.timelimit == SlurmDuration{SlurmDuration::Kind::kSeconds, 125 * 24 * 3600});
    CHECK(r.elapsed_s == std::optional<int64_t>(((7 * 24 + 20) * 60 + 39) * 60 + 39));
  }
  SECTION("pozidriv row 23: Partition_Limit, None assigned, start == end") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-pozidriv.sacct.log.gz", 23));
    CHECK(r.timelimit.kind == SlurmDuration::Kind::kPartitionLimit);
    CHECK(r.node_list == "None assigned");
    CHECK(r.node_count == std::optional<uint64_t>(0));
    CHECK(r.elapsed_s == std::optional<int64_t>(0));
  }
  SECTION("pozidriv row 37: ReqMem 125Gn") {
    const SacctRecord r = parse_record(parser, capture_line("xdmod-pozidriv.sacct.log.gz", 37));
    CHECK(r.req_mem == std::optional<ReqMem>(ReqMem{125ull << 30, ReqMem::Per::kNode}));
  }
}

TEST_CASE("Array ids, per-CPU memory and long hostlists of the xdmod unit fixtures",
          "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  const std::string file = "xdmod-unit-accounting-logs-with-job-arrays.sacct.log";
  const SacctRecord task = parse_record(parser, capture_line(file, 1));
  CHECK(task.job_id == "4103947_100");
  CHECK(task.job_key.kind == JobKey::Kind::kArrayTask);
  CHECK(task.job_key.id == 4103947);
  CHECK(task.job_key.index == 100);
  CHECK(task.job_id_raw == "4103947");
  CHECK(task.req_mem == std::optional<ReqMem>(ReqMem{3000ull << 20, ReqMem::Per::kCpu}));
  CHECK(task.req_tres.empty());
  CHECK(task.node_count == std::optional<uint64_t>(32));
  CHECK(task.nnodes == std::optional<uint32_t>(32));

  const SacctRecord remainder = parse_record(parser, capture_line(file, 2));
  CHECK(remainder.job_id == "4103947_[1-3]");
  CHECK(remainder.job_key.kind == JobKey::Kind::kArrayRemainder);
  CHECK(remainder.job_key.task_count() == 3);
  CHECK(remainder.job_key.format() == "4103947_[1-3]");
  CHECK(parse_record(parser, capture_line(file, 4)).job_key.task_count() == 4);  // [9-11,20]
  CHECK(parse_record(parser, capture_line(file, 6)).job_key.task_count() == 9);
}

TEST_CASE("RUNNING and PENDING jobs have Unknown times", "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  const std::string file = "xdmod-unit-non-ended-job-state.sacct.log";
  const SacctRecord running = parse_record(parser, capture_line(file, 1));
  CHECK(running.state.state == fb::JobState::RUNNING);
  CHECK(running.start.epoch_us.has_value());
  const SacctRecord pending = parse_record(parser, capture_line(file, 2));
  CHECK(pending.state.state == fb::JobState::PENDING);
  CHECK_FALSE(pending.start.epoch_us.has_value());
  CHECK(pending.start.text == "Unknown");
  CHECK(pending.end.epoch_us.has_value());  // as captured: End == Submit for this PENDING job

  const SacctRecord unknown_eligible =
      parse_record(parser, capture_line("xdmod-unit-accounting-logs.sacct.log", 4));
  CHECK(unknown_eligible.eligible.text == "Unknown");
  CHECK_FALSE(unknown_eligible.eligible.epoch_us.has_value());
  CHECK(unknown_eligible.partition.empty());
  CHECK(unknown_eligible.req_mem == std::optional<ReqMem>(ReqMem{0, ReqMem::Per::kNode}));
  CHECK(unknown_eligible.nnodes == std::optional<uint32_t>(0));
  CHECK(unknown_eligible.node_count == std::optional<uint64_t>(2));
}

TEST_CASE("Unknown state words and UTF-8 job names are kept", "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  const std::string file = "xdmod-unit-unknown-job-state.sacct.log";
  const SacctRecord foo = parse_record(parser, capture_line(file, 1));
  CHECK(foo.state.state == fb::JobState::UNKNOWN);
  CHECK(foo.state.raw == "FOO");
  CHECK(parse_record(parser, capture_line(file, 2)).state.raw == "BAR");

  const SacctRecord utf8 =
      parse_record(parser, capture_line("xdmod-unit-utf8-multibyte-chars.sacct.log", 1));
  CHECK(utf8.job_name ==
        "a\xc3\xa0"
        "b");  // "aàb"
}

TEST_CASE("sacct -p with a header: VLSCI bruce, read in Melbourne time", "[ingest][slurm][sacct]") {
  const std::string text = read_capture("alogger-vlsci-bruce-sacct-p.txt");
  const std::vector<std::string_view> lines = split_lines(text);
  Result<TimeZone> melbourne = TimeZone::locate("Australia/Melbourne");
  REQUIRE(melbourne.ok());
  Result<SacctParser> parser = SacctParser::from_header(lines.front(), *melbourne);
  REQUIRE(parser.ok());
  CHECK(parser->field_names().size() == 19);
  CHECK(parser->field_index("JobName") == std::optional<std::size_t>(7));
  CHECK(parser->field_index("ReqMem") == std::optional<std::size_t>(18));

  std::map<std::string, uint64_t> nodes_by_list;
  const CaptureScan result = scan(*parser, text, [&](const SacctRecord& r) {
    CHECK(r.trailing_separator);
    CHECK(r.cluster == "bruce");
    nodes_by_list[r.node_list] = r.node_count.value_or(999);
  });
  CHECK(result.errors.empty());
  if (!result.errors.empty()) FAIL_CHECK(result.errors.front());
  CHECK(result.headers == 1);
  CHECK(result.records == 195);
  CHECK(nodes_by_list["bruce[006-010,130]"] == 6);
  CHECK(nodes_by_list["None assigned"] == 0);

  const SacctRecord first = parse_record(*parser, lines[1]);
  CHECK(first.job_id == "1670438");
  CHECK(first.state.state == fb::JobState::CANCELLED);
  CHECK(first.state.by_uid == std::optional<uint32_t>(500));
  CHECK(first.ncpus == std::optional<uint32_t>(0));  // AllocCPUS
  CHECK(first.req_mem == std::optional<ReqMem>(ReqMem{2ull << 30, ReqMem::Per::kCpu}));
  // 2014-02-25T15:48:53 AEDT (UTC+11) is 04:48:53 UTC.
  CHECK(first.submit.epoch_us == std::optional<int64_t>((1393343333 - 11 * 3600) * kUs));
  CHECK(first.timelimit == SlurmDuration{SlurmDuration::Kind::kSeconds, 600});
}

TEST_CASE("The same text under UTC and America/New_York differs by the zone's offset",
          "[ingest][slurm][sacct]") {
  const std::string winter = capture_line("xdmod-phillips.sacct.log", 1);
  const SacctRecord utc = parse_record(xdmod_parser("UTC"), winter);
  const SacctRecord ny = parse_record(xdmod_parser("America/New_York"), winter);
  CHECK(*ny.submit.epoch_us - *utc.submit.epoch_us == 5 * 3600 * kUs);  // EST
  const std::string summer = capture_line("xdmod-unit-accounting-logs.sacct.log", 1);
  const SacctRecord utc_june = parse_record(xdmod_parser("UTC"), summer);
  const SacctRecord ny_june = parse_record(xdmod_parser("America/New_York"), summer);
  CHECK(*ny_june.submit.epoch_us - *utc_june.submit.epoch_us == 4 * 3600 * kUs);  // EDT
  CHECK(ny_june.submit.text == utc_june.submit.text);
}

TEST_CASE("sacct --parsable2 and -p are told apart by the field count", "[ingest][slurm][sacct]") {
  Result<SacctParser> parser = SacctParser::create("JobID,State,JobName", TimeZone::utc());
  REQUIRE(parser.ok());
  const SacctRecord p2 = parse_record(*parser, "12|COMPLETED|name");
  CHECK_FALSE(p2.trailing_separator);
  CHECK(p2.job_name == "name");
  const SacctRecord p = parse_record(*parser, "12|COMPLETED|name|");
  CHECK(p.trailing_separator);
  CHECK(p.job_name == "name");
  // parsable2 with an empty job name also ends with '|', but has exactly 3 fields.
  const SacctRecord empty_name = parse_record(*parser, "12|COMPLETED|");
  CHECK_FALSE(empty_name.trailing_separator);
  CHECK(empty_name.job_name.empty());
  const SacctRecord p_empty_name = parse_record(*parser, "12|COMPLETED||");
  CHECK(p_empty_name.trailing_separator);
  CHECK(p_empty_name.job_name.empty());
  // Names with spaces and ';' are fine; a '|' is not.
  CHECK(parse_record(*parser, "12|COMPLETED|a b;c").job_name == "a b;c");
  Result<SacctLine> piped = parser->parse_line("12|COMPLETED|a|b");
  REQUIRE_FALSE(piped.ok());
  CHECK_THAT(piped.status().message(), Catch::Contains("row has 4 fields; the format has 3") &&
                                           Catch::Contains("not `sacct -p`"));
}

TEST_CASE("Step ids keep their suffix apart from the job key", "[ingest][slurm][sacct]") {
  Result<SacctParser> parser = SacctParser::create("JobID,JobIDRaw,State", TimeZone::utc());
  REQUIRE(parser.ok());
  const SacctRecord batch = parse_record(*parser, "123.batch|123.batch|COMPLETED");
  CHECK(batch.is_step);
  CHECK(batch.step == "batch");
  CHECK(batch.job_key == *JobKey::parse("123"));
  CHECK(parse_record(*parser, "123.extern|123.extern|COMPLETED").step == "extern");
  CHECK(parse_record(*parser, "123.0|123.0|COMPLETED").step == "0");
  const SacctRecord het = parse_record(*parser, "1853+0.batch|1854.batch|COMPLETED");
  CHECK(het.step == "batch");
  CHECK(het.job_key.kind == JobKey::Kind::kHetComponent);
  CHECK(het.job_key.id == 1853);
  const SacctRecord job = parse_record(*parser, "123|123|RUNNING");
  CHECK_FALSE(job.is_step);
  CHECK(job.step.empty());
}

TEST_CASE("Format lists: case, widths, aliases, JobIDRaw alone, header lines",
          "[ingest][slurm][sacct]") {
  Result<SacctParser> parser =
      SacctParser::create("JobIDRaw,Account%12,AllocCPUS,ElapsedRaw", TimeZone::utc());
  REQUIRE(parser.ok());
  const SacctRecord r = parse_record(*parser, "77|acct|8|3600");
  CHECK(r.job_key == *JobKey::parse("77"));
  CHECK(r.account == "acct");
  CHECK(r.ncpus == std::optional<uint32_t>(8));
  CHECK(r.fields.back() == "3600");  // an unknown field is kept as text
  CHECK(parser->field_index("elapsedraw") == std::optional<std::size_t>(3));
  Result<SacctLine> header = parser->parse_line("JobIDRaw|Account|AllocCPUS|ElapsedRaw");
  REQUIRE(header.ok());
  CHECK(std::holds_alternative<SacctHeaderLine>(*header));
  CHECK(std::holds_alternative<SacctBlankLine>(*parser->parse_line("")));

  CHECK_FALSE(SacctParser::create("User,State", TimeZone::utc()).ok());  // no job id
  CHECK_FALSE(SacctParser::create("JobID,,State", TimeZone::utc()).ok());
  CHECK(SacctParser::create(std::string(300, ','), TimeZone::utc()).status().code() ==
        Status::Code::kLimitExceeded);
}

TEST_CASE("Bad rows are errors that say why, and the next good row still parses",
          "[ingest][slurm][sacct]") {
  const SacctParser parser = xdmod_parser();
  const std::string good = capture_line("xdmod-phillips.sacct.log", 1);
  const auto replace_field = [&](std::size_t index, std::string_view value) {
    std::vector<std::string_view> fields;
    std::string_view rest = good;
    for (std::size_t at; (at = rest.find('|')) != std::string_view::npos;) {
      fields.push_back(rest.substr(0, at));
      rest.remove_prefix(at + 1);
    }
    fields.push_back(rest);
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      line += (i ? "|" : "") + std::string(i == index ? value : fields[i]);
    }
    return line;
  };
  const std::string huge = good + std::string(limits::line_bytes_max, 'x');
  const std::string with_nul = good.substr(0, 10) + std::string(1, '\0') + good.substr(10);
  auto [line, code, message] = GENERATE_COPY(table<std::string, Status::Code, std::string>({
      {good.substr(0, good.rfind('|')), Status::Code::kInvalidArgument,
       "row has 25 fields; the format has 26"},
      {good + "|extra", Status::Code::kInvalidArgument, "row has 27 fields; the format has 26"},
      {replace_field(10, "2016-12-32T07:15:12"), Status::Code::kInvalidArgument,
       "field 11 (submit): '2016-12-32T07:15:12' is not a time"},
      {replace_field(0, "abc"), Status::Code::kInvalidArgument,
       "field 1 (jobid): 'abc' is not a job id"},
      {replace_field(9, "-5"), Status::Code::kInvalidArgument,
       "field 10 (uid): '-5' is not a whole number"},
      {replace_field(14, "10:99:00"), Status::Code::kInvalidArgument,
       "field 15 (elapsed): '10:99:00' is not a duration"},
      {replace_field(15, "0"), Status::Code::kInvalidArgument, "field 16 (exitcode)"},
      {replace_field(20, "31000Xn"), Status::Code::kInvalidArgument, "field 21 (reqmem)"},
      {replace_field(24, "cpn[01-"), Status::Code::kInvalidArgument,
       "field 25 (nodelist): 'cpn[01-' is not a hostlist"},
      {huge, Status::Code::kLimitExceeded, "is longer than the limit of 65536"},
      {with_nul, Status::Code::kInvalidArgument, "control byte '\\x00' at byte 10"},
  }));
  Result<SacctLine> bad = parser.parse_line(line);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == code);
  CHECK_THAT(bad.status().message(), Catch::Contains(message));
  CHECK(parse_record(parser, good).job_id == "163485");
  CHECK(parse_record(parser, good + "\r").job_id == "163485");
}

}  // namespace
}  // namespace jobtrail::ingest::slurm
