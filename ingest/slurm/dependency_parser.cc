// Split on the one separator, then read each part as kind, targets and status suffixes.
#include "ingest/slurm/dependency_parser.h"

#include <algorithm>
#include <array>
#include <utility>

#include "ingest/slurm/slurm_values.h"

namespace jobtrail::ingest::slurm {

namespace {

using Kind = fb::DependencyKind;

constexpr std::array<std::pair<std::string_view, Kind>, 6> kKinds = {{
    {"after", Kind::AFTER},
    {"afterok", Kind::AFTER_OK},
    {"afterany", Kind::AFTER_ANY},
    {"afternotok", Kind::AFTER_NOT_OK},
    {"aftercorr", Kind::AFTER_CORR},
    {"afterburstbuffer", Kind::AFTER_ANY},
}};

Status bad(std::string_view why, std::string_view text) {
  return Status::invalid_argument("dependency " + quote_value(text) + ": " + std::string(why));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "unfulfilled)" after the '(' of a status; returns what follows it.
Result<std::string_view> skip_status(std::string_view rest, std::string_view part) {
  const size_t close = rest.find(')');
  if (close == std::string_view::npos) return bad("a status is not closed", part);
  return rest.substr(close + 1);
}

// One target without its status: "12", "12_5", "12_*", "12+30".
Result<JobKey> parse_target(std::string_view text, std::string_view part) {
  if (const size_t plus = text.find('+'); plus != std::string_view::npos) {
    if (!all_digits(text.substr(plus + 1))) return bad("a time offset is not minutes", part);
    text = text.substr(0, plus);
  }
  if (text.ends_with("_*")) text.remove_suffix(2);  // the whole array: its parent key
  const size_t underscore = text.find('_');
  if (!all_digits(text.substr(0, underscore)) ||
      (underscore != std::string_view::npos && !all_digits(text.substr(underscore + 1)))) {
    return bad("a target is not a job id", part);
  }
  return JobKey::parse(text);
}

Result<DependencyPart> parse_part(std::string_view part) {
  DependencyPart out;
  out.raw = std::string(part);
  std::string_view rest = part;
  const size_t colon = rest.find(':');
  std::string_view word = rest.substr(0, std::min(colon, rest.find('(')));
  if (word == "singleton") {
    out.kind = Kind::SINGLETON;
    rest.remove_prefix(word.size());
    if (rest.starts_with('(')) {
      auto after = skip_status(rest, part);
      if (!after.ok()) return after.status();
      rest = *after;
    }
    if (!rest.empty()) return bad("singleton takes no targets", part);
    return out;
  }
  const auto* kind =
      std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& k) { return k.first == word; });
  if (kind == kKinds.end() || colon == std::string_view::npos) {
    return bad("unknown dependency kind", part);
  }
  out.kind = kind->second;
  rest.remove_prefix(colon + 1);
  while (true) {
    const size_t end = std::min(rest.find(':'), rest.find('('));
    auto target = parse_target(rest.substr(0, end), part);
    if (!target.ok()) return target.status();
    if (out.targets.size() == dependency_targets_max) {
      return Status::limit_exceeded("dependency names more than " +
                                    std::to_string(dependency_targets_max) + " targets");
    }
    out.targets.push_back(std::move(target).value());
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
    if (rest.starts_with('(')) {
      auto after = skip_status(rest, part);
      if (!after.ok()) return after.status();
      rest = *after;
    }
    if (rest.empty()) break;
    if (!rest.starts_with(':')) return bad("text after a status", part);
    rest.remove_prefix(1);
  }
  return out;
}

std::string without_status(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '(') {
      out.push_back(raw[i]);
      continue;
    }
    const size_t close = raw.find(')', i);
    if (close == std::string_view::npos) break;
    i = close;
  }
  return out;
}

}  // namespace

Result<DependencySpec> parse_slurm_dependency(std::string_view text) {
  DependencySpec spec;
  if (is_no_value(text)) return spec;
  const bool commas = text.find(',') != std::string_view::npos;
  spec.any_of = text.find('?') != std::string_view::npos;
  if (commas && spec.any_of) return bad("mixes ',' and '?'", text);
  const char sep = spec.any_of ? '?' : ',';
  for (std::string_view rest = text;;) {
    const size_t end = rest.find(sep);
    if (spec.parts.size() == dependency_parts_max) {
      return Status::limit_exceeded("dependency has more than " +
                                    std::to_string(dependency_parts_max) + " parts");
    }
    auto part = parse_part(rest.substr(0, end));
    if (!part.ok()) return part.status();
    spec.parts.push_back(std::move(part).value());
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return spec;
}

std::string declared_dependency_text(const DependencySpec& spec) {
  std::string out;
  for (const DependencyPart& part : spec.parts) {
    if (!out.empty()) out.push_back(spec.any_of ? '?' : ',');
    out += without_status(part.raw);
  }
  return out;
}

bool dependency_narrowed(const DependencySpec& before, const DependencySpec& now) {
  auto declared = [&](Kind kind, const JobKey& target) {
    return std::any_of(before.parts.begin(), before.parts.end(), [&](const DependencyPart& p) {
      return p.kind == kind &&
             std::find(p.targets.begin(), p.targets.end(), target) != p.targets.end();
    });
  };
  for (const DependencyPart& part : now.parts) {
    if (part.kind == Kind::SINGLETON) {
      if (!std::any_of(before.parts.begin(), before.parts.end(),
                       [](const DependencyPart& p) { return p.kind == Kind::SINGLETON; })) {
        return false;
      }
    }
    for (const JobKey& target : part.targets) {
      if (!declared(part.kind, target)) return false;
    }
  }
  return true;
}

}  // namespace jobtrail::ingest::slurm
