// SacctParser: pure parser of `sacct -p` / `sacct --parsable2` output.
//
// Text in, records out, no I/O. The caller says which fields sacct printed (the --format list)
// and in which time zone the command ran; then it feeds one line at a time.
//
// Grammar:
//   format  := name (',' name)*          case-insensitive; a "%N" width suffix is ignored
//                                        ("jobid,jobidraw,cluster,...,account%12")
//   output  := [header] row*
//   header  := name ('|' name)* ['|']    the field names as sacct prints them ("JobID|User|")
//   row     := value ('|' value)*        exactly N values (--parsable2, -P), or
//            | value ('|' value)* '|'    N values and a trailing '|' (-p): N+1 fields, last empty
//   job_id  := job_key [step]            job_key as JobKey::parse reads it (123, 123_4,
//                                        123_[1-3], 123+1); step := '.' word ("batch", "extern",
//                                        "0") — "1853+0.batch" is het component 0's batch step
// Values are never quoted, so a job name holding '|' makes a row with too many fields: that
// row is an error, not guessed at. Known fields are converted (times through TimeZone, states
// to the canonical JobState with the raw text kept); every field's text is kept as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/job_key.h"
#include "events/status.h"
#include "ingest/slurm/slurm_values.h"

namespace jobtrail::ingest::slurm {

// Fields in one --format list (sacct has ~110; a list longer than this is a mistake).
inline constexpr std::size_t sacct_fields_max = 256;

// The fields SacctRecord converts; any other name is kept as text only.
enum class SacctField : uint8_t {
  kOther,
  kJobId,
  kJobIdRaw,
  kCluster,
  kPartition,
  kQos,
  kAccount,
  kGroup,
  kGid,
  kUser,
  kUid,
  kSubmit,
  kEligible,
  kStart,
  kEnd,
  kElapsed,
  kExitCode,
  kState,
  kNNodes,
  kNCpus,
  kReqCpus,
  kReqMem,
  kReqTres,
  kAllocTres,
  kTimelimit,
  kNodeList,
  kJobName,
};

using SacctTime = SlurmTime;

struct SacctRecord {
  std::string job_id;  // as written: "4103947_[1-3]", "1853+0.batch"
  JobKey job_key;      // of job_id without its step suffix
  std::string step;    // "batch", "extern", "0"; empty for the job (allocation) line
  bool is_step = false;
  std::string job_id_raw;  // JobIDRaw ("4103947"); empty when not in the format
  std::string cluster, partition, qos, account, group, user;
  std::optional<uint32_t> gid, uid;
  SacctTime submit, eligible, start, end;
  std::optional<int64_t> elapsed_s;
  SlurmDuration timelimit;
  std::optional<ExitCode> exit_code;
  SlurmState state;
  std::optional<uint32_t> nnodes, ncpus, req_cpus;
  std::optional<ReqMem> req_mem;
  std::string req_tres, alloc_tres;
  std::string node_list;
  std::optional<uint64_t> node_count;  // nodes named by node_list (0 for "None assigned")
  std::string job_name;                // bytes as written (UTF-8 in practice, not checked)
  bool trailing_separator = false;     // the row came from `sacct -p`
  std::vector<std::string> fields;     // every value, in format order
};

// A line equal to the field names: `sacct -p` without --noheader.
struct SacctHeaderLine {};
struct SacctBlankLine {};
using SacctLine = std::variant<SacctHeaderLine, SacctBlankLine, SacctRecord>;

class SacctParser {
 public:
  // The field list given to `sacct --format`. Needs JobID or JobIDRaw; names not in
  // SacctField are accepted and kept as text.
  static Result<SacctParser> create(std::string_view format, TimeZone zone);

  // The field list read from a header line ("Cluster|JobID|User|...|", with or without the
  // trailing '|'), for captures that kept their header.
  static Result<SacctParser> from_header(std::string_view header_line, TimeZone zone);

  // `line` excludes the '\n' (one trailing '\r' is tolerated). A malformed line returns
  // Status::invalid_argument (limit_exceeded for an over-long line) whose message names the
  // field and quotes the text; the parser stays usable for the next line.
  Result<SacctLine> parse_line(std::string_view line) const;

  const std::vector<std::string>& field_names() const { return names_; }  // lower case
  // Index of a field in the format (case-insensitive), if present.
  std::optional<std::size_t> field_index(std::string_view name) const;
  const TimeZone& zone() const { return zone_; }

 private:
  SacctParser() = default;
  Status convert(std::size_t index, std::string_view value, SacctRecord& record) const;
  Status convert_job_id(std::string_view value, SacctRecord& record) const;
  bool is_header(const std::vector<std::string_view>& values) const;

  std::vector<std::string> names_;
  std::vector<SacctField> kinds_;
  TimeZone zone_;
};

}  // namespace jobtrail::ingest::slurm
