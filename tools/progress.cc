#include "tools/progress.h"

#include <unistd.h>

#include <cstdio>

namespace jobtrail::tools {

ProgressReporter::ProgressReporter(std::string label)
    : label_(std::move(label)),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressReporter::update(uint64_t done, uint64_t total, uint64_t items) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  const int64_t since_draw_ms = duration_cast<milliseconds>(now - last_draw_).count();
  if (since_draw_ms < (terminal_ ? redraw_interval_ms : plain_interval_ms)) return;
  last_draw_ = now;
  drew_ = true;
  const double elapsed_s = duration<double>(now - start_).count();
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0;
  const double rate = elapsed_s > 0 ? static_cast<double>(items) / elapsed_s : 0;
  const double eta_s = fraction > 0 ? elapsed_s * (1 - fraction) / fraction : 0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r%s [%.*s%*s] %5.1f%% %.0f records/s ETA %.0fs ", label_.c_str(), filled,
                 "##############################", kWidth - filled, "", fraction * 100, rate,
                 eta_s);
  } else {
    std::fprintf(stderr, "%s: %.1f%% %llu records, %.0f records/s, ETA %.0fs\n", label_.c_str(),
                 fraction * 100, static_cast<unsigned long long>(items), rate, eta_s);
  }
  std::fflush(stderr);
}

void ProgressReporter::finish() {
  if (terminal_ && drew_) std::fprintf(stderr, "\n");
}

}  // namespace jobtrail::tools
