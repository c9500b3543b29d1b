// Test helper: `jobtrail serve` as a child process on a free port of 127.0.0.1, started and
// waited for (bounded), stopped with SIGTERM (or killed with SIGKILL) by its PID. Test code only.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tools/http_client.h"
#include "tools/subprocess.h"

namespace jobtrail::testing {

// A port nobody listens on right now (the kernel's pick for port 0).
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Starts serve and waits (bounded) until it answers; stops it with SIGTERM on destruction.
class ServeProcess {
 public:
  ServeProcess(const std::string& db, const TempDir& io,
               std::vector<std::string> extra = {"--public-read"})
      : port_(free_port()) {
    std::vector<std::string> args = {
        JOBTRAIL_BINARY, "--db", db, "serve", "--listen", "127.0.0.1:" + std::to_string(port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = spawn_process(args, io / "serve.out", io / "serve.err");
    REQUIRE(pid_ > 0);
    // Bounded: 200 tries, 25 ms apart.
    for (int i = 0; i < 200 && !ready_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      ready_ = http_get(port_, "/api/nothing").has_value();
    }
    INFO(read_file(io / "serve.err"));
    REQUIRE(ready_);
  }
  ~ServeProcess() { stop(); }
  // SIGKILL: no clean stop, as a crash.
  void kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    exit_code_ = wait_exit_code(pid_);
    pid_ = -1;
  }
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    exit_code_ = wait_exit_code(pid_);
    pid_ = -1;
    return exit_code_;
  }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
  bool ready_ = false;
  int exit_code_ = -1;
};

}  // namespace jobtrail::testing
