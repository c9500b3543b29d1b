// SqueueParser: pure parser of `squeue` output, given the format string squeue was run with.
//
// Text in, records out, no I/O. Two format syntaxes are accepted:
//   -o / --format   := literal (spec literal)*      spec := '%' ['.'] [width] letter
//                      "%i|%t|%j", "%.18i %.9P %.8j %.2t %R"; "%%" is a literal '%'
//   -O / --Format   := item (',' item)* [',']       item := name [':' ['.'] [width] [suffix]]
//                      "JobID:\x1F,Name:\x1F,State:\x1F," (Open OnDemand), "jobarrayid,state"
// A line is then split by one of three rules, chosen from the format's literals:
//   delimited  every column ends with the same non-blank separator ("|", "\x1F"), the last
//              column with it or with nothing. A row with more pieces than columns is repaired
//              only if the format has a NAME column (job names are the one free-text value
//              users choose): the columns left of NAME are taken from the left, the columns
//              right of it from the right, and NAME gets the middle, separators included.
//   aligned    the separators are blanks (or -O items without a suffix): runs of blanks split,
//              values were padded; the same NAME anchoring applies.
//   sequential mixed literals: each value ends at the first occurrence of its suffix.
// A row whose columns all equal squeue's column titles ("JOBID", "ST", "NODELIST(REASON)") is
// the header (titles repeat: %A and %i are both "JOBID", %g and %G both "GROUP").
//
// Values: job ids as JobKey (array forms "5_[1-20%5]", "32_4"); states long or compact, to the
// canonical JobState with the raw text kept; "(null)", "N/A", "INVALID" read as no value. Bytes
// are kept as written: a job name need not be UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/job_key.h"
#include "events/status.h"
#include "ingest/slurm/dependency_parser.h"
#include "ingest/slurm/slurm_values.h"

namespace jobtrail::ingest::slurm {

// Columns one squeue format may have (squeue knows ~100 fields).
inline constexpr std::size_t squeue_columns_max = 256;

// Open OnDemand's squeue format (OSC/ood_core lib/ood_core/job/adapters/slurm.rb,
// all_squeue_fields joined by ":\x1F,", run with --all --states=all --noconvert).
extern const std::string_view kOodSqueueFormat;

enum class SqueueField : uint8_t {
  kOther,
  kJobId,         // %A JobID: the job's own id ("123")
  kJobArrayId,    // %i JobArrayID: "29471683_9", "5_[1-20%5]"
  kArrayJobId,    // %F ArrayJobID
  kArrayTaskId,   // %K ArrayTaskID
  kName,          // %j
  kState,         // %T
  kStateCompact,  // %t
  kReason,        // %r
  kReasonList,    // %R: nodes when running, "(Reason)" otherwise
  kNodeList,      // %N
  kUser,          // %u
  kUid,           // %U
  kAccount,       // %a
  kGroup,         // %g
  kGid,           // %G
  kPartition,     // %P
  kQos,           // %q
  kNodes,         // %D
  kCpus,          // %C
  kTimeLimit,     // %l
  kTimeUsed,      // %M
  kTimeLeft,      // %L
  kSubmitTime,    // %V
  kStartTime,     // %S
  kEndTime,       // %e
  kMinMemory,     // %m
  kWorkDir,       // %Z
  kPriority,      // %Q
  kDependency,    // %E
};

struct SqueueColumn {
  SqueueField field = SqueueField::kOther;
  std::string title;    // squeue's column title ("JOBID"); empty when not known
  std::string suffix;   // literal text after the value
  bool padded = false;  // a width was given: values are padded with blanks
};

struct SqueueRecord {
  std::string job_id;      // %i when in the format, else %A: "29471683_9"
  JobKey job_key;          // of job_id
  std::string job_id_raw;  // %A: "123"
  std::string array_job_id, array_task_id;
  SlurmState state;           // from %T when present, else from %t
  std::string state_compact;  // %t as written
  std::string name, user, account, group, partition, qos, reason, node_list, work_dir, priority;
  std::optional<uint32_t> uid, gid, nodes, cpus;
  SlurmTime submit, start, end;
  SlurmDuration time_limit, time_used, time_left;
  std::optional<ReqMem> min_memory;          // "4956M"
  std::optional<uint64_t> node_count;        // nodes named by node_list
  std::optional<DependencySpec> dependency;  // %E (empty for "(null)"); absent: not shown
  bool name_repaired = false;                // NAME held the separator; anchored from both ends
  std::vector<std::string> fields;           // every value, in format order
};

struct SqueueHeaderLine {};
struct SqueueBlankLine {};
using SqueueLine = std::variant<SqueueHeaderLine, SqueueBlankLine, SqueueRecord>;

class SqueueParser {
 public:
  enum class Split : uint8_t { kDelimited, kAligned, kSequential };

  // `format` is the -o string when it holds a '%', else the -O list. Needs %i or %A.
  static Result<SqueueParser> create(std::string_view format, TimeZone zone);

  // `line` excludes the '\n' (one trailing '\r' is tolerated). A malformed line returns
  // Status::invalid_argument (limit_exceeded for an over-long line); the parser stays usable.
  Result<SqueueLine> parse_line(std::string_view line) const;

  const std::vector<SqueueColumn>& columns() const { return columns_; }
  Split split_rule() const { return split_; }

 private:
  SqueueParser() = default;
  Status finish_format(std::string_view format);
  Result<std::vector<std::string_view>> split_values(std::string_view line, bool* repaired) const;
  Result<std::vector<std::string_view>> split_sequential(std::string_view line) const;
  Result<std::vector<std::string_view>> anchor(std::vector<std::string_view> pieces,
                                               std::string_view line, bool* repaired) const;
  bool is_header(const std::vector<std::string_view>& values) const;
  Status convert(std::size_t index, std::string_view value, SqueueRecord& record) const;

  std::string prefix_;
  std::vector<SqueueColumn> columns_;
  Split split_ = Split::kDelimited;
  std::string separator_;  // kDelimited only
  std::optional<std::size_t> name_column_;
  TimeZone zone_;
};

}  // namespace jobtrail::ingest::slurm
