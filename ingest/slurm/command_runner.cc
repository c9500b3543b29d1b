#include "ingest/slurm/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstring>
#include <memory>

extern char** environ;

namespace jobtrail::ingest::slurm {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kReadChunkBytes = 64 * 1024;
constexpr auto kReapStep = std::chrono::milliseconds(5);
constexpr auto kReapAfterKillMax = std::chrono::seconds(10);

// One run's state, shared by the coroutine and the read handlers (which may run after the
// coroutine has returned, when a killed run's reads are aborted).
struct Run {
  Run(asio::any_io_executor ex, int out_fd, int err_fd)
      : out(ex, out_fd), err(ex, err_fd), wake(ex) {}
  asio::posix::stream_descriptor out, err;
  asio::steady_timer wake;  // cancelled to wake the coroutine
  std::array<char, kReadChunkBytes> out_buffer, err_buffer;
  std::string out_text, err_text;
  int open_pipes = 2;
  bool too_long = false;
  uint64_t bytes_max = 0;
};

void read_more(const std::shared_ptr<Run>& run, asio::posix::stream_descriptor& pipe,
               std::array<char, kReadChunkBytes>& buffer, std::string& sink) {
  pipe.async_read_some(asio::buffer(buffer),
                       [run, &pipe, &buffer, &sink](boost::system::error_code ec, size_t n) {
                         if (!ec) {
                           sink.append(buffer.data(), n);
                           if (sink.size() > run->bytes_max) {
                             run->too_long = true;
                             run->wake.cancel();
                           } else {
                             read_more(run, pipe, buffer, sink);
                             return;
                           }
                         }
                         --run->open_pipes;  // EOF, error, or closed after a kill
                         run->wake.cancel();
                       });
}

struct Spawned {
  pid_t pid = -1;
  int out_fd = -1, err_fd = -1;
  std::string error;
};

Spawned spawn(const std::vector<std::string>& argv) {
  Spawned s;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {-1, -1, -1, std::strerror(errno)};
  if (pipe2(err, O_CLOEXEC) != 0) {
    s.error = std::strerror(errno);
    close(out[0]);
    close(out[1]);
    return s;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  const int rc = posix_spawnp(&s.pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    s.pid = -1;
    s.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return s;
  }
  s.out_fd = out[0];
  s.err_fd = err[0];
  return s;
}

void record_exit(int status, CommandOutcome& outcome) {
  if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
}

// Waits (polling waitpid, the child has closed its pipes or been killed) until `pid` is
// reaped or `deadline` passes; true when reaped.
asio::awaitable<bool> reap_until(pid_t pid, Clock::time_point deadline, CommandOutcome& outcome) {
  asio::steady_timer step(co_await asio::this_coro::executor);
  for (;;) {  // bounded by the deadline
    int status = 0;
    const pid_t got = waitpid(pid, &status, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR)) {
      if (got == pid) record_exit(status, outcome);
      co_return true;
    }
    if (Clock::now() >= deadline) co_return false;
    step.expires_after(kReapStep);
    boost::system::error_code ec;
    co_await step.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

std::string CommandOutcome::failure() const {
  if (!started) return spawn_error;
  if (timed_out) return "timed out after " + std::to_string(elapsed_ms) + " ms (killed)";
  if (output_too_long) return "output too long (killed)";
  std::string what = signal != 0 ? "killed by signal " + std::to_string(signal)
                                 : "exit " + std::to_string(exit_status);
  std::string first_line = err.substr(0, err.find('\n'));
  if (first_line.size() > 300) first_line.resize(300);
  return first_line.empty() ? what : what + ": " + first_line;
}

asio::awaitable<CommandOutcome> run_command(std::vector<std::string> argv, CommandLimits limits) {
  CommandOutcome outcome;
  const auto started_at = Clock::now();
  const auto deadline = started_at + std::chrono::milliseconds(limits.time_limit_ms);
  Spawned child = argv.empty() ? Spawned{-1, -1, -1, "empty command"} : spawn(argv);
  if (child.pid < 0) {
    outcome.spawn_error = child.error;
    co_return outcome;
  }
  outcome.started = true;
  auto run = std::make_shared<Run>(co_await asio::this_coro::executor, child.out_fd, child.err_fd);
  run->bytes_max = limits.output_bytes_max;
  read_more(run, run->out, run->out_buffer, run->out_text);
  read_more(run, run->err, run->err_buffer, run->err_text);
  // Single-threaded io_context: a handler runs either before a check below or while the
  // coroutine waits, and then its cancel() wakes it.
  while (run->open_pipes > 0 && !run->too_long && Clock::now() < deadline) {
    run->wake.expires_at(deadline);
    boost::system::error_code ec;
    co_await run->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  bool reaped = !run->too_long && co_await reap_until(child.pid, deadline, outcome);
  if (!reaped) {
    outcome.timed_out = !run->too_long;
    outcome.output_too_long = run->too_long;
    kill(child.pid, SIGKILL);
    if (!co_await reap_until(child.pid, Clock::now() + kReapAfterKillMax, outcome)) {
      int status = 0;
      waitpid(child.pid, &status, 0);  // SIGKILL cannot be caught: this returns
    }
  }
  // Readers left (a killed child's grandchild may hold the pipes): abort them. What was read
  // so far is kept; an aborted read touches nothing but the counter.
  boost::system::error_code ignored;
  run->out.close(ignored);
  run->err.close(ignored);
  outcome.out = run->out_text;
  outcome.err = run->err_text;
  outcome.elapsed_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at).count());
  co_return outcome;
}

}  // namespace jobtrail::ingest::slurm
