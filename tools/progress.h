// ProgressReporter: progress of a long command on stderr. On a terminal, one line redrawn in
// place with a bar, rate and ETA; otherwise a plain line at most every plain_interval_ms.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace jobtrail::tools {

class ProgressReporter {
 public:
  explicit ProgressReporter(std::string label);
  // `done` and `total` in the same unit (bytes of a file); `items` counts records for the rate.
  void update(uint64_t done, uint64_t total, uint64_t items);
  void finish();

  static constexpr int64_t redraw_interval_ms = 100;
  static constexpr int64_t plain_interval_ms = 5000;

 private:
  std::string label_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drew_ = false;
};

}  // namespace jobtrail::tools
