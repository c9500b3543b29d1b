// Tests for the PBS accounting parser on every line of the three real logs bundled in
// data/pbs/ (see the data README, "pbs/" and "Format quirks worth testing"), plus hand-made
// lines for each form of the grammar and for bad input.
#include "ingest/pbs/pbs_parser.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/captured_data.h"

namespace jobtrail::ingest::pbs {
namespace {

constexpr int64_t kUs = 1'000'000;
constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024;

TimeZone zone(std::string_view name) {
  Result<TimeZone> located = TimeZone::locate(name);
  REQUIRE(located.ok());
  return *located;
}

PbsRecord parse(std::string_view line, const TimeZone& in = TimeZone::utc()) {
  auto parsed = parse_pbs_line(line, in);
  INFO(line);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->has_value());
  return std::move(**parsed);
}

std::string error(std::string_view line, const TimeZone& in = TimeZone::utc()) {
  auto parsed = parse_pbs_line(line, in);
  INFO(line);
  REQUIRE_FALSE(parsed.ok());
  return parsed.status().message();
}

// Every line of a bundled file: records by type, and the header lines skipped.
struct FileScan {
  std::map<char, int> types;
  int noise = 0;
  std::vector<PbsRecord> records;
};

FileScan scan(const std::string& name, const TimeZone& in) {
  const std::string text = testing::read_captured("pbs", name);
  FileScan result;
  for (std::string_view line : testing::split_lines(text)) {
    auto parsed = parse_pbs_line(line, in);
    INFO(name << ": " << line);
    REQUIRE(parsed.ok());  // no line of the real files is quarantined
    if (!parsed->has_value()) {
      ++result.noise;
      continue;
    }
    CHECK((*parsed)->raw == line);  // byte-exact, trailing spaces included
    ++result.types[(*parsed)->type];
    result.records.push_back(std::move(**parsed));
  }
  return result;
}

const PbsRecord& find(const FileScan& s, char type, std::string_view id) {
  for (const PbsRecord& r : s.records) {
    if (r.type == type && r.id == id) return r;
  }
  FAIL("no " << type << " record for " << id);
  throw;
}

TEST_CASE("every line of the CESNET OpenPBS log parses: Q S E L records and 2 header lines",
          "[ingest][pbs]") {
  const FileScan s = scan("fairsharesim-cesnet-openpbs.log", zone("Europe/Prague"));
  CHECK(s.noise == 2);
  CHECK(s.types == std::map<char, int>{{'Q', 200}, {'S', 200}, {'E', 200}, {'L', 54}});
  for (const PbsRecord& r : s.records) {
    if (r.type == 'L') {
      CHECK(r.id == "license");
      CHECK_FALSE(r.job.has_value());
      CHECK(r.text == "floating license hour:0 day:0 month:0 max:0");
      CHECK(r.attributes.empty());
      continue;
    }
    REQUIRE(r.job.has_value());
    CHECK(r.job->server == "torque1.grid.cesnet.cz");
    CHECK((r.user == "vchlum" || r.user == "klusacek"));  // the README's 2 users
    CHECK(r.group == "meta");
    CHECK(r.queue == "workq");
    REQUIRE(r.ncpus.has_value());
    // The server's local zone is Europe/Prague: a Q record is written at its job's ctime.
    if (r.type == 'Q') CHECK(r.time_us == *r.ctime_s * kUs);
    if (r.type == 'E') {
      CHECK(r.exit_status == 0);
      CHECK(r.attribute("resources_used.diag_messages") != nullptr);
      CHECK(*r.attribute("resources_used.diag_messages") == "{}");  // quotes dropped
    }
  }
  const PbsRecord& s1 = find(s, 'S', "112461.torque1.grid.cesnet.cz");
  CHECK(s1.time_text == "12/21/2024 17:58:09");
  CHECK(s1.time_us == 1734800289 * kUs);
  CHECK(s1.ncpus == 2u);
  REQUIRE(s1.exec_host.size() == 1);
  CHECK(s1.exec_host[0].host == "torque2");
  CHECK(s1.exec_host[0].ncpus == 2);
  REQUIRE(s1.exec_vnode.size() == 2);
  CHECK(s1.exec_vnode[1].mem_bytes == 307200 * kKiB);
  CHECK(s1.mem_requested_bytes == 600 * kMiB);
  CHECK(s1.walltime_limit_s == 2 * 3600);
  const PbsRecord& e1 = find(s, 'E', "112461.torque1.grid.cesnet.cz");
  CHECK(e1.end_s == 1734802095);
  CHECK(e1.walltime_used_s == 30 * 60 + 1);
  CHECK(e1.run_count == 1u);
}

TEST_CASE("every line of the VPAC Torque log parses: Q S E D records, S lines end in a space",
          "[ingest][pbs]") {
  const TimeZone melbourne = zone("Australia/Melbourne");
  const FileScan s = scan("alogger-vpac-tango-torque.log", melbourne);
  CHECK(s.noise == 0);
  CHECK(s.types == std::map<char, int>{{'Q', 17}, {'S', 16}, {'E', 22}, {'D', 2}});
  const PbsRecord& q = find(s, 'Q', "942347.tango-m.vpac.org");
  CHECK(q.queue == "run_1_day");
  CHECK(q.attributes.size() == 1);
  CHECK_FALSE(q.ctime_s.has_value());
  // Torque's Q record carries no ctime; its time in the server's zone is the ctime the later
  // S record reports.
  CHECK(q.time_us == *find(s, 'S', "942347.tango-m.vpac.org").ctime_s * kUs);
  const PbsRecord& st = find(s, 'S', "942337.tango-m.vpac.org");
  CHECK(st.raw.back() == ' ');
  CHECK(st.user == "blair");
  CHECK(st.account == "TestProject1");
  CHECK(st.owner == "blair@ng2.vpac.org");
  CHECK(st.start_s == 1270126302);
  CHECK(st.ncpus == 1u);
  CHECK(*st.attribute("Resource_List.walltime") == "72:00:00");  // no trailing space kept
  CHECK(st.walltime_limit_s == 72 * 3600);
  const PbsRecord& d = find(s, 'D', "942260.tango-m.vpac.org");
  CHECK(d.requestor == "philipn@tango.vpac.org");
  const PbsRecord& killed = find(s, 'E', "942260.tango-m.vpac.org");
  CHECK(killed.exit_status == 271);  // 256 + SIGTERM: deleted while running
  CHECK(*killed.end_s * kUs == d.time_us);
  CHECK(killed.mem_used_bytes == 49356 * kKiB);
  CHECK(killed.cput_used_s == 51 * 60 + 30);
}

TEST_CASE("every line of the xdmod PBS log parses, with each exec_host and GPU form",
          "[ingest][pbs]") {
  const FileScan s = scan("xdmod-unit-pbs-accounting-logs.log", TimeZone::utc());
  CHECK(s.types == std::map<char, int>{{'E', 9}});

  const PbsRecord& edge = find(s, 'E', "6.edge.ccr.buffalo.edu");
  CHECK(edge.job->id == 6);
  CHECK(edge.job->server == "edge.ccr.buffalo.edu");
  CHECK(edge.ncpus == 32u);  // n/7+n/6+...: 8 slots on each of 4 hosts
  REQUIRE(edge.exec_host.size() == 4);
  CHECK(edge.exec_host[0].host == "i02n33");
  CHECK(edge.exec_host[0].ncpus == 8);
  const PbsRecord& bare = find(s, 'E', "6");
  CHECK(bare.job->server.empty());
  CHECK_FALSE(*bare.job == *edge.job);

  const PbsRecord& anon = find(s, 'E', "6464684.anonhost");
  CHECK(anon.ncpus == 4u);  // exec_host's 4 CPUs, not Torque's Resource_List.ncpus=1
  CHECK(anon.account == "anonaccount");
  CHECK(anon.mem_requested_bytes == 1993 * kMiB);
  CHECK(anon.exit_status == 1);

  const PbsRecord& star = find(s, 'E', "2994.pbs");  // c1/0*13+...
  REQUIRE(star.exec_host.size() == 5);
  CHECK(star.exec_host[4].host == "c5");
  CHECK(star.exec_host[4].ncpus == 13);
  REQUIRE(star.exec_vnode.size() == 5);
  CHECK(star.exec_vnode[0].ncpus == 13);
  CHECK(star.ncpus == 65u);
  CHECK(star.project == "_pbs_project_default");

  const PbsRecord& ranges = find(s, 'E', "2995.pbs");  // c1/0-3+c2/0-7
  REQUIRE(ranges.exec_host.size() == 2);
  CHECK(ranges.exec_host[0].ncpus == 4);
  CHECK(ranges.exec_host[1].ncpus == 8);
  CHECK(ranges.ncpus == 12u);

  const PbsRecord& gpu1 = find(s, 'E', "7904");  // nodes=1:ppn=28:gpus=1:default
  CHECK(gpu1.ncpus == 28u);
  CHECK(gpu1.ngpus == 1u);
  CHECK_FALSE(gpu1.qtime_s.has_value());
  const PbsRecord& gpu2 = find(s, 'E', "10711");  // nodect=1:ppn=24:gpu=4:...; mem in M
  CHECK(gpu2.nodect == 1u);
  CHECK(gpu2.ncpus == 28u);
  CHECK(gpu2.mem_used_bytes == uint64_t(12.27 * kMiB));
  CHECK(gpu2.vmem_used_bytes == uint64_t(295.56 * kMiB));
  const PbsRecord& gpu3 = find(s, 'E', "10712");  // Resource_List.gpu=2
  CHECK(gpu3.ngpus == 2u);

  const PbsRecord& bracket = find(s, 'E', "3073070.[hostname_1]");
  CHECK(bracket.job->server == "[hostname_1]");
  CHECK(bracket.user == "[user_1]");
  CHECK(bracket.exit_status == 271);
  CHECK(bracket.ncpus == 48u);  // resources_used.ncpus; exec_host says "/0*0"
  CHECK(bracket.ngpus == 4u);
  REQUIRE(bracket.exec_vnode.size() == 2);
  CHECK(bracket.exec_vnode[0].host == "[hostname_2][1]");
  CHECK(bracket.exec_vnode[0].mem_bytes == 190000128 * kKiB);
  CHECK(bracket.exec_vnode[0].ngpus == 2);
  CHECK(bracket.exec_host.at(0).ncpus == 0);
  CHECK(bracket.walltime_used_s == 10 * 3600 + 66);
}

TEST_CASE("quoted values may hold spaces and the quotes are dropped", "[ingest][pbs]") {
  const PbsRecord r = parse(
      "01/02/2020 03:04:05;Q;7.srv;jobname=\"my job; x=1\" queue=batch note='a b' Exit_status=0");
  CHECK(r.job_name == "my job; x=1");
  CHECK(r.queue == "batch");
  CHECK(*r.attribute("note") == "a b");
  CHECK(r.attributes.size() == 4);
}

TEST_CASE("an unquoted value runs to the next name=", "[ingest][pbs]") {
  const PbsRecord r = parse("01/02/2020 03:04:05;S;7.srv;jobname=two words user=al  ");
  CHECK(r.job_name == "two words");
  CHECK(r.user == "al");
}

TEST_CASE("every record type is kept, unknown letters and reservations included", "[ingest][pbs]") {
  for (char type : std::string("QSEDARCTMBKkUYFLZa")) {
    const std::string id = type == 'L' ? "license" : "123.srv";
    const PbsRecord r = parse("01/02/2020 03:04:05;" + std::string(1, type) + ";" + id + ";x=1");
    CHECK(r.type == type);
    CHECK(*r.attribute("x") == "1");
  }
  const PbsRecord reservation = parse("01/02/2020 03:04:05;B;R123.srv;owner=al@h");
  CHECK_FALSE(reservation.job.has_value());  // a reservation id, kept as text
  CHECK(reservation.id == "R123.srv");
  const PbsRecord aborted =
      parse("01/02/2020 03:04:05;A;9.srv;Job deleted as result of dependency on job 8.srv");
  CHECK(aborted.job->id == 9);
  CHECK(aborted.text == "Job deleted as result of dependency on job 8.srv");
  CHECK(error("01/02/2020 03:04:05;E;R12.srv;x=1").find("job key") != std::string::npos);
}

TEST_CASE("array job ids parse with the shared job key parser", "[ingest][pbs]") {
  const PbsRecord task = parse("01/02/2020 03:04:05;S;123[4].srv;user=a");
  CHECK(task.job->kind == JobKey::Kind::kArrayTask);
  CHECK(task.job->index == 4);
  CHECK(task.job->format() == "123[4].srv");
  const PbsRecord parent = parse("01/02/2020 03:04:05;Q;123[].srv;queue=q");
  CHECK(parent.job->kind == JobKey::Kind::kArrayRemainder);
  CHECK(parent.job->format() == "123[].srv");
}

TEST_CASE("header noise and blank lines are not records", "[ingest][pbs]") {
  for (std::string_view line : {"", "   ", "; UnixStartTime: 1734800289", ";", "# comment"}) {
    auto parsed = parse_pbs_line(line, TimeZone::utc());
    REQUIRE(parsed.ok());
    CHECK_FALSE(parsed->has_value());
  }
}

TEST_CASE("the record time is read in the configured zone and kept as written", "[ingest][pbs]") {
  const std::string line = "04/01/2010 23:51:42;Q;1.srv;queue=q";
  CHECK(parse(line).time_us == 1270165902 * kUs);                // UTC by default
  const PbsRecord r = parse(line, zone("Australia/Melbourne"));  // AEDT, +11
  CHECK(r.time_us == (1270165902 - 11 * 3600) * kUs);
  CHECK(r.time_text == "04/01/2010 23:51:42");
  // 2:30 on the first Sunday of October 2010 did not exist in Melbourne.
  CHECK(error("10/03/2010 02:30:00;Q;1.srv;queue=q", zone("Australia/Melbourne"))
            .find("daylight-saving gap") != std::string::npos);
}

TEST_CASE("Exit_status keeps signal kills above 256 and negative launch failures",
          "[ingest][pbs]") {
  CHECK(parse("01/02/2020 03:04:05;E;1.s;Exit_status=271").exit_status == 271);
  CHECK(parse("01/02/2020 03:04:05;E;1.s;Exit_status=-3").exit_status == -3);
  CHECK(error("01/02/2020 03:04:05;E;1.s;Exit_status=x").find("Exit_status") == 0);
  CHECK_FALSE(
      parse_pbs_line("01/02/2020 03:04:05;E;1.s;Exit_status=99999999999", TimeZone::utc()).ok());
}

TEST_CASE("sizes take every PBS unit, fractions included", "[ingest][pbs]") {
  CHECK(*parse_pbs_size_bytes("15240kb") == 15240 * kKiB);
  CHECK(*parse_pbs_size_bytes("300mb") == 300 * kMiB);
  CHECK(*parse_pbs_size_bytes("2gb") == 2048 * kMiB);
  CHECK(*parse_pbs_size_bytes("1tb") == kMiB * kMiB);
  CHECK(*parse_pbs_size_bytes("12.27M") == uint64_t(12.27 * kMiB));
  CHECK(*parse_pbs_size_bytes("4GB") == 4096 * kMiB);
  CHECK(*parse_pbs_size_bytes("100") == 100);
  CHECK(*parse_pbs_size_bytes("100b") == 100);
  CHECK(*parse_pbs_size_bytes("2w") == 16);
  CHECK(*parse_pbs_size_bytes("1kw") == 8 * kKiB);
  for (std::string_view bad : {"", "kb", "1.kb", "12xb", "1zb", "-1kb", "99999999999999999pb"}) {
    INFO(bad);
    CHECK_FALSE(parse_pbs_size_bytes(bad).ok());
  }
}

TEST_CASE("durations are [[hh:]mm:]ss with hours beyond a day", "[ingest][pbs]") {
  CHECK(*parse_pbs_duration_s("144:00:00") == 144 * 3600);
  CHECK(*parse_pbs_duration_s("00:36:37") == 36 * 60 + 37);
  CHECK(*parse_pbs_duration_s("05:10") == 310);
  CHECK(*parse_pbs_duration_s("3600") == 3600);
  CHECK(*parse_pbs_duration_s("10.5") == 10);
  for (std::string_view bad : {"", ":", "1:2:3:4", "a:00", "1::2", "1.x"}) {
    INFO(bad);
    CHECK_FALSE(parse_pbs_duration_s(bad).ok());
  }
}

TEST_CASE("exec_host counts CPUs per host in every form", "[ingest][pbs]") {
  auto hosts = parse_exec_host("n1/0+n1/1+n2/0*4+n3/0-3,8,10-11+n1/5+bare");
  REQUIRE(hosts.ok());
  REQUIRE(hosts->size() == 4);
  CHECK((*hosts)[0].host == "n1");
  CHECK((*hosts)[0].ncpus == 3);
  CHECK((*hosts)[1].ncpus == 4);
  CHECK((*hosts)[2].ncpus == 7);
  CHECK((*hosts)[3].host == "bare");
  CHECK((*hosts)[3].ncpus == 1);
  for (std::string_view bad : {"/0", "n/", "n/3-1", "n/x", "n/0*", "n1/0++n2/0"}) {
    INFO(bad);
    CHECK_FALSE(parse_exec_host(bad).ok());
  }
}

TEST_CASE("exec_vnode sums CPUs, GPUs and memory per vnode", "[ingest][pbs]") {
  auto vnodes = parse_exec_vnode("(a:ncpus=2:mem=1gb+b:ncpus=3:ngpus=1)+(c:ncpus=4)");
  REQUIRE(vnodes.ok());
  REQUIRE(vnodes->size() == 3);
  CHECK((*vnodes)[0].mem_bytes == 1024 * kMiB);
  CHECK((*vnodes)[1].ngpus == 1);
  CHECK((*vnodes)[2].ncpus == 4);
  CHECK_FALSE(parse_exec_vnode("(a:ncpus=2").ok());
  CHECK_FALSE(parse_exec_vnode("a:ncpus=x").ok());
}

TEST_CASE("CPUs and GPUs come from the nodes spec when nothing better is given", "[ingest][pbs]") {
  const PbsRecord r =
      parse("01/02/2020 03:04:05;Q;1.s;Resource_List.nodes=2:ppn=8:gpus=2+n9:ppn=4");
  CHECK(r.ncpus == 20u);
  CHECK(r.ngpus == 4u);
  const PbsRecord ncpus = parse("01/02/2020 03:04:05;Q;1.s;Resource_List.ncpus=6");
  CHECK(ncpus.ncpus == 6u);
  CHECK_FALSE(ncpus.ngpus.has_value());
}

TEST_CASE("malformed lines are errors that say what was wrong", "[ingest][pbs]") {
  CHECK(error("13/02/2020 03:04:05;Q;1.s;queue=q").find("a time") != std::string::npos);
  CHECK(error("2020-01-02 03:04:05;Q;1.s;queue=q").find("a time") != std::string::npos);
  CHECK(error("02/30/2020 03:04:05;Q;1.s;queue=q").find("a time") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;1.s").find("time;type;id") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;QQ;1.s;x=1").find("record type") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;;x=1").find("no id") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;abc.s;x=1").find("job key") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;1.s;jobname='open").find("unterminated") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;1.s;a='x'y").find("closing quote") != std::string::npos);
  CHECK(error("01/02/2020 03:04:05;Q;1.s;ctime=soon").find("ctime") == 0);
  const std::string garbage("\x00\xff\x01;\x02;\x03;\x04", 10);
  CHECK(error(garbage).find("a time") != std::string::npos);
}

TEST_CASE("a 1 MB line and a line of many attributes are bounded", "[ingest][pbs]") {
  const std::string huge = "01/02/2020 03:04:05;Q;1.s;jobname=" + std::string(1 << 20, 'x');
  CHECK(parse(huge).job_name.size() == 1 << 20);
  std::string many = "01/02/2020 03:04:05;Q;1.s;";
  for (std::size_t i = 0; i <= record_attributes_max; ++i) many += "a" + std::to_string(i) + "=1 ";
  CHECK(error(many).find("attributes") != std::string::npos);
}

}  // namespace
}  // namespace jobtrail::ingest::pbs
