#include "ingest/slurm/command_runner.h"

#include <sys/wait.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

using namespace jobtrail::ingest::slurm;

namespace {

// Runs one command on a fresh io_context, as the poller does.
CommandOutcome run(std::vector<std::string> argv, CommandLimits limits = {}) {
  boost::asio::io_context io;
  CommandOutcome outcome;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { outcome = co_await run_command(argv, limits); },
      boost::asio::detached);
  io.run();
  return outcome;
}

bool no_child_left() {
  return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

}  // namespace

TEST_CASE("a command's stdout and stderr are captured and its exit status kept") {
  auto ok = run({"printf", "%s|%s\n", "a b", "c"});
  CHECK(ok.ok());
  CHECK(ok.out == "a b|c\n");  // argv, no shell: the blank and '|' stay as given
  auto failed = run({"ls", "/no/such/folder"});
  CHECK_FALSE(failed.ok());
  CHECK(failed.exit_status != 0);
  CHECK_FALSE(failed.err.empty());
  CHECK(failed.failure().rfind("exit ", 0) == 0);
  CHECK(no_child_left());
}

TEST_CASE("a command past its time limit is killed by PID and reaped") {
  CommandLimits limits;
  limits.time_limit_ms = 300;
  auto hung = run({"sleep", "30"}, limits);
  CHECK(hung.timed_out);
  CHECK(hung.signal == SIGKILL);
  CHECK(hung.elapsed_ms < 5000);
  CHECK(hung.failure().find("timed out") != std::string::npos);
  CHECK(no_child_left());
}

TEST_CASE("a command whose output passes the bound is killed, not read forever") {
  CommandLimits limits;
  limits.output_bytes_max = 1 << 20;
  auto flood = run({"yes"}, limits);
  CHECK(flood.output_too_long);
  CHECK_FALSE(flood.ok());
  CHECK(no_child_left());
}

TEST_CASE("a program that does not exist is a failure, not a crash") {
  auto missing = run({"/no/such/program"});
  CHECK_FALSE(missing.ok());
  CHECK(no_child_left());
}
