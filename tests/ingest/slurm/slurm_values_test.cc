// Tests for the SLURM value parsers: times and zones, durations, ReqMem, exit codes, states and
// hostlists, on values taken from the bundled captures in data/slurm/ and on broken ones.
#include "ingest/slurm/slurm_values.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobtrail::ingest::slurm {
namespace {

constexpr int64_t kUs = 1'000'000;
constexpr int64_t kHourS = 3600;

TimeZone zone(std::string_view name) {
  Result<TimeZone> located = TimeZone::locate(name);
  INFO(name << " -> " << located.status().to_string());
  REQUIRE(located.ok());
  return *located;
}

int64_t time_us(std::string_view text, const TimeZone& in) {
  Result<std::optional<int64_t>> parsed = parse_slurm_time_us(text, in);
  INFO(text << " -> " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  return **parsed;
}

TEST_CASE("SLURM times are wall-clock times read in the zone the command ran in",
          "[ingest][slurm]") {
  const TimeZone utc = TimeZone::utc();
  // xdmod-phillips row 1 (times in UTC per the xdmod docs).
  CHECK(time_us("2016-12-22T07:15:12", utc) == 1482390912 * kUs);
  CHECK(time_us("2016-12-22T10:32:05", zone("UTC")) == 1482402725 * kUs);

  const TimeZone new_york = zone("America/New_York");
  SECTION("winter: EST is UTC-5") {
    CHECK(time_us("2016-12-22T10:32:05", new_york) - time_us("2016-12-22T10:32:05", utc) ==
          5 * kHourS * kUs);
  }
  SECTION("summer: EDT is UTC-4") {
    CHECK(time_us("2016-07-01T12:00:00", new_york) == (1467374400 + 4 * kHourS) * kUs);
  }
  SECTION("the repeated hour of the autumn change takes the earlier instant (EDT)") {
    CHECK(time_us("2016-11-06T01:30:00", new_york) == (1478395800 + 4 * kHourS) * kUs);
  }
  SECTION("a time inside the spring gap cannot have been printed there") {
    Result<std::optional<int64_t>> gap = parse_slurm_time_us("2017-03-12T02:30:00", new_york);
    REQUIRE_FALSE(gap.ok());
    CHECK_THAT(gap.status().message(),
               Catch::Contains("America/New_York") && Catch::Contains("daylight-saving gap"));
  }
  SECTION("the southern hemisphere: VLSCI bruce ran in Melbourne (AEDT, UTC+11, in February)") {
    CHECK(time_us("2014-02-25T15:48:53", zone("Australia/Melbourne")) ==
          (1393343333 - 11 * kHourS) * kUs);
  }
}

TEST_CASE("Unknown, None, N/A and empty are no time; garbage is an error", "[ingest][slurm]") {
  for (std::string_view none : {"Unknown", "None", "N/A", "", "(null)"}) {
    Result<std::optional<int64_t>> parsed = parse_slurm_time_us(none, TimeZone::utc());
    REQUIRE(parsed.ok());
    CHECK_FALSE(parsed->has_value());
  }
  for (std::string_view garbage :
       {"2016-13-01T00:00:00", "2016-02-30T00:00:00", "2016-12-22 10:32:05", "2016-12-22T24:00:00",
        "2016-12-22T10:32:05Z", "yesterday", "2016-12-22", "2016-12-22T10:32:5x"}) {
    Result<std::optional<int64_t>> parsed = parse_slurm_time_us(garbage, TimeZone::utc());
    INFO(garbage);
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("is not a time"));
  }
  CHECK(parse_slurm_time_us("2016-02-29T00:00:00", TimeZone::utc()).ok());  // leap day
}

TEST_CASE("Zone names: UTC needs no tzdb, unknown names are errors", "[ingest][slurm]") {
  CHECK(zone("UTC").is_utc());
  CHECK(zone("Etc/UTC").is_utc());
  CHECK_FALSE(zone("Europe/Stockholm").is_utc());
  Result<TimeZone> bad = TimeZone::locate("Mars/Olympus_Mons");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("Mars/Olympus_Mons"));
  CHECK_FALSE(TimeZone::locate("").ok());
  CHECK_FALSE(TimeZone::locate(std::string(1000, 'A')).ok());
}

int64_t duration_s(std::string_view text) {
  Result<SlurmDuration> parsed = parse_slurm_duration(text);
  INFO(text << " -> " << parsed.status().to_string());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_seconds());
  return parsed->seconds;
}

