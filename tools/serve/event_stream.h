// EventStream: the log as server-sent events (GET /api/stream).
//
// Wire format (text/event-stream), one frame per event, then a marker once the backlog is
// sent:
//   frame     := "id: " SEQ "\n" "data: " EVENT_JSON "\n\n"          (tools/event_json.h)
//   caught-up := "event: caught-up\n" "data: {\"id\":-1,\"seq\":" HEAD "}\n\n"
//   dropped   := "event: dropped\n" "data: {\"reason\":...,\"resume_from\":SEQ}\n\n"
//   keep-alive := ": keep-alive\n\n"     an SSE comment (clients ignore it) on a live stream
//                that sent nothing for a whole keep-alive period, so that proxies and load
//                balancers do not close it as idle
// A subscriber first pulls its backlog from the log in chunks as the client takes them (a
// backlog costs no memory beyond one chunk), then sends the caught-up marker and joins the
// live queue. Live events are rendered once and shared by every subscriber; each subscriber's
// queue holds at most queue_events_max of them. A client that falls further behind is sent the
// `dropped` frame and disconnected: its Last-Event-ID resumes it with nothing lost or doubled.
//
// Threading: the loop thread only (the HTTP server's, where the ledger appends too), so a
// subscriber switches from backlog to live with no event in between.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "tools/http/http_types.h"

namespace jobtrail::tools {

struct StreamLimits {
  // Live events queued for one client before it is dropped as too slow.
  size_t queue_events_max = 4096;
  // Events read from the log per backlog chunk.
  size_t backlog_batch_events = 256;
  // How often keep_alive() is called (0: never); serve's loop timer uses it.
  uint32_t keep_alive_ms = 15'000;
};

inline constexpr uint32_t stream_keep_alive_ms_min = 100;
inline constexpr uint32_t stream_keep_alive_ms_max = 3'600'000;

class EventStream {
 public:
  EventStream(const EventLog& log, StreamLimits limits);
  ~EventStream();

  // A stream of every event from `from_seq` on (head() + 1: live events only).
  std::shared_ptr<http::StreamSource> subscribe(uint64_t from_seq);
  // Events first..last were appended: queue them for every live subscriber.
  void publish(uint64_t first_seq, uint64_t last_seq);
  // Every keep_alive_ms: a keep-alive comment for each live subscriber that sent nothing since
  // the last call.
  void keep_alive();

  size_t live_subscribers() const;
  uint64_t dropped_total() const { return dropped_total_; }

  class Subscriber;

 private:
  const EventLog& log_;
  StreamLimits limits_;
  std::vector<std::shared_ptr<Subscriber>> live_;
  uint64_t dropped_total_ = 0;
};

// The SSE frame of one stored event.
std::string event_frame(const EventView& view);

}  // namespace jobtrail::tools
