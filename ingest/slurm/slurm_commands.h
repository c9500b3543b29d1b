// The squeue and sacct command lines the poller runs, as argv, locally or through ssh.
//
// Nothing here reaches a shell locally: each token is one argv entry. Through ssh the remote
// side does run a shell (ssh joins its arguments with spaces), so every remote token is first
// validated (printable ASCII, no quote) and then single-quoted; the host, job ids and program
// paths are validated before they are used at all:
//   host    := [user '@'] name            name := label ('.' label)*, label := [A-Za-z0-9_-]+,
//                                          not starting with '-'; at most 255 bytes
//   job_id  := digits ['_' digits] ['+' digits]     (123, 123_4, 123+1), at most 32 bytes
//   program := [A-Za-z0-9_./+-]+           not starting with '-'
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"

namespace jobtrail::ingest::slurm {

// The columns the poller asks squeue for ('|'-separated; the name column may hold '|', the
// parser anchors it from both ends) and the fields it asks sacct for.
extern const std::string_view kPollSqueueFormat;
extern const std::string_view kPollSacctFields;

// Job ids given to one sacct call (its argv stays small, the scheduler's answer bounded).
inline constexpr size_t sacct_ids_per_call_max = 100;

struct SlurmSite {
  std::string ssh_host;  // empty: run locally
  std::string squeue = "squeue";
  std::string sacct = "sacct";
  uint32_t ssh_connect_timeout_s = 10;
};

Status validate_host(std::string_view host);
Status validate_job_id(std::string_view job);
Status validate_program(std::string_view program);
Status validate_site(const SlurmSite& site);

// squeue: every job of the cluster in one call, no header.
Result<std::vector<std::string>> squeue_argv(const SlurmSite& site);
// sacct: the allocations of these jobs (1..sacct_ids_per_call_max ids), earlier runs included.
Result<std::vector<std::string>> sacct_jobs_argv(const SlurmSite& site,
                                                 const std::vector<std::string>& job_ids);
// sacct: every allocation active or ended in the last `seconds_ago` seconds (the window is
// written relative to sacct's own clock, "now-N", so no time zone is involved).
Result<std::vector<std::string>> sacct_window_argv(const SlurmSite& site, int64_t seconds_ago);

// How a command line is shown in logs and provenance: tokens joined by spaces.
std::string display_command(const std::vector<std::string>& argv);

}  // namespace jobtrail::ingest::slurm