TEST_CASE("Durations as sacct and squeue print them", "[ingest][slurm]") {
  CHECK(duration_s("10-13:27:06") == ((10 * 24 + 13) * 60 + 27) * 60 + 6);  // phillips row 1
  CHECK(duration_s("125-00:00:00") == 125 * 24 * kHourS);
  CHECK(duration_s("00:00:24") == 24);
  CHECK(duration_s("3:52:31") == 3 * kHourS + 52 * 60 + 31);  // ood squeue TIME
  CHECK(duration_s("35:16") == 35 * 60 + 16);                 // ood squeue TIME_LEFT
  CHECK(duration_s("2-12") == (2 * 24 + 12) * kHourS);
  CHECK(duration_s("2-12:30") == (2 * 24 + 12) * kHourS + 30 * 60);
  CHECK(duration_s("00:00:01.234") == 1);
  CHECK(parse_slurm_duration("UNLIMITED")->kind == SlurmDuration::Kind::kUnlimited);
  CHECK(parse_slurm_duration("Partition_Limit")->kind == SlurmDuration::Kind::kPartitionLimit);
  CHECK(parse_slurm_duration("INVALID")->kind == SlurmDuration::Kind::kNone);  // ood TIME_LEFT
  CHECK(parse_slurm_duration("")->kind == SlurmDuration::Kind::kNone);
  for (std::string_view bad : {"12", "1-24:00:00", "00:60:00", "00:00:60", "1:2:3:4", "-1:00",
                               "1--2:00:00", "abc", "00:00:01.", "99999999-00:00:00"}) {
    INFO(bad);
    CHECK_FALSE(parse_slurm_duration(bad).ok());
  }
}

TEST_CASE("ReqMem: bytes and whether they are per node or per CPU", "[ingest][slurm]") {
  constexpr uint64_t kMiB = uint64_t{1} << 20;
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  using Per = ReqMem::Per;
  // phillips row 3: 2^31 + 3000, SLURM's MEM_PER_CPU bit printed as part of the number.
  CHECK(*parse_req_mem("2147486648Mn") == ReqMem{3000 * kMiB, Per::kCpu, true});
  CHECK(*parse_req_mem("2147483648Mn") == ReqMem{0, Per::kCpu, true});
  CHECK(*parse_req_mem("2147483647Mn") == ReqMem{2147483647 * kMiB, Per::kNode});
  CHECK(*parse_req_mem("2147486648Gn") == ReqMem{2147486648 * kGiB, Per::kNode});
  CHECK(*parse_req_mem("4000Mc") == ReqMem{4000 * kMiB, Per::kCpu});
  CHECK(*parse_req_mem("2Gc") == ReqMem{2 * kGiB, Per::kCpu});  // alogger bruce
  CHECK(*parse_req_mem("1Tn") == ReqMem{uint64_t{1} << 40, Per::kNode});
  CHECK(*parse_req_mem("2.50Gn") == ReqMem{5 * kGiB / 2, Per::kNode});  // pozidriv
  CHECK(*parse_req_mem("0n") == ReqMem{0, Per::kNode});  // xdmod-unit accounting-logs
  CHECK(*parse_req_mem("4556M") == ReqMem{4556 * kMiB, Per::kUnspecified});  // ood squeue
  for (std::string_view bad :
       {"", "Mn", "12Xn", "12Mx", "1.2345Gn", "99999999999999999Pn", "12 Mn", "-1Mn"}) {
    INFO(bad);
    CHECK_FALSE(parse_req_mem(bad).ok());
  }
}

TEST_CASE("Exit codes are status:signal", "[ingest][slurm]") {
  CHECK(*parse_exit_code("0:0") == ExitCode{0, 0});
  CHECK(*parse_exit_code("3:0") == ExitCode{3, 0});
  CHECK(*parse_exit_code("0:15") == ExitCode{0, 15});
  for (std::string_view bad : {"", "3", "3:", ":0", "256:0", "a:b", "1:2:3"}) {
    INFO(bad);
    CHECK_FALSE(parse_exit_code(bad).ok());
  }
}

