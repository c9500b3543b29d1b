// `jobtrail tail [--from SEQ] [-f] [--json]`: the event stream of GET /api/stream on the
// terminal — events from SEQ, the caught-up marker, then (with -f) events as they are
// appended.
//
// It reads the log directly rather than through a server: it works whether or not `serve`
// runs (beside an import, on a copy of a database), needs no token (the database folder's
// permissions are the access control), and a reader never slows the writer. While another
// process writes, the reader follows it (EventLog::refresh) every poll interval.
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tools/commands.h"
#include "tools/commands/open_log.h"
#include "tools/event_json.h"

namespace jobtrail::tools {

namespace {

// Events read per pass (one batched read).
constexpr uint64_t kTailBatchEvents = 1024;

// Prints events from *next_seq to the head; false (logged) on a read error.
bool print_to_head(const EventLog& log, uint64_t* next_seq, bool json) {
  std::vector<uint64_t> seqs;
  // Bounded by the head: each pass prints at least one event.
  while (*next_seq <= log.head()) {
    seqs.clear();
    const uint64_t end = std::min(log.head(), *next_seq + kTailBatchEvents - 1);
    for (uint64_t seq = *next_seq; seq <= end; ++seq) seqs.push_back(seq);
    auto events = log.read_many(seqs);
    if (!events.ok()) {
      spdlog::error("{}", events.status().to_string());
      return false;
    }
    for (const StoredEvent& stored : *events) {
      auto view = stored.view();
      if (!view.ok()) {
        spdlog::error("{}", view.status().to_string());
        return false;
      }
      if (json) {
        std::cout << event_to_json(*view).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace)
                  << "\n";
      } else {
        std::cout << event_to_line(*view) << "\n";
      }
    }
    *next_seq = end + 1;
    std::cout.flush();
  }
  return true;
}

}  // namespace

int run_tail(const GlobalOptions& global, const TailOptions& options) {
  auto log = open_log_for_reading(global);
  if (log == nullptr) return 1;
  const uint64_t head = log->head();
  uint64_t next_seq =
      options.from_seq >= 0 ? static_cast<uint64_t>(options.from_seq) : (head > 10 ? head - 9 : 1);
  next_seq = std::max<uint64_t>(next_seq, 1);
  if (!print_to_head(*log, &next_seq, options.json)) return 1;
  if (options.json) {
    std::cout << "{\"id\":-1,\"seq\":" << log->head() << "}\n";
  } else {
    std::cout << "-- caught up at seq " << log->head() << " --\n";
  }
  std::cout.flush();
  // -f runs until the process is stopped (Ctrl-C); each pass sleeps one poll interval.
  while (options.follow) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.poll_interval_ms));
    if (Status s = log->refresh(); !s.ok()) {
      spdlog::error("tail: {}", s.to_string());
      return 1;
    }
    if (!print_to_head(*log, &next_seq, options.json)) return 1;
  }
  return 0;
}

}  // namespace jobtrail::tools
