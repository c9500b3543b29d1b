// SwfParser: pure parser of the Standard Workload Format (Parallel Workloads Archive).
//
// Text in, records out, no I/O. The importer feeds it one line at a time with the line's byte
// offset; the parser keeps only the header it has seen so far.
//
// Grammar (https://www.cs.huji.ac.il/labs/parallel/workload/swf.html):
//   file    := line*
//   line    := header | blank | record
//   header  := ';' text                 e.g. "; UnixStartTime: 1027839845"
//   blank   := whitespace*              (the last line of some traces is only spaces)
//   record  := ws* field (ws+ field){17} [ws+ '{' nodes '}' ws+ queue_name ws+ nodespec] ws*
//
// The 18 standard fields, in order (-1 = unknown):
//   1 job number, 2 submit time (s since UnixStartTime), 3 wait time (s), 4 run time (s),
//   5 allocated processors, 6 average CPU time used (s, may be a float: "552.21"),
//   7 used memory (KB), 8 requested processors, 9 requested time (s), 10 requested memory (KB),
//   11 status (1 completed, 0 failed, 5 cancelled, 2/3/4 partial executions, -1 unknown),
//   12 user id, 13 group id, 14 executable id, 15 queue, 16 partition,
//   17 preceding job, 18 think time (s).
// Alea's extended SWF has 21 columns: the 18 above (memory in bytes there), then
//   19 "{node,node,...}" (one entry per CPU), 20 queue name ("q_1d"), 21 a PBS nodespec.
// AleaNG writes a user *name* ("user_A") in column 12; it is kept as text in `user`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "events/status.h"

namespace jobtrail::ingest::swf {

struct SwfHeader {
  std::optional<int64_t> unix_start_time;  // "; UnixStartTime: N" (epoch seconds)
  std::optional<int64_t> time_zone_s;      // "; TimeZone: N" (legacy offset in seconds)
  std::string time_zone_string;            // "; TimeZoneString: Europe/Stockholm"
  std::string version;                     // "; Version: 2.2"
  std::string computer;                    // "; Computer: ..."
  std::string installation;                // "; Installation: ..."
  std::optional<int64_t> max_jobs;
  std::optional<int64_t> max_records;
  std::map<int64_t, std::string> queues;      // "; Queue:  1 [fque:1]" -> {1, "[fque:1]"}
  std::map<int64_t, std::string> partitions;  // "; Partition:  1 DEFAULT" -> {1, "DEFAULT"}
};

struct SwfRecord {
  int64_t job_number = -1;
  int64_t submit_s = -1;  // relative to the header's UnixStartTime
  int64_t wait_s = -1;
  int64_t run_s = -1;
  int64_t procs_allocated = -1;
  double cpu_time_average_s = -1;
  double memory_used_kb = -1;  // bytes in the extended variant: see `extended`
  int64_t procs_requested = -1;
  int64_t time_requested_s = -1;
  double memory_requested_kb = -1;
  int64_t status = -1;
  int64_t user_id = -1;
  std::string user;  // the column as written when it is not a number ("user_A"), else empty
  int64_t group_id = -1;
  int64_t executable_id = -1;
  int64_t queue = -1;
  int64_t partition = -1;
  int64_t preceding_job = -1;
  int64_t think_time_s = -1;

  bool extended = false;   // 21-column Alea variant
  std::string nodes;       // column 19 without braces: "1241,1241,..."
  std::string queue_name;  // column 20
  std::string nodespec;    // column 21
};

// What one line turned out to be.
struct SwfHeaderLine {};  // consumed into the parser's header
struct SwfBlankLine {};
using SwfLine = std::variant<SwfHeaderLine, SwfBlankLine, SwfRecord>;

class SwfParser {
 public:
  // `line` excludes the '\n' (a trailing '\r' is tolerated). A malformed line returns
  // Status::invalid_argument with a reason a person can act on ("field 4 (run time) is
  // 'abc', not a number"); the parser stays usable for the next line.
  Result<SwfLine> parse_line(std::string_view line);

  const SwfHeader& header() const { return header_; }

 private:
  SwfHeader header_;
};

}  // namespace jobtrail::ingest::swf
