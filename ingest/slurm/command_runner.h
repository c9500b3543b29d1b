// run_command: runs one program as an argv (never through a shell) under Boost.Asio, with a
// time limit and a bound on its output, and reaps it.
//
// Why posix_spawnp + pipes read through asio::posix::stream_descriptor rather than
// boost::process: Boost.Process 1.74 predates C++20 and g++ 12 (its v1 headers warn and need
// Boost.Filesystem), and the poller needs exactly one behaviour it must be able to reason about:
// the child is killed by its PID when the limit passes and always reaped (no zombie, no
// leaked descriptor), whatever the child's descendants do with the pipes.
//
// Lifecycle of one run:
//   spawn (stdin /dev/null, stdout and stderr pipes, every other descriptor closed on exec)
//   -> read both pipes to EOF, at most output_bytes_max each
//   -> waitpid; at the deadline, or when the output is too long: SIGKILL the PID, stop
//      reading (a grandchild may still hold the pipes) and reap.
// The caller runs it inside an io_context (a coroutine: co_await run_command(...)).
#pragma once

// clang-format off
#include <utility>  // before asio: Boost 1.74's awaitable uses std::exchange (STACK.md)
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace jobtrail::ingest::slurm {

struct CommandLimits {
  uint32_t time_limit_ms = 30'000;
  uint64_t output_bytes_max = 64ull << 20;  // each of stdout, stderr
};

struct CommandOutcome {
  bool started = false;          // false: the program could not be spawned (spawn_error says why)
  bool timed_out = false;        // killed at the deadline
  bool output_too_long = false;  // killed: more than output_bytes_max
  int exit_status = -1;          // when it exited
  int signal = 0;                // when a signal ended it
  std::string out, err, spawn_error;
  uint64_t elapsed_ms = 0;

  bool ok() const { return started && !timed_out && !output_too_long && exit_status == 0; }
  // One line for logs and SourceStatus: "timed out after 5000 ms", "exit 1: squeue: error: ..."
  std::string failure() const;
};

// argv[0] is looked up in PATH. The child inherits the environment (SLURM_CONF, SSH agent).
boost::asio::awaitable<CommandOutcome> run_command(std::vector<std::string> argv,
                                                   CommandLimits limits);

}  // namespace jobtrail::ingest::slurm
