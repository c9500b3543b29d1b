// Test helper: run the jobtrail binary as a user would (argv, never a shell), capture its
// output, or start it and kill it. Header-only, test code only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace jobtrail::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// A temp directory removed with everything in it when the object goes away.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/jobtrail-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::string data;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.append(buf, n);
    std::fclose(f);
  }
  return data;
}

// Starts `args` (args[0] is the program) with stdout/stderr sent to the given files.
inline pid_t spawn_process(const std::vector<std::string>& args, const std::string& out_path,
                           const std::string& err_path) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -2;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline ProcessResult run_process(const std::vector<std::string>& args) {
  TempDir io;
  ProcessResult result;
  pid_t pid = spawn_process(args, io / "out", io / "err");
  if (pid < 0) return result;
  result.exit_code = wait_exit_code(pid);
  result.out = read_file(io / "out");
  result.err = read_file(io / "err");
  return result;
}

#ifdef JOBTRAIL_BINARY
// The jobtrail binary under test on the database `db`: jobtrail --db DB ARGS...
inline ProcessResult run_jobtrail(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {JOBTRAIL_BINARY, "--db", db});
  return run_process(args);
}
#endif

}  // namespace jobtrail::testing
