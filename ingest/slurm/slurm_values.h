// SLURM value parsers shared by the sacct and squeue parsers: times, durations, memory, exit
// codes, job states and hostlists. Text in, values out; nothing here throws.
//
// Grammar of the values, as sacct and squeue print them:
//   time      := YYYY '-' MM '-' DD 'T' hh ':' mm ':' ss      "2016-12-22T10:32:05"
//              | "Unknown" | "None" | "N/A" | "(null)" | ""       (no time)
//              local time of the machine that ran the command, no zone: TimeZone converts it.
//   duration  := [days '-'] hh ':' mm ':' ss ['.' frac]          "125-00:00:00", "3:52:31"
//              | [days '-'] hh [':' mm]                           "2-12", "2-12:30" (man sbatch)
//              | mm ':' ss                                        "35:16" (squeue, under an hour)
//              | "UNLIMITED" | "Partition_Limit" | "INVALID" | "N/A" | "NOT_SET" | ""
//   req_mem   := number [unit] [per]     number may have a fraction ("2.50Gn"); see ReqMem
//                                        for "2147486648Mn" (the MEM_PER_CPU bit)
//              unit := 'K' | 'M' | 'G' | 'T' | 'P'   (binary multiples; none = 'M')
//              per  := 'n' (per node) | 'c' (per CPU) | none (unspecified, SLURM >= 21.08)
//   exit_code := status ':' signal                                "0:15"
//   state     := word [' by ' uid] ['+']   "CANCELLED by 0"; '+' marks a truncated column
//              | short code                "PD", "CG", "OOM" (squeue %t)
//   hostlist  := item (',' item)*   item := text ('[' ranges ']' text)*
//              ranges := range (',' range)*   range := digits ['-' digits]
//              "bruce[006-010,130]" = 6 nodes; "None assigned", "(null)", "" = 0 nodes
//
// Time zones: SLURM prints local times without an offset, so the caller names the zone the
// command ran in (ingest/time_zone.h, shared with the PBS source). A local time in a DST fold
// takes the earlier instant; one inside a DST gap cannot have been printed by SLURM in that
// zone, so it is an error that names the zone (the zone given is probably wrong).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"
#include "ingest/time_zone.h"
#include "schemas/common_generated.h"

namespace jobtrail::ingest::slurm {

using ingest::TimeZone;  // moved to ingest/time_zone.h (shared with PBS)

// Nodes one hostlist may expand to (a whole large cluster fits; a typo like "n[1-999999999]"
// does not allocate).
inline constexpr std::size_t hostlist_expansion_nodes_max = 1 << 16;

// Nodes one hostlist may count (bounds the arithmetic, not memory).
inline constexpr uint64_t hostlist_count_nodes_max = uint64_t{1} << 32;

// Words that mean "no value" in SLURM output: "", "Unknown", "None", "N/A", "(null)".
bool is_no_value(std::string_view text);

// A time as SLURM printed it and what it means; epoch_us is empty for "Unknown", "N/A", ...
struct SlurmTime {
  std::optional<int64_t> epoch_us;
  std::string text;
};

// A SLURM time in `zone` -> µs since the epoch; std::nullopt for a "no time" word.
Result<std::optional<int64_t>> parse_slurm_time_us(std::string_view text, const TimeZone& zone);

struct SlurmDuration {
  enum class Kind : uint8_t { kNone, kSeconds, kUnlimited, kPartitionLimit };
  Kind kind = Kind::kNone;
  int64_t seconds = 0;  // kSeconds only; a fraction of a second is dropped

  bool has_seconds() const { return kind == Kind::kSeconds; }
  bool operator==(const SlurmDuration&) const = default;
};
Result<SlurmDuration> parse_slurm_duration(std::string_view text);

// SLURM keeps "per CPU" as bit 31 of the MiB count (MEM_PER_CPU = 0x80000000). Some slurmdbd
// versions print that bit as part of a per-node number: "2147486648Mn" is 2^31 + 3000, i.e.
// 3000 MiB per CPU (on every such row of the xdmod captures, NCPUS x 3000M equals AllocTRES
// mem=). A per-node or unmarked MiB count with bit 31 set is decoded that way.
inline constexpr uint64_t req_mem_per_cpu_flag_mib = uint64_t{1} << 31;

struct ReqMem {
  enum class Per : uint8_t { kUnspecified, kNode, kCpu };
  uint64_t bytes = 0;
  Per per = Per::kUnspecified;
  bool per_cpu_flag_decoded = false;  // the text carried the MEM_PER_CPU bit (see above)
  bool operator==(const ReqMem&) const = default;
};
Result<ReqMem> parse_req_mem(std::string_view text);

struct ExitCode {
  uint32_t status = 0;  // the process's exit status (0..255)
  uint32_t signal = 0;  // the signal that ended it, 0 if none
  bool operator==(const ExitCode&) const = default;
};
Result<ExitCode> parse_exit_code(std::string_view text);

// A SLURM state word: canonical state plus the text as written. Unknown words map to UNKNOWN
// (never an error: a newer SLURM may add states); `raw` keeps what SLURM said.
struct SlurmState {
  fb::JobState state = fb::JobState::UNKNOWN;
  std::string raw;
  std::optional<uint32_t> by_uid;  // "CANCELLED by 500"
};
SlurmState parse_slurm_state(std::string_view text);

// The count a TRES list gives one resource, summed over its typed forms: in
// "billing=12,cpu=12,gres/gpu=2,gres/gpu:v100=2,mem=31000M", "gres/gpu" is 2 (a typed entry
// "gres/gpu:v100" repeats what the untyped one counts, so it is used only when no untyped one is
// given). 0 when absent or not a number.
uint32_t tres_count(std::string_view tres, std::string_view name);

// Number of nodes a hostlist names (0 for a "no value" word or "None assigned").
Result<uint64_t> count_hostlist_nodes(std::string_view hostlist);

// The node names, in order; limit_exceeded beyond `nodes_max`.
Result<std::vector<std::string>> expand_hostlist(
    std::string_view hostlist, std::size_t nodes_max = hostlist_expansion_nodes_max);

// The text inside quotes for an error message: non-printable bytes as \xNN, long text cut.
std::string quote_value(std::string_view text);

}  // namespace jobtrail::ingest::slurm
