#include "tools/bench/bench_child.h"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace jobtrail::tools {

Result<nlohmann::json> run_bench_child(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return Status::io_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return Status::io_error("cannot start " + args[0]);
  }
  std::string output;
  char buf[4096];
  for (ssize_t got; (got = read(pipe_fds[0], buf, sizeof buf)) > 0;) {
    output.append(buf, static_cast<size_t>(got));
  }
  close(pipe_fds[0]);
  int wstatus = 0;
  rusage usage{};
  wait4(pid, &wstatus, 0, &usage);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::io_error("benchmark child '" + args.back() + "' failed");
  }
  nlohmann::json j = nlohmann::json::parse(output, nullptr, false);
  if (j.is_discarded()) return Status::io_error("benchmark child printed no JSON");
  j["peak_rss_kb"] = usage.ru_maxrss;
  return j;
}

}  // namespace jobtrail::tools
