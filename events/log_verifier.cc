#include "events/log_verifier.h"

#include <functional>
#include <string_view>

#include "events/keys.h"

namespace jobtrail {

namespace {

struct SeqFingerprint {
  uint64_t dedup_hash = 0;   // hash of the dedup key the event's provenance implies
  uint64_t stream_hash = 0;  // hash of its stream prefix; 0 for events without a job
  bool present = false;
};

uint64_t hash_bytes(std::string_view bytes) {
  uint64_t h = std::hash<std::string_view>{}(bytes);
  return h == 0 ? 1 : h;  // 0 means "none"
}

class Verifier {
 public:
  explicit Verifier(const EventLog& log) : log_(log) { report_.head = log.head(); }

  void fault(std::string message) {
    ++report_.fault_count;
    if (report_.faults.size() < kLogVerifyFaultsKept) report_.faults.push_back(std::move(message));
  }

  Status check_log() {
    fingerprints_.assign(report_.head + 1, SeqFingerprint{});
    auto cursor = log_.scan(1);
    uint64_t expected = 1;
    for (uint64_t steps = 0; steps <= report_.head + 1; ++steps) {
      auto next = cursor->next();
      if (!next.ok()) {
        if (!next.status().is_corruption()) return next.status();
        fault(next.status().message());
        ++expected;
        continue;
      }
      if (!next->has_value()) break;
      const EventView& view = **next;
      if (view.seq() != expected) {
        fault("seq gap: expected " + std::to_string(expected) + ", found " +
              std::to_string(view.seq()));
      }
      expected = view.seq() + 1;
      record(view);
    }
    if (expected != report_.head + 1) {
      fault("log ends at seq " + std::to_string(expected - 1) + " but head is " +
            std::to_string(report_.head));
    }
    return Status();
  }

  void record(const EventView& view) {
    ++report_.events_checked;
    if (view.seq() > report_.head) {
      fault("seq " + std::to_string(view.seq()) + " is beyond head");
      return;
    }
    const fb::Provenance* p = view.header().provenance();
    SeqFingerprint& f = fingerprints_[view.seq()];
    f.present = true;
    f.dedup_hash = hash_bytes(keys::dedup_key(sv(p->identity()), p->ordinal()));
    if (!view.job_text().empty()) {
      f.stream_hash = hash_bytes(keys::stream_prefix(view.cluster(), view.job_text()));
    }
  }

  // A malformed index entry ends that index's scan. It is a fault in the data, not a failure
  // of the check: report it, and skip the "every event has an entry" pass, which would only
  // repeat it for every event the scan did not reach.
  Status index_scanned(bool* complete, Status scan) {
    if (!scan.is_corruption()) return scan;
    fault(scan.message());
    *complete = false;
    return Status();
  }

  Status check_dedup() {
    std::vector<uint8_t> seen(report_.head + 1, 0);
    bool complete = true;
    JT_RETURN_IF_ERROR(index_scanned(
        &complete, log_.for_each_dedup([&](std::string_view id, uint32_t ordinal, uint64_t seq) {
          ++report_.dedup_entries;
          if (seq == 0 || seq > report_.head || !fingerprints_[seq].present) {
            fault("dedup entry points at missing seq " + std::to_string(seq));
          } else if (fingerprints_[seq].dedup_hash != hash_bytes(keys::dedup_key(id, ordinal))) {
            fault("dedup entry for seq " + std::to_string(seq) + " does not match its provenance");
          } else if (seen[seq]++ != 0) {
            fault("seq " + std::to_string(seq) + " has more than one dedup entry");
          }
          return true;
        })));
    if (!complete) return Status();
    for (uint64_t seq = 1; seq <= report_.head; ++seq) {
      if (fingerprints_[seq].present && seen[seq] == 0) {
        fault("seq " + std::to_string(seq) + " has no dedup entry");
      }
    }
    return Status();
  }

  Status check_streams() {
    std::vector<uint8_t> seen(report_.head + 1, 0);
    bool complete = true;
    JT_RETURN_IF_ERROR(index_scanned(
        &complete, log_.for_each_stream([&](std::string_view cluster, std::string_view job,
                                            const std::vector<uint64_t>& seqs) {
          const uint64_t expected = hash_bytes(keys::stream_prefix(cluster, job));
          for (uint64_t seq : seqs) {
            ++report_.stream_entries;
            if (seq == 0 || seq > report_.head || !fingerprints_[seq].present) {
              fault("stream entry of " + std::string(job) + " points at missing seq " +
                    std::to_string(seq));
            } else if (fingerprints_[seq].stream_hash != expected) {
              fault("stream entry of " + std::string(job) + " points at seq " +
                    std::to_string(seq) + " of another job");
            } else {
              seen[seq] = 1;
            }
          }
          return true;
        })));
    if (!complete) return Status();
    for (uint64_t seq = 1; seq <= report_.head; ++seq) {
      if (fingerprints_[seq].stream_hash != 0 && seen[seq] == 0) {
        fault("seq " + std::to_string(seq) + " is missing from its job's stream");
      }
    }
    return Status();
  }

  LogVerifyReport take() { return std::move(report_); }

 private:
  const EventLog& log_;
  LogVerifyReport report_;
  std::vector<SeqFingerprint> fingerprints_;
};

}  // namespace

Result<LogVerifyReport> verify_log(const EventLog& log) {
  Verifier verifier(log);
  JT_RETURN_IF_ERROR(verifier.check_log());
  JT_RETURN_IF_ERROR(verifier.check_dedup());
  JT_RETURN_IF_ERROR(verifier.check_streams());
  return verifier.take();
}

}  // namespace jobtrail
