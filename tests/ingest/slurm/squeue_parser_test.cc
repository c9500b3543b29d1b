// Tests for SqueueParser on the real Open OnDemand squeue captures in data/slurm/ (see the data
// README, "Format quirks worth testing": repeated titles, a trailing \x1F on every row, a job
// name holding \x1F, a replacement character in a name), and on hand-made -o / -O output.
#include "ingest/slurm/squeue_parser.h"

#include <catch2/catch.hpp>
#include <cstddef>
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

constexpr int64_t kUs = 1'000'000;

std::vector<std::string> capture_lines(const std::string& name) {
  const std::string text = read_capture(name);
  std::vector<std::string> lines;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    lines.emplace_back(rest.substr(0, newline));
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return lines;
}

SqueueParser make_parser(std::string_view format, std::string_view zone_name = "UTC") {
  Result<TimeZone> zone = TimeZone::locate(zone_name);
  REQUIRE(zone.ok());
  Result<SqueueParser> parser = SqueueParser::create(format, *zone);
  INFO(parser.status().to_string());
  REQUIRE(parser.ok());
  return *parser;
}

// OSC runs in Columbus, Ohio.
SqueueParser ood_parser() {
  return make_parser(kOodSqueueFormat, "America/New_York");
}

SqueueRecord parse_record(const SqueueParser& parser, std::string_view line) {
  Result<SqueueLine> parsed = parser.parse_line(line);
  INFO(quote_value(line) << " -> " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<SqueueRecord>(*parsed));
  return std::get<SqueueRecord>(*parsed);
}

bool is_header(const SqueueParser& parser, std::string_view line) {
  Result<SqueueLine> parsed = parser.parse_line(line);
  return parsed.ok() && std::holds_alternative<SqueueHeaderLine>(*parsed);
}

TEST_CASE("Open OnDemand's squeue format compiles to 50 \\x1F-delimited columns",
          "[ingest][slurm][squeue]") {
  const SqueueParser parser = ood_parser();
  CHECK(parser.split_rule() == SqueueParser::Split::kDelimited);
  REQUIRE(parser.columns().size() == 50);
  CHECK(parser.columns()[1].field == SqueueField::kJobId);
  CHECK(parser.columns()[15].field == SqueueField::kJobArrayId);
  CHECK(parser.columns()[17].field == SqueueField::kName);
  CHECK(parser.columns()[48].title == "TRES_ALLOC");
}

TEST_CASE("Every line of both bundled ood_core squeue captures parses", "[ingest][slurm][squeue]") {
  auto [file, expected_rows] = GENERATE(table<const char*, std::size_t>({
      {"ood_core-osc-squeue-null_submit_time.txt", 4},
      {"ood_core-osc-squeue-non_utf8_job_name.txt", 1},
  }));
  CAPTURE(file);
  const SqueueParser parser = ood_parser();
  const std::vector<std::string> lines = capture_lines(file);
  REQUIRE(lines.size() == expected_rows + 1);
  CHECK(is_header(parser, lines[0]));  // titles repeat: JOBID and GROUP twice
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const SqueueRecord r = parse_record(parser, lines[i]);
    CHECK(r.fields.size() == 50);
    CHECK(r.submit.epoch_us.has_value());
    CHECK(r.state.state != fb::JobState::UNKNOWN);
  }
}

