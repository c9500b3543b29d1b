// Pure parsers of SLURM's JSON job documents: `squeue --json` / slurmrestd `/slurm/vX/jobs`
// and `sacct --json` / slurmrestd `/slurmdb/vX/jobs`, into the same records the text parsers
// produce (SqueueRecord, SacctRecord), so the importers turn both into the same events.
//
// Text in, records out, no I/O. Grammar (only what is read; every other key is ignored):
//   document := '{' ... "jobs": '[' job (',' job)* ']' ... '}'     other top-level keys ignored
//   number   := integer                                  v0.0.38 (22.05 squeue/sacct --json)
//             | '{' "set": bool, "infinite": bool, "number": integer '}'      v0.0.40 and later
//              unset -> no value; infinite -> no value (a time) or UNLIMITED (a time limit)
//   state    := string                                   v0.0.38: "COMPLETED"
//             | '[' string (',' string)* ']'             v0.0.40+: ["PENDING","REQUEUED"]:
//              the base state, then flags; the word squeue would print (a flag such as
//              COMPLETING or REQUEUED wins over the base, as in SLURM's job_state_string) gives
//              the canonical state, and raw_state keeps every word, joined by ','.
//   squeue job keys: job_id, array_job_id, array_task_id, array_task_string, het_job_id,
//     het_job_offset, job_state, state_reason, name, user_name, user_id, group_name, group_id,
//     account, partition, qos, nodes, node_count, cpus, submit_time, start_time, end_time,
//     time_limit (minutes), priority, current_working_directory, memory_per_node,
//     memory_per_cpu (MiB)
//   sacct job keys: job_id, array{job_id, task_id, task}, het{job_id, job_offset}, name, user,
//     group, account, partition, qos, cluster, nodes, state{current, reason}, exit_code,
//     time{submission, eligible, start, end, elapsed, limit (minutes)}, required{CPUs,
//     memory_per_cpu | memory_per_node | memory (v0.0.38, MiB per node)}, tres{requested,
//     allocated}, allocation_nodes, steps[] (each: step{id, name}, state, exit_code, time,
//     nodes{count, range}, tres{allocated}).
//   exit_code := integer (v0.0.38 squeue: the wait status)
//              | '{' "status": .., "return_code": number, "signal": {"id"|"signal_id": number} '}'
// Job ids are spelled as squeue and sacct print them: "4103947_100" for an array task (the raw
// id goes to job_id_raw), "4103947_[1-3%2]" for a pending remainder, "176+0" for a het
// component, "<job>.<step>" for a step. Times are epoch seconds (no zone applies); a time of 0
// means "not yet" (SLURM's "Unknown"). A job entry that does not convert is returned as an
// error with its index and reason; the others go on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"
#include "ingest/slurm/sacct_parser.h"
#include "ingest/slurm/squeue_parser.h"

namespace jobtrail::ingest::slurm {

// One JSON document read whole. slurmrestd 0.0.41 prints ~21 KiB per running job (its
// job_resources lists every core) and ~5 KiB per pending one; 1 GiB holds a 50 000-job queue.
inline constexpr std::size_t slurm_json_document_bytes_max = std::size_t{1} << 30;
// Jobs in one document (slurmctld's own MaxJobCount default is 10 000).
inline constexpr std::size_t slurm_json_jobs_max = 1'000'000;
// Steps of one sacct job entry.
inline constexpr std::size_t slurm_json_steps_max = 100'000;

// A job entry that did not convert: its 0-based index in "jobs", the id if one was readable,
// the reason, and the entry's compact JSON text (for the quarantine).
struct SlurmJsonJobError {
  std::size_t index = 0;
  std::string job_id;
  Status status;
  std::string text;
};

struct SqueueJsonJob {
  std::size_t index = 0;  // in the document's "jobs" array
  SqueueRecord record;
  std::string text;  // the job entry as compact JSON, without job_resources
};

struct SqueueJsonDocument {
  std::vector<SqueueJsonJob> jobs;
  std::vector<SlurmJsonJobError> errors;
  std::string data_parser;  // meta.plugin.data_parser ("data_parser/v0.0.41"), if given
  std::optional<int64_t> last_update_us;  // last_update: when slurmctld's job list last changed
};

struct SacctJsonJob {
  std::size_t index = 0;
  SacctRecord job;                 // the allocation
  std::vector<SacctRecord> steps;  // its steps, in document order
  std::string text;                // the job entry as compact JSON (not the document's bytes)
};

struct SacctJsonDocument {
  std::vector<SacctJsonJob> jobs;
  std::vector<SlurmJsonJobError> errors;
  std::string data_parser;
};

// Whole-document errors (not JSON, no "jobs" array, over a limit) are Status errors; a job
// entry that does not convert goes to `errors`.
Result<SqueueJsonDocument> parse_squeue_json(std::string_view document);
Result<SacctJsonDocument> parse_sacct_json(std::string_view document);

// The state of a JSON state value (a string, or an array of base state and flags); see above.
SlurmState slurm_json_state(const std::vector<std::string>& words);

}  // namespace jobtrail::ingest::slurm
