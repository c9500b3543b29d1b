// StateSource: where a query reads a projection's state from — the stored state of a
// database, or the in-memory state an as-of replay or verify built. Queries are written once
// against this and serve both.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_log.h"

namespace jobtrail::projections {

class StateSource {
 public:
  virtual ~StateSource() = default;
  virtual Result<std::optional<std::string>> get(std::string_view key) const = 0;
  // Entries whose key starts with `prefix`, in key order, until visit returns false.
  virtual Status scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
};

class StoredState final : public StateSource {
 public:
  StoredState(const EventLog& log, std::string store) : log_(log), store_(std::move(store)) {}
  Result<std::optional<std::string>> get(std::string_view key) const override {
    return log_.read_state(store_, key);
  }
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
    return log_.scan_state(store_, prefix, visit);
  }

 private:
  const EventLog& log_;
  std::string store_;
};

class MemoryState final : public StateSource {
 public:
  explicit MemoryState(std::map<std::string, std::string> entries) : entries_(std::move(entries)) {}
  Result<std::optional<std::string>> get(std::string_view key) const override {
    auto it = entries_.find(std::string(key));
    if (it == entries_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status scan(std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
    for (auto it = entries_.lower_bound(std::string(prefix));
         it != entries_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
      if (!visit(it->first, it->second)) break;
    }
    return Status();
  }

 private:
  std::map<std::string, std::string> entries_;
};

}  // namespace jobtrail::projections
