#include "tools/serve/event_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>

#include "events/assert.h"
#include "events/limits.h"
#include "tools/event_json.h"

namespace jobtrail::tools {

namespace {

std::string caught_up_frame(uint64_t head) {
  return "event: caught-up\ndata: {\"id\":-1,\"seq\":" + std::to_string(head) + "}\n\n";
}

std::string dropped_frame(size_t queued, uint64_t resume_from) {
  nlohmann::json data{{"reason", "client too slow: " + std::to_string(queued) +
                                     " live events queued unread; reconnect with "
                                     "Last-Event-ID to resume"},
                      {"resume_from", resume_from}};
  return "event: dropped\ndata: " + data.dump() + "\n\n";
}

std::string error_frame(const Status& status) {
  nlohmann::json data{{"error", status.to_string()}};
  return "event: error\ndata: " +
         data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

}  // namespace

std::string event_frame(const EventView& view) {
  return "id: " + std::to_string(view.seq()) + "\ndata: " +
         event_to_json(view).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n\n";
}

class EventStream::Subscriber final : public http::StreamSource,
                                      public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(EventStream& owner, uint64_t from_seq) : owner_(owner), next_seq_(from_seq) {}

  std::string next(size_t bytes_max, bool* last) override {
    *last = false;
    switch (phase_) {
      case Phase::kBacklog:
        return next_backlog(bytes_max, last);
      case Phase::kLive: {
        std::string out;
        while (!queue_.empty() && out.size() < bytes_max) {
          out += *queue_.front().second;
          queue_.pop_front();
        }
        if (out.empty() && keep_alive_pending_) out = ": keep-alive\n\n";
        keep_alive_pending_ = false;
        sent_since_tick_ = sent_since_tick_ || !out.empty();
        return out;
      }
      case Phase::kDropped:
        phase_ = Phase::kClosed;
        *last = true;
        return std::move(final_frame_);
      case Phase::kClosed:
        *last = true;
        return {};
    }
    JT_ASSERT(false);
    return {};
  }

  void set_waker(std::function<void()> wake) override { waker_ = std::move(wake); }

  void closed() override {
    phase_ = Phase::kClosed;
    queue_.clear();
  }

  bool gone() const { return phase_ == Phase::kClosed || phase_ == Phase::kDropped; }

  // A keep-alive tick: a comment goes out unless something did since the last tick.
  void keep_alive() {
    const bool idle = phase_ == Phase::kLive && !sent_since_tick_ && queue_.empty();
    sent_since_tick_ = false;
    if (!idle) return;
    keep_alive_pending_ = true;
    wake();
  }

  // A live event for this client; past the queue bound the client is dropped instead.
  void push(uint64_t seq, const std::shared_ptr<const std::string>& frame) {
    if (phase_ != Phase::kLive || seq < next_seq_) return;
    if (queue_.size() >= owner_.limits_.queue_events_max) {
      final_frame_ = dropped_frame(queue_.size(), queue_.empty() ? seq : queue_.front().first);
      queue_.clear();
      phase_ = Phase::kDropped;
      ++owner_.dropped_total_;
      wake();
      return;
    }
    const bool was_empty = queue_.empty();
    queue_.emplace_back(seq, frame);
    if (was_empty) wake();
  }

 private:
  enum class Phase : uint8_t { kBacklog, kLive, kDropped, kClosed };

  void wake() {
    if (waker_) waker_();
  }

  // Events from the log in batches until about bytes_max; at the head, the marker and live.
  std::string next_backlog(size_t bytes_max, bool* last) {
    std::string out;
    const uint64_t head = owner_.log_.head();
    std::vector<uint64_t> seqs;
    // Bounded: each pass takes at least one event, and stops at the head or bytes_max.
    while (next_seq_ <= head && out.size() < bytes_max) {
      seqs.clear();
      const uint64_t end =
          std::min<uint64_t>(head, next_seq_ + owner_.limits_.backlog_batch_events - 1);
      for (uint64_t seq = next_seq_; seq <= end; ++seq) seqs.push_back(seq);
      auto events = owner_.log_.read_many(seqs);
      Status error = events.ok() ? Status() : events.status();
      for (size_t i = 0; error.ok() && i < events->size(); ++i) {
        auto view = (*events)[i].view();
        if (!view.ok()) {
          error = view.status();
          break;
        }
        out += event_frame(*view);
      }
      if (!error.ok()) {
        spdlog::error("stream from seq {}: {}", next_seq_, error.to_string());
        *last = true;
        phase_ = Phase::kClosed;
        return out + error_frame(error);
      }
      next_seq_ = end + 1;
    }
    if (next_seq_ > head) {
      out += caught_up_frame(head);
      phase_ = Phase::kLive;
      owner_.live_.push_back(shared_from_this());
    }
    return out;
  }

  EventStream& owner_;
  uint64_t next_seq_;
  Phase phase_ = Phase::kBacklog;
  std::deque<std::pair<uint64_t, std::shared_ptr<const std::string>>> queue_;  // seq, frame
  std::string final_frame_;
  std::function<void()> waker_;
  bool sent_since_tick_ = false;
  bool keep_alive_pending_ = false;
};

EventStream::EventStream(const EventLog& log, StreamLimits limits) : log_(log), limits_(limits) {
  JT_ASSERT(limits_.queue_events_max > 0);
  JT_ASSERT(limits_.backlog_batch_events > 0);
  JT_ASSERT(limits_.backlog_batch_events <= limits::batch_events_max);
}

EventStream::~EventStream() = default;

std::shared_ptr<http::StreamSource> EventStream::subscribe(uint64_t from_seq) {
  return std::make_shared<Subscriber>(*this, std::max<uint64_t>(from_seq, 1));
}

size_t EventStream::live_subscribers() const {
  return static_cast<size_t>(
      std::count_if(live_.begin(), live_.end(), [](const auto& s) { return !s->gone(); }));
}

void EventStream::keep_alive() {
  std::erase_if(live_, [](const auto& s) { return s->gone(); });
  for (const auto& subscriber : live_) subscriber->keep_alive();
}

void EventStream::publish(uint64_t first_seq, uint64_t last_seq) {
  std::erase_if(live_, [](const auto& s) { return s->gone(); });
  if (live_.empty()) return;  // nobody listens: nothing is read or rendered
  JT_ASSERT(first_seq <= last_seq);
  std::vector<uint64_t> seqs;
  for (uint64_t from = first_seq; from <= last_seq; from += limits_.backlog_batch_events) {
    seqs.clear();
    const uint64_t end = std::min<uint64_t>(last_seq, from + limits_.backlog_batch_events - 1);
    for (uint64_t seq = from; seq <= end; ++seq) seqs.push_back(seq);
    auto events = log_.read_many(seqs);
    if (!events.ok()) {
      spdlog::error("stream: events {}-{}: {}", from, end, events.status().to_string());
      continue;
    }
    for (const StoredEvent& stored : *events) {
      auto view = stored.view();
      if (!view.ok()) {
        spdlog::error("stream: {}", view.status().to_string());
        continue;
      }
      auto frame = std::make_shared<const std::string>(event_frame(*view));
      for (const auto& subscriber : live_) subscriber->push(stored.seq, frame);
    }
  }
}

}  // namespace jobtrail::tools
