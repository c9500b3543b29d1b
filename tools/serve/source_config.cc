#include "tools/serve/source_config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ingest/pbs/pbs_tailer.h"
#include "ingest/slurm/poller.h"
#include "ingest/slurm/slurm_commands.h"

namespace jobtrail::tools {

namespace {

using nlohmann::json;

constexpr size_t kStringBytesMax = 4096;

Status check_keys(const json& object, const std::string& where,
                  std::initializer_list<std::string_view> known) {
  if (!object.is_object()) return Status::invalid_argument(where + ": expected an object");
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Status::invalid_argument(where + ": unknown key \"" + key + "\"");
    }
  }
  return Status();
}

Status read_string(const json& object, const char* key, const std::string& where,
                   std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status();
  if (!it->is_string() || it->get_ref<const std::string&>().size() > kStringBytesMax) {
    return Status::invalid_argument(where + "." + key + ": expected a string");
  }
  *out = it->get<std::string>();
  return Status();
}

Status read_u32(const json& object, const char* key, const std::string& where, uint32_t* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status();
  if (!it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX) {
    return Status::invalid_argument(where + "." + key + ": expected a whole number");
  }
  *out = it->get<uint32_t>();
  return Status();
}

Status read_slurm(const json& j, const std::string& where, SlurmSourceSpec* s) {
  JT_RETURN_IF_ERROR(check_keys(j, where,
                                {"cluster", "ssh", "poll_interval_ms", "tz", "squeue", "sacct",
                                 "command_timeout_ms", "backoff_max_ms"}));
  if (!j.contains("cluster")) return Status::invalid_argument(where + ": needs \"cluster\"");
  JT_RETURN_IF_ERROR(read_string(j, "cluster", where, &s->cluster));
  JT_RETURN_IF_ERROR(read_string(j, "ssh", where, &s->ssh_host));
  JT_RETURN_IF_ERROR(read_string(j, "tz", where, &s->time_zone));
  JT_RETURN_IF_ERROR(read_string(j, "squeue", where, &s->squeue));
  JT_RETURN_IF_ERROR(read_string(j, "sacct", where, &s->sacct));
  JT_RETURN_IF_ERROR(read_u32(j, "poll_interval_ms", where, &s->poll_interval_ms));
  JT_RETURN_IF_ERROR(read_u32(j, "command_timeout_ms", where, &s->command_timeout_ms));
  return read_u32(j, "backoff_max_ms", where, &s->backoff_max_ms);
}

Status read_pbs(const json& j, const std::string& where, PbsSourceSpec* s) {
  JT_RETURN_IF_ERROR(check_keys(j, where, {"dir", "cluster", "tz", "poll_interval_ms"}));
  if (!j.contains("dir")) return Status::invalid_argument(where + ": needs \"dir\"");
  JT_RETURN_IF_ERROR(read_string(j, "dir", where, &s->dir));
  JT_RETURN_IF_ERROR(read_string(j, "cluster", where, &s->cluster));
  JT_RETURN_IF_ERROR(read_string(j, "tz", where, &s->time_zone));
  return read_u32(j, "poll_interval_ms", where, &s->poll_interval_ms);
}

Result<json> parse_file(const std::string& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return Status::invalid_argument(path + ": " + ec.message());
  if (bytes > sources_config_bytes_max) {
    return Status::limit_exceeded(path + " is larger than " +
                                  std::to_string(sources_config_bytes_max) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::io_error("cannot read " + path);
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid_argument(path + ": not JSON");
  return j;
}

}  // namespace

Status read_sources_config(const std::string& path, SourceSpecs* specs) {
  auto parsed = parse_file(path);
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;
  JT_RETURN_IF_ERROR(check_keys(j, path, {"slurm", "pbs"}));
  for (const char* kind : {"slurm", "pbs"}) {
    auto list = j.find(kind);
    if (list == j.end()) continue;
    if (!list->is_array() || list->size() > serve_sources_max) {
      return Status::invalid_argument(path + ": \"" + kind + "\" must be a list of at most " +
                                      std::to_string(serve_sources_max) + " sources");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string where = path + ": " + kind + "[" + std::to_string(i) + "]";
      if (std::string_view(kind) == "slurm") {
        JT_RETURN_IF_ERROR(read_slurm((*list)[i], where, &specs->slurm.emplace_back()));
      } else {
        JT_RETURN_IF_ERROR(read_pbs((*list)[i], where, &specs->pbs.emplace_back()));
      }
    }
  }
  return Status();
}

Status validate_sources(const SourceSpecs& specs) {
  if (specs.size() > serve_sources_max) {
    return Status::invalid_argument("at most " + std::to_string(serve_sources_max) + " sources");
  }
  std::set<std::string> names;
  for (const SlurmSourceSpec& s : specs.slurm) {
    if (s.cluster.empty()) return Status::invalid_argument("a SLURM source needs a cluster name");
    if (s.poll_interval_ms < ingest::slurm::poll_interval_ms_min) {
      return Status::invalid_argument("slurm/" + s.cluster + ": poll interval must be at least " +
                                      std::to_string(ingest::slurm::poll_interval_ms_min) + " ms");
    }
    JT_RETURN_IF_ERROR(ingest::slurm::validate_site({s.ssh_host, s.squeue, s.sacct}));
    if (!names.insert(source_name(s)).second) {
      return Status::invalid_argument(source_name(s) + " is configured twice");
    }
  }
  for (const PbsSourceSpec& s : specs.pbs) {
    if (s.dir.empty() || s.cluster.empty()) {
      return Status::invalid_argument("a PBS source needs a directory and a cluster name");
    }
    if (s.poll_interval_ms < ingest::pbs::tail_poll_interval_ms_min ||
        s.poll_interval_ms > ingest::pbs::tail_poll_interval_ms_max) {
      return Status::invalid_argument("pbs " + s.dir + ": poll interval out of range");
    }
    if (!names.insert(source_name(s)).second) {
      return Status::invalid_argument(source_name(s) + " is configured twice");
    }
  }
  return Status();
}

std::string source_name(const SlurmSourceSpec& spec) {
  return "slurm/" + spec.cluster;
}

std::string source_name(const PbsSourceSpec& spec) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(spec.dir, ec);
  return "pbs/" + spec.cluster + ":" + (ec ? spec.dir : absolute.lexically_normal().string());
}

}  // namespace jobtrail::tools
