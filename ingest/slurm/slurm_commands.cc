#include "ingest/slurm/slurm_commands.h"

#include <algorithm>

namespace jobtrail::ingest::slurm {

const std::string_view kPollSqueueFormat = "%i|%A|%T|%r|%u|%g|%a|%P|%q|%D|%C|%l|%V|%S|%e|%Q|%N|%j";
const std::string_view kPollSacctFields =
    "JobID,JobIDRaw,State,ExitCode,Submit,Start,End,Elapsed,User,Group,Account,Partition,QOS,"
    "NNodes,NCPUS,ReqCPUS,ReqMem,Timelimit,NodeList,JobName";

namespace {

constexpr size_t kHostBytesMax = 255;
constexpr size_t kJobIdBytesMax = 32;
constexpr size_t kProgramBytesMax = 4096;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// digits, and the position after them (npos when there are none).
size_t skip_digits(std::string_view s, size_t at) {
  const size_t start = at;
  while (at < s.size() && is_digit(s[at])) ++at;
  return at == start ? std::string_view::npos : at;
}

Status validate_remote_token(std::string_view token) {
  for (char c : token) {
    if (c < 0x20 || c > 0x7e || c == '\'') {
      return Status::invalid_argument("a remote command token holds a quote or a control byte");
    }
  }
  return Status();
}

// The remote command, or the local argv, from the program and its arguments.
Result<std::vector<std::string>> on_site(const SlurmSite& site, std::vector<std::string> command) {
  JT_RETURN_IF_ERROR(validate_site(site));
  if (site.ssh_host.empty()) return command;
  std::vector<std::string> argv = {"ssh",
                                   "-o",
                                   "BatchMode=yes",
                                   "-o",
                                   "ConnectTimeout=" + std::to_string(site.ssh_connect_timeout_s),
                                   "--",
                                   site.ssh_host};
  for (const std::string& token : command) {
    JT_RETURN_IF_ERROR(validate_remote_token(token));
    argv.push_back("'" + token + "'");
  }
  return argv;
}

std::vector<std::string> sacct_base(const SlurmSite& site) {
  return {site.sacct,
          "--noheader",
          "--parsable2",
          "--allusers",
          "--allocations",
          "--duplicates",
          "--format=" + std::string(kPollSacctFields)};
}

}  // namespace

Status validate_host(std::string_view host) {
  if (host.empty() || host.size() > kHostBytesMax) {
    return Status::invalid_argument("ssh host must be 1 to 255 bytes");
  }
  const size_t at = host.find('@');
  std::string_view name = at == std::string_view::npos ? host : host.substr(at + 1);
  std::string_view user = at == std::string_view::npos ? "" : host.substr(0, at);
  const auto label_ok = [](std::string_view label) {
    return !label.empty() && label.front() != '-' &&
           std::all_of(label.begin(), label.end(),
                       [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
  };
  if (at != std::string_view::npos && !label_ok(user)) {
    return Status::invalid_argument("ssh host: bad user name in '" + std::string(host) + "'");
  }
  for (size_t start = 0;;) {
    const size_t dot = name.find('.', start);
    if (!label_ok(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return Status::invalid_argument("ssh host: '" + std::string(host) +
                                      "' is not a host name ([user@]label(.label)*)");
    }
    if (dot == std::string_view::npos) return Status();
    start = dot + 1;
  }
}

Status validate_job_id(std::string_view job) {
  const auto bad = [&] {
    return Status::invalid_argument("'" + std::string(job.substr(0, kJobIdBytesMax)) +
                                    "' is not a SLURM job id (123, 123_4, 123+1)");
  };
  if (job.size() > kJobIdBytesMax) return bad();
  size_t at = skip_digits(job, 0);
  if (at == std::string_view::npos) return bad();
  for (char separator : {'_', '+'}) {
    if (at < job.size() && job[at] == separator) {
      at = skip_digits(job, at + 1);
      if (at == std::string_view::npos) return bad();
    }
  }
  return at == job.size() ? Status() : bad();
}

Status validate_program(std::string_view program) {
  const bool ok = !program.empty() && program.size() <= kProgramBytesMax &&
                  program.front() != '-' && std::all_of(program.begin(), program.end(), [](char c) {
                    return is_alnum(c) || c == '_' || c == '.' || c == '/' || c == '+' || c == '-';
                  });
  return ok ? Status()
            : Status::invalid_argument("'" + std::string(program) +
                                       "' is not a program path ([A-Za-z0-9_./+-]+)");
}

Status validate_site(const SlurmSite& site) {
  if (!site.ssh_host.empty()) JT_RETURN_IF_ERROR(validate_host(site.ssh_host));
  JT_RETURN_IF_ERROR(validate_program(site.squeue));
  return validate_program(site.sacct);
}

Result<std::vector<std::string>> squeue_argv(const SlurmSite& site) {
  return on_site(
      site, {site.squeue, "--noheader", "--all", "--format=" + std::string(kPollSqueueFormat)});
}

Result<std::vector<std::string>> sacct_jobs_argv(const SlurmSite& site,
                                                 const std::vector<std::string>& job_ids) {
  if (job_ids.empty() || job_ids.size() > sacct_ids_per_call_max) {
    return Status::invalid_argument("a sacct lookup takes 1 to " +
                                    std::to_string(sacct_ids_per_call_max) + " job ids");
  }
  std::string list;
  for (const std::string& id : job_ids) {
    JT_RETURN_IF_ERROR(validate_job_id(id));
    if (!list.empty()) list += ',';
    list += id;
  }
  std::vector<std::string> command = sacct_base(site);
  command.push_back("--jobs=" + list);
  return on_site(site, std::move(command));
}

Result<std::vector<std::string>> sacct_window_argv(const SlurmSite& site, int64_t seconds_ago) {
  if (seconds_ago < 1) seconds_ago = 1;
  std::vector<std::string> command = sacct_base(site);
  command.push_back("--starttime=now-" + std::to_string(seconds_ago));
  command.push_back("--endtime=now");
  return on_site(site, std::move(command));
}

std::string display_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& a : argv) {
    if (!text.empty()) text += ' ';
    text += a;
  }
  return text;
}

}  // namespace jobtrail::ingest::slurm
