#include "ingest/slurm/poll_state.h"

#include <charconv>

namespace jobtrail::ingest::slurm {

namespace {

constexpr std::string_view kMagic = "jobtrail-poll 1";

template <typename T>
bool parse_number(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Splits "word rest" at the first blank; rest is empty when there is none.
std::pair<std::string_view, std::string_view> split_word(std::string_view line) {
  const size_t blank = line.find(' ');
  if (blank == std::string_view::npos) return {line, {}};
  return {line.substr(0, blank), line.substr(blank + 1)};
}

Status parse_health(std::string_view rest, PollState& state) {
  auto [source, tail] = split_word(rest);
  auto [word, error] = split_word(tail);
  if (source.empty() || (word != "up" && word != "down")) {
    return Status::corruption("poll state: bad health line");
  }
  state.health[std::string(source)] = SourceHealth{true, word == "up", std::string(error)};
  return Status();
}

Status parse_item(std::string_view line, PollState& state) {
  auto [name, rest] = split_word(line);
  bool ok = true;
  if (name == "polls") {
    ok = parse_number(rest, &state.polls);
  } else if (name == "last_success_us") {
    ok = parse_number(rest, &state.last_success_us);
  } else if (name == "backfilled") {
    state.backfilled = rest == "1";
  } else if (name == "health") {
    return parse_health(rest, state);
  } else if (name == "seen") {
    ok = !rest.empty() && state.seen.size() < poll_seen_jobs_max;
    state.seen.emplace_back(rest);
  } else if (name == "await") {
    auto [job, count] = split_word(rest);
    uint32_t lookups = 0;
    ok = !job.empty() && parse_number(count, &lookups);
    state.awaiting[std::string(job)] = lookups;
  }  // unknown items: written by a newer build, ignored
  return ok ? Status()
            : Status::corruption("poll state: bad line '" + std::string(line.substr(0, 80)) + "'");
}

}  // namespace

std::string checkpoint_key(std::string_view cluster) {
  return "slurm-poll/" + std::string(cluster);
}

std::string encode_poll_state(const PollState& s) {
  std::string out(kMagic);
  out += "\npolls " + std::to_string(s.polls) + "\nlast_success_us " +
         std::to_string(s.last_success_us) + "\nbackfilled " + (s.backfilled ? "1" : "0") + "\n";
  for (const auto& [source, h] : s.health) {
    if (!h.known) continue;
    std::string error = h.error;
    for (char& c : error) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    out +=
        "health " + source + (h.up ? " up" : " down") + (error.empty() ? "" : " " + error) + "\n";
  }
  for (const std::string& job : s.seen) out += "seen " + job + "\n";
  for (const auto& [job, lookups] : s.awaiting) {
    out += "await " + job + " " + std::to_string(lookups) + "\n";
  }
  return out;
}

Result<PollState> decode_poll_state(std::string_view text) {
  PollState state;
  size_t at = 0;
  bool first = true;
  while (at < text.size()) {  // bounded: each pass consumes one line
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (first) {
      if (line != kMagic) return Status::corruption("poll state: unknown format");
      first = false;
      continue;
    }
    if (!line.empty()) JT_RETURN_IF_ERROR(parse_item(line, state));
  }
  if (first) return Status::corruption("poll state: empty");
  return state;
}

}  // namespace jobtrail::ingest::slurm