TEST_CASE("States: long words, squeue codes, 'CANCELLED by N', unknown words kept",
          "[ingest][slurm]") {
  const SlurmState cancelled = parse_slurm_state("CANCELLED by 380693");  // phillips row 1
  CHECK(cancelled.state == fb::JobState::CANCELLED);
  CHECK(cancelled.raw == "CANCELLED by 380693");
  CHECK(cancelled.by_uid == std::optional<uint32_t>(380693));
  CHECK(parse_slurm_state("CANCELLED by 0").by_uid == std::optional<uint32_t>(0));

  auto [text, expected] = GENERATE(table<const char*, fb::JobState>({
      {"COMPLETED", fb::JobState::COMPLETED},
      {"FAILED", fb::JobState::FAILED},
      {"TIMEOUT", fb::JobState::TIMEOUT},
      {"NODE_FAIL", fb::JobState::NODE_FAIL},
      {"PREEMPTED", fb::JobState::PREEMPTED},
      {"OUT_OF_MEMORY", fb::JobState::OUT_OF_MEMORY},
      {"RUNNING", fb::JobState::RUNNING},
      {"PENDING", fb::JobState::PENDING},
      {"REQUEUED", fb::JobState::REQUEUED},
      {"BOOT_FAIL", fb::JobState::BOOT_FAIL},
      {"DEADLINE", fb::JobState::DEADLINE},
      {"SUSPENDED", fb::JobState::SUSPENDED},
      {"REVOKED", fb::JobState::REVOKED},
      {"CANCELLED+", fb::JobState::CANCELLED},
      {"PD", fb::JobState::PENDING},
      {"R", fb::JobState::RUNNING},
      {"CG", fb::JobState::COMPLETING},
      {"CD", fb::JobState::COMPLETED},
      {"CA", fb::JobState::CANCELLED},
      {"F", fb::JobState::FAILED},
      {"TO", fb::JobState::TIMEOUT},
      {"NF", fb::JobState::NODE_FAIL},
      {"PR", fb::JobState::PREEMPTED},
      {"OOM", fb::JobState::OUT_OF_MEMORY},
      {"BF", fb::JobState::BOOT_FAIL},
      {"DL", fb::JobState::DEADLINE},
      {"S", fb::JobState::SUSPENDED},
      {"RQ", fb::JobState::REQUEUED},
      {"RH", fb::JobState::REQUEUE_HOLD},
      {"RS", fb::JobState::RESIZING},
      {"RV", fb::JobState::REVOKED},
      {"SE", fb::JobState::SPECIAL_EXIT},
      {"ST", fb::JobState::STOPPED},
      {"CF", fb::JobState::RUNNING},
      {"FOO", fb::JobState::UNKNOWN},
      {"BAR", fb::JobState::UNKNOWN},
      {"", fb::JobState::UNKNOWN},
      {"ENDED", fb::JobState::UNKNOWN},
  }));
  CAPTURE(text);
  const SlurmState state = parse_slurm_state(text);
  CHECK(state.state == expected);
  CHECK(state.raw == text);
}

uint64_t nodes(std::string_view hostlist) {
  Result<uint64_t> count = count_hostlist_nodes(hostlist);
  INFO(hostlist << " -> " << count.status().to_string());
  REQUIRE(count.ok());
  return *count;
}

TEST_CASE("Hostlists: node counts and bounded expansion", "[ingest][slurm]") {
  CHECK(nodes("bruce[006-010,130]") == 6);  // alogger bruce, line 194
  CHECK(nodes("cpn-f13-03-[01-02],cpn-f13-04-[01-02],cpn-f13-05-[01-02],cpn-f13-06-[01-02]") ==
        8);  // phillips row 2: NNodes 8
  CHECK(nodes("cpn-f13-03-[01-02],cpn-f13-04-01") == 3);
  CHECK(nodes("d09n04s[01-02],d13n[03,05,07-08,16]") == 7);
  CHECK(nodes("cpn-f11-31") == 1);
  CHECK(nodes("rack[1-2]-node[01-04]") == 8);
  CHECK(nodes("None assigned") == 0);
  CHECK(nodes("(null)") == 0);
  CHECK(nodes("") == 0);

  Result<std::vector<std::string>> names = expand_hostlist("bruce[006-010,130]");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"bruce006", "bruce007", "bruce008", "bruce009",
                                           "bruce010", "bruce130"});
  CHECK(*expand_hostlist("n[9-11],x") == std::vector<std::string>{"n9", "n10", "n11", "x"});
  CHECK(*expand_hostlist("r[1-2]n[1-2]") ==
        std::vector<std::string>{"r1n1", "r1n2", "r2n1", "r2n2"});

  Result<std::vector<std::string>> huge = expand_hostlist("n[1-999999999]");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().code() == Status::Code::kLimitExceeded);
  CHECK(nodes("n[1-999999999]") == 999999999);  // counting does not expand
  CHECK(count_hostlist_nodes("n[1-99999][1-99999][1-99999]").status().code() ==
        Status::Code::kLimitExceeded);
  for (std::string_view bad :
       {"n[1-2", "n1-2]", "n[2-1]", "n[]", "n[a-b]", "a,,b", "n[[1]]", "n[1-]"}) {
    INFO(bad);
    CHECK_FALSE(count_hostlist_nodes(bad).ok());
  }
}

}  // namespace
}  // namespace jobtrail::ingest::slurm