TEST_CASE("The row whose job name holds \\x1F is anchored from both ends",
          "[ingest][slurm][squeue]") {
  const SqueueParser parser = ood_parser();
  const std::vector<std::string> lines = capture_lines("ood_core-osc-squeue-null_submit_time.txt");
  const SqueueRecord r = parse_record(parser, lines[1]);  // 52 pieces for 50 columns + '\x1F'
  CHECK(r.name_repaired);
  CHECK(r.name ==
        "cupd3_n_fcc_mix_n15\x1F"
        "cohp");
  CHECK(r.fields[18] == "*");       // THREADS_PER_CORE, right after NAME
  CHECK(r.fields[19] == "(null)");  // COMMENT
  CHECK(r.job_id == "6779842");
  CHECK(r.job_id_raw == "6779842");
  CHECK(r.job_key == *JobKey::parse("6779842"));
  CHECK(r.account == "pds0332");
  CHECK(r.group == "PDS0332");
  CHECK(r.gid == std::optional<uint32_t>(7641));
  CHECK(r.cpus == std::optional<uint32_t>(96));
  CHECK(r.nodes == std::optional<uint32_t>(1));
  CHECK(r.state.state == fb::JobState::RUNNING);
  CHECK(r.state.raw == "RUNNING");
  CHECK(r.state_compact == "R");
  CHECK(r.user == "nxs892");
  CHECK(r.uid == std::optional<uint32_t>(43541));
  CHECK(r.partition == "cpu");
  CHECK(r.qos == "cardinal-default");
  CHECK(r.reason == "None");
  CHECK(r.priority == "100003461");
  CHECK(r.node_list == "c0191");
  CHECK(r.node_count == std::optional<uint64_t>(1));
  CHECK(r.time_limit == SlurmDuration{SlurmDuration::Kind::kSeconds, 4 * 24 * 3600});
  CHECK(r.time_used == SlurmDuration{SlurmDuration::Kind::kSeconds, 3 * 3600 + 52 * 60 + 31});
  CHECK(r.min_memory == std::optional<ReqMem>(ReqMem{4956ull << 20, ReqMem::Per::kUnspecified}));
  // 2026-03-10T12:34:28 at OSC is EDT (DST began 8 March 2026): 16:34:28 UTC.
  CHECK(r.submit.epoch_us == std::optional<int64_t>(1773160468 * kUs));
  CHECK(r.submit.text == "2026-03-10T12:34:28");
  CHECK(r.work_dir.find("/fcc_mix/cohp") != std::string::npos);

  const SqueueRecord plain = parse_record(parser, lines[2]);
  CHECK_FALSE(plain.name_repaired);
  CHECK(plain.name == "ondemand/sys/dashboard/sys/bc_osc_vmd");
  CHECK(plain.time_left == SlurmDuration{SlurmDuration::Kind::kSeconds, 35 * 60 + 16});

  const SqueueRecord timeout = parse_record(parser, lines[4]);
  CHECK(timeout.state.state == fb::JobState::TIMEOUT);
  CHECK(timeout.state_compact == "TO");
  CHECK(timeout.reason == "TimeLimit");
  CHECK(timeout.time_left.kind == SlurmDuration::Kind::kNone);  // "INVALID"
  CHECK(timeout.fields[22] == "INVALID");
}

TEST_CASE("Array task ids and name bytes of the ood_core non-UTF-8 capture",
          "[ingest][slurm][squeue]") {
  const SqueueParser parser = ood_parser();
  const std::vector<std::string> lines = capture_lines("ood_core-osc-squeue-non_utf8_job_name.txt");
  const SqueueRecord r = parse_record(parser, lines[1]);
  CHECK(r.job_id_raw == "123");
  CHECK(r.job_id == "29471683_9");
  CHECK(r.job_key.kind == JobKey::Kind::kArrayTask);
  CHECK(r.job_key.id == 29471683);
  CHECK(r.job_key.index == 9);
  CHECK(r.array_job_id == "29471683");
  CHECK(r.array_task_id == "9");
  // The capture holds U+FFFD (EF BF BD): ood_core's fixture was already replaced once.
  CHECK(r.name == "\xEF\xBF\xBD non-utf8");
  CHECK(r.state.state == fb::JobState::COMPLETED);
  CHECK(r.state_compact == "CD");
  CHECK(r.user == "annie.oakley");
  CHECK(r.time_limit == SlurmDuration{SlurmDuration::Kind::kSeconds, 30 * 60});

  SECTION("raw non-UTF-8 bytes in NAME are kept as bytes") {
    std::string raw = lines[1];
    raw.replace(raw.find("\xEF\xBF\xBD"), 3, "\xFF\xFE");
    CHECK(parse_record(parser, raw).name == "\xFF\xFE non-utf8");
  }
}

TEST_CASE("squeue -o with widths: aligned columns, names with spaces, array forms",
          "[ingest][slurm][squeue]") {
  const SqueueParser parser = make_parser("%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R");
  CHECK(parser.split_rule() == SqueueParser::Split::kAligned);
  CHECK(is_header(parser,
                  "             JOBID PARTITION     NAME     USER ST       TIME  NODES "
                  "NODELIST(REASON)"));
  const SqueueRecord pending = parse_record(
      parser, "        5_[1-20%5]     debug    job 1    alice PD       0:00      1 (Resources)");
  CHECK(pending.job_key.kind == JobKey::Kind::kArrayRemainder);
  CHECK(pending.job_key.task_count() == 20);
  CHECK(pending.job_key.max_running == 5);
  CHECK(pending.name == "job 1");
  CHECK(pending.name_repaired);
  CHECK(pending.state.state == fb::JobState::PENDING);
  CHECK(pending.reason == "Resources");
  CHECK(pending.node_list.empty());
  const SqueueRecord running = parse_record(
      parser, "              32_4     debug     test      bob  R      35:16      2 node[01-02]");
  CHECK(running.job_key.kind == JobKey::Kind::kArrayTask);
  CHECK(running.job_key.index == 4);
  CHECK(running.state.state == fb::JobState::RUNNING);
  CHECK(running.node_count == std::optional<uint64_t>(2));
  CHECK(running.nodes == std::optional<uint32_t>(2));
}

TEST_CASE("squeue -o with a '|' separator, -O with suffixes, and mixed literals",
          "[ingest][slurm][squeue]") {
  SECTION("delimited -o") {
    const SqueueParser parser = make_parser("%i|%t|%j|%V");
    CHECK(parser.split_rule() == SqueueParser::Split::kDelimited);
    const SqueueRecord r = parse_record(parser, "77|CG|a|b;c|2016-12-22T10:32:05");
    CHECK(r.name == "a|b;c");
    CHECK(r.name_repaired);
    CHECK(r.state.state == fb::JobState::COMPLETING);
    CHECK(r.submit.epoch_us == std::optional<int64_t>(1482402725 * kUs));
    CHECK(is_header(parser, "JOBID|ST|NAME|SUBMIT_TIME"));
  }
  SECTION("-O with a suffix on every item") {
    const SqueueParser parser = make_parser("JobArrayID:|,StateCompact:|,Name:|");
    CHECK(parser.split_rule() == SqueueParser::Split::kDelimited);
    const SqueueRecord r = parse_record(parser, "123+1|OOM|x|");
    CHECK(r.job_key.kind == JobKey::Kind::kHetComponent);
    CHECK(r.state.state == fb::JobState::OUT_OF_MEMORY);
    CHECK(r.name == "x");
  }
  SECTION("-O without suffixes is aligned") {
    const SqueueParser parser = make_parser("jobarrayid,state,reasonlist");
    CHECK(parser.split_rule() == SqueueParser::Split::kAligned);
    const SqueueRecord r =
        parse_record(parser, "42                  REQUEUE_HOLD        (JobHeldAdmin)");
    CHECK(r.state.state == fb::JobState::REQUEUE_HOLD);
    CHECK(r.reason == "JobHeldAdmin");
  }
  SECTION("mixed literals are read in order") {
    const SqueueParser parser = make_parser("job=%i st=%t name=%j");
    CHECK(parser.split_rule() == SqueueParser::Split::kSequential);
    const SqueueRecord r = parse_record(parser, "job=9 st=PD name=a b");
    CHECK(r.job_id == "9");
    CHECK(r.name == "a b");
    CHECK(r.state.state == fb::JobState::PENDING);
    CHECK_THAT(parser.parse_line("job=9 name=x").status().message(),
               Catch::Contains("column 1 (JOBID): separator ' st=' not found"));
  }
  SECTION("100%% is a literal percent") {
    const SqueueParser parser = make_parser("%i%%%t");
    CHECK(parse_record(parser, "5%R").state.state == fb::JobState::RUNNING);
  }
}

TEST_CASE("Bad formats and bad squeue rows are errors that say why", "[ingest][slurm][squeue]") {
  CHECK_FALSE(SqueueParser::create("%t|%j", TimeZone::utc()).ok());  // no job id
  CHECK_FALSE(SqueueParser::create("%i%t", TimeZone::utc()).ok());   // nothing between
  CHECK_FALSE(SqueueParser::create("%i|%", TimeZone::utc()).ok());
  CHECK_FALSE(SqueueParser::create("", TimeZone::utc()).ok());

  const SqueueParser parser = ood_parser();
  const std::string good = capture_lines("ood_core-osc-squeue-non_utf8_job_name.txt")[1];
  const SqueueParser plain = make_parser("%i|%t|%u");  // no NAME column

  Result<SqueueLine> short_row = parser.parse_line(good.substr(0, good.size() / 2));
  REQUIRE_FALSE(short_row.ok());
  CHECK_THAT(short_row.status().message(), Catch::Contains("the format has 50"));

  Result<SqueueLine> extra = plain.parse_line("1|R|alice|bob");
  REQUIRE_FALSE(extra.ok());
  CHECK_THAT(extra.status().message(), Catch::Contains("no NAME column"));

  std::string with_nul = good;
  with_nul[5] = '\0';
  Result<SqueueLine> nul = parser.parse_line(with_nul);
  REQUIRE_FALSE(nul.ok());
  CHECK_THAT(nul.status().message(), Catch::Contains("control byte '\\x00' at byte 5"));

  Result<SqueueLine> huge = parser.parse_line(good + std::string(limits::line_bytes_max, 'x'));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().code() == Status::Code::kLimitExceeded);

  CHECK(plain.parse_line("1|R|alice").ok());
  const SqueueParser timed = make_parser("%i|%V");
  CHECK_THAT(timed.parse_line("1|2024-06-26T25:00:00").status().message(),
             Catch::Contains("column 2 (SUBMIT_TIME): '2024-06-26T25:00:00' is not a time"));
  CHECK_THAT(timed.parse_line("x1|N/A").status().message(),
             Catch::Contains("job id 'x1' is not a job key"));
  CHECK(parse_record(parser, good).job_id == "29471683_9");  // still usable
}

}  // namespace
}  // namespace jobtrail::ingest::slurm
