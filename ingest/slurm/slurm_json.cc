#include "ingest/slurm/slurm_json.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace jobtrail::ingest::slurm {

namespace {

using nlohmann::json;

// SLURM's NO_VAL and INFINITE as 32-bit values: v0.0.38 prints them as plain numbers.
constexpr int64_t kNoVal32 = 0xfffffffe;
constexpr int64_t kInfinite32 = 0xffffffff;

Status bad(std::string_view key, std::string_view what) {
  return Status::invalid_argument(std::string(key) + ": " + std::string(what));
}

// The value at a path of object keys, or nullptr when a key is missing.
const json* at(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto found = node->find(key);
    if (found == node->end()) return nullptr;
    node = &*found;
  }
  return node;
}

std::string path_name(std::initializer_list<const char*> path) {
  std::string out;
  for (const char* key : path) out += (out.empty() ? "" : ".") + std::string(key);
  return out;
}

// A number in either shape: plain (v0.0.38) or {"set","infinite","number"} (v0.0.40+).
struct JsonNumber {
  bool present = false;   // the key is there and set
  bool infinite = false;  // {"infinite": true} or v0.0.38's INFINITE
  int64_t value = 0;
};

Result<int64_t> integral(const json& value, std::string_view key) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d >= -9.0e18 && d <= 9.0e18 && d == static_cast<double>(static_cast<int64_t>(d))) {
      return static_cast<int64_t>(d);
    }
    return bad(key, "the number " + value.dump() + " is not an integer");
  }
  return bad(key, "expected a number, got " + value.dump().substr(0, 64));
}

Result<JsonNumber> number_at(const json& object, std::initializer_list<const char*> path) {
  const json* node = at(object, path);
  JsonNumber out;
  if (node == nullptr || node->is_null()) return out;
  const std::string key = path_name(path);
  if (node->is_object()) {
    const json* set = at(*node, {"set"});
    const json* infinite = at(*node, {"infinite"});
    const json* number = at(*node, {"number"});
    if (infinite != nullptr && infinite->is_boolean() && infinite->get<bool>()) {
      out.present = out.infinite = true;
      return out;
    }
    if (set == nullptr || !set->is_boolean() || number == nullptr) {
      return bad(key, "expected {\"set\", \"infinite\", \"number\"}");
    }
    if (!set->get<bool>()) return out;
    node = number;
  }
  auto value = integral(*node, key);
  if (!value.ok()) return value.status();
  out.present = true;
  out.value = *value;
  return out;
}

Result<std::string> string_at(const json& object, std::initializer_list<const char*> path) {
  const json* node = at(object, path);
  if (node == nullptr || node->is_null()) return std::string();
  if (!node->is_string()) return bad(path_name(path), "expected a string");
  return node->get<std::string>();
}

// A count (cpus, nodes, ids): an unset or out-of-range number is no value.
Result<std::optional<uint32_t>> count_at(const json& object,
                                         std::initializer_list<const char*> path) {
  auto n = number_at(object, path);
  if (!n.ok()) return n.status();
  if (!n->present || n->infinite || n->value < 0 || n->value >= kNoVal32) {
    return std::optional<uint32_t>();
  }
  return std::optional<uint32_t>(static_cast<uint32_t>(n->value));
}

// Epoch seconds; 0, unset and infinite mean "no time" (SLURM prints "Unknown" for those).
Result<SlurmTime> time_at(const json& object, std::initializer_list<const char*> path) {
  auto n = number_at(object, path);
  if (!n.ok()) return n.status();
  SlurmTime out;
  if (!n->present || n->infinite || n->value <= 0 || n->value >= kNoVal32) return out;
  if (n->value > int64_t{1} << 40) return bad(path_name(path), "epoch seconds out of range");
  out.epoch_us = n->value * 1'000'000;
  out.text = std::to_string(n->value);
  return out;
}

// A time limit in minutes; infinite is UNLIMITED.
Result<SlurmDuration> limit_at(const json& object, std::initializer_list<const char*> path) {
  auto n = number_at(object, path);
  if (!n.ok()) return n.status();
  SlurmDuration out;
  if (n->infinite || (n->present && n->value == kInfinite32)) {
    out.kind = SlurmDuration::Kind::kUnlimited;
  } else if (n->present && n->value >= 0 && n->value < kNoVal32) {
    out.kind = SlurmDuration::Kind::kSeconds;
    out.seconds = n->value * 60;
  }
  return out;
}

// A state: a string (v0.0.38) or an array of words (v0.0.40+).
Result<std::vector<std::string>> words_at(const json& object,
                                          std::initializer_list<const char*> path) {
  const json* node = at(object, path);
  std::vector<std::string> words;
  if (node == nullptr || node->is_null()) return words;
  if (node->is_string()) {
    words.push_back(node->get<std::string>());
    return words;
  }
  if (!node->is_array() || node->size() > 64) {
    return bad(path_name(path), "expected a state or an array of states");
  }
  for (const json& word : *node) {
    if (!word.is_string()) return bad(path_name(path), "expected an array of strings");
    words.push_back(word.get<std::string>());
  }
  return words;
}

Result<std::optional<ExitCode>> exit_code_at(const json& object, const char* key) {
  const json* node = at(object, {key});
  if (node == nullptr || node->is_null() || !node->is_object()) {
    return std::optional<ExitCode>();  // v0.0.38 squeue's raw wait status is not read
  }
  auto code = number_at(*node, {"return_code"});
  if (!code.ok()) return code.status();
  auto signal = number_at(*node, {"signal", "id"});
  if (!signal.ok()) return signal.status();
  if (!signal->present) {
    signal = number_at(*node, {"signal", "signal_id"});  // v0.0.38
    if (!signal.ok()) return signal.status();
  }
  if (!code->present && !signal->present) return std::optional<ExitCode>();
  ExitCode out;
  if (code->present && !code->infinite) out.status = static_cast<uint32_t>(code->value & 0xff);
  if (signal->present && !signal->infinite && signal->value > 0 && signal->value < 128) {
    out.signal = static_cast<uint32_t>(signal->value);
  }
  return std::optional<ExitCode>(out);
}

// "123", "5_7", "5_[1-20%5]", "176+0": the id as squeue %i and sacct JobID print it.
std::string spelled_job_id(int64_t job_id, int64_t array_job_id,
                           std::optional<int64_t> array_task_id, std::string_view task_string,
                           int64_t het_job_id, std::optional<int64_t> het_offset) {
  if (array_job_id > 0 && array_task_id) {
    return std::to_string(array_job_id) + "_" + std::to_string(*array_task_id);
  }
  if (array_job_id > 0 && !task_string.empty()) {
    const bool single = std::all_of(task_string.begin(), task_string.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    return std::to_string(array_job_id) + (single ? "_" : "_[") + std::string(task_string) +
           (single ? "" : "]");
  }
  if (het_job_id > 0 && het_offset) {
    return std::to_string(het_job_id) + "+" + std::to_string(*het_offset);
  }
  return std::to_string(job_id);
}

Result<JobKey> key_of(const std::string& job_id) {
  auto key = JobKey::parse(job_id);
  if (!key.ok()) {
    return Status::invalid_argument("job id " + quote_value(job_id) +
                                    " is not a job key: " + key.status().message());
  }
  return key;
}

// The jobs array of a document, with the whole-document checks.
Result<json> parse_document(std::string_view document, bool drop_job_resources) {
  if (document.size() > slurm_json_document_bytes_max) {
    return Status::limit_exceeded("JSON document of " + std::to_string(document.size()) +
                                  " bytes is larger than the limit of " +
                                  std::to_string(slurm_json_document_bytes_max));
  }
  // job_resources (every core of every node) is most of a running job's bytes and nothing
  // here reads it: it is dropped while parsing.
  json::parser_callback_t drop = [drop_job_resources](int, json::parse_event_t event,
                                                      json& parsed) {
    return !(drop_job_resources && event == json::parse_event_t::key && parsed == "job_resources");
  };
  json root;
  try {
    root = json::parse(document.begin(), document.end(), drop);
  } catch (const json::exception& e) {  // nlohmann reports malformed input only by throwing
    return Status::invalid_argument(std::string("not a JSON document: ") + e.what());
  }
  if (!root.is_object()) return Status::invalid_argument("the JSON document is not an object");
  const json* jobs = at(root, {"jobs"});
  if (jobs == nullptr || !jobs->is_array()) {
    return Status::invalid_argument("the JSON document has no \"jobs\" array");
  }
  if (jobs->size() > slurm_json_jobs_max) {
    return Status::limit_exceeded("the JSON document lists " + std::to_string(jobs->size()) +
                                  " jobs, more than the limit of " +
                                  std::to_string(slurm_json_jobs_max));
  }
  return root;
}

std::string compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string data_parser_of(const json& root) {
  auto parser = string_at(root, {"meta", "plugin", "data_parser"});
  return parser.ok() ? *parser : std::string();
}

SlurmJsonJobError job_error(std::size_t index, const json& job, Status status) {
  SlurmJsonJobError e;
  e.index = index;
  if (const json* id = at(job, {"job_id"}); id != nullptr && id->is_number_integer()) {
    e.job_id = std::to_string(id->get<int64_t>());
  }
  e.status = std::move(status);
  e.text = compact(job);
  return e;
}

// The job id fields shared by both shapes, as spelled_job_id wants them.
struct IdParts {
  int64_t job_id = 0, array_job_id = 0, het_job_id = 0;
  std::optional<int64_t> array_task_id, het_offset;
  std::string task_string;
};

Status read_optional(const json& o, std::initializer_list<const char*> path,
                     std::optional<int64_t>* out) {
  auto n = number_at(o, path);
  if (!n.ok()) return n.status();
  if (n->present && !n->infinite && n->value >= 0 && n->value < kNoVal32) *out = n->value;
  return Status();
}

Status read_plain(const json& o, std::initializer_list<const char*> path, int64_t* out) {
  std::optional<int64_t> value;
  JT_RETURN_IF_ERROR(read_optional(o, path, &value));
  *out = value.value_or(0);
  return Status();
}

// Where a shape keeps the id parts: squeue's flat keys, or sacct's nested ones. Built at the
// call (the lists' arrays live as long as the call's full expression).
struct IdKeys {
  std::initializer_list<const char*> array_job_id, array_task_id, task_string, het_job_id,
      het_offset;
};

// The id parts, with the job id spelled as squeue and sacct print it and its key.
Status read_ids(const json& job, const IdKeys& keys, IdParts* p, std::string* id, JobKey* key) {
  JT_RETURN_IF_ERROR(read_plain(job, {"job_id"}, &p->job_id));
  JT_RETURN_IF_ERROR(read_plain(job, keys.array_job_id, &p->array_job_id));
  JT_RETURN_IF_ERROR(read_optional(job, keys.array_task_id, &p->array_task_id));
  JT_RETURN_IF_ERROR(read_plain(job, keys.het_job_id, &p->het_job_id));
  JT_RETURN_IF_ERROR(read_optional(job, keys.het_offset, &p->het_offset));
  auto tasks = string_at(job, keys.task_string);
  if (!tasks.ok()) return tasks.status();
  p->task_string = *tasks;
  if (p->job_id <= 0 || p->job_id >= kNoVal32) return bad("job_id", "missing or not a job id");
  *id = spelled_job_id(p->job_id, p->array_job_id, p->array_task_id, p->task_string, p->het_job_id,
                       p->het_offset);
  auto parsed = key_of(*id);
  if (!parsed.ok()) return parsed.status();
  *key = std::move(parsed).value();
  return Status();
}

// Converts every entry of "jobs"; one that does not convert becomes an error and the rest go on.
template <typename Doc, typename Convert>
Result<Doc> parse_jobs(std::string_view document, bool drop_job_resources, Convert convert) {
  auto root = parse_document(document, drop_job_resources);
  if (!root.ok()) return root.status();
  Doc out;
  out.data_parser = data_parser_of(*root);
  const json& jobs = (*root)["jobs"];
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto job = convert(jobs[i], i);
    if (!job.ok()) {
      out.errors.push_back(job_error(i, jobs[i], job.status()));
      continue;
    }
    out.jobs.push_back(std::move(job).value());
  }
  if constexpr (std::is_same_v<Doc, SqueueJsonDocument>) {
    if (auto updated = time_at(*root, {"last_update"}); updated.ok()) {
      out.last_update_us = updated->epoch_us;
    }
  }
  return out;
}

}  // namespace

SlurmState slurm_json_state(const std::vector<std::string>& words) {
  // The flags SLURM's job_state_string() prints instead of the base state, in its order.
  static constexpr std::array<std::string_view, 12> kShownFlags = {
      "STAGE_OUT",    "COMPLETING",   "CONFIGURING", "RESIZING", "REQUEUED",      "REQUEUE_FED",
      "REQUEUE_HOLD", "SPECIAL_EXIT", "STOPPED",     "REVOKED",  "RESV_DEL_HOLD", "SIGNALING"};
  std::string shown = words.empty() ? std::string() : words.front();
  std::string raw;
  for (const std::string& word : words) raw += (raw.empty() ? "" : ",") + word;
  for (std::string_view flag : kShownFlags) {
    if (words.size() > 1 && std::find(words.begin() + 1, words.end(), flag) != words.end()) {
      shown = std::string(flag);
      break;
    }
  }
  SlurmState state = parse_slurm_state(shown);
  state.raw = raw;
  return state;
}

// ---- squeue --json ----

namespace {

Status squeue_ids(const json& job, SqueueRecord& r) {
  IdParts p;
  JT_RETURN_IF_ERROR(read_ids(job,
                              IdKeys{{"array_job_id"},
                                     {"array_task_id"},
                                     {"array_task_string"},
                                     {"het_job_id"},
                                     {"het_job_offset"}},
                              &p, &r.job_id, &r.job_key));
  r.job_id_raw = std::to_string(p.job_id);
  if (p.array_job_id > 0) {
    r.array_job_id = std::to_string(p.array_job_id);
    r.array_task_id = p.array_task_id ? std::to_string(*p.array_task_id) : p.task_string;
  }
  return Status();
}

Status squeue_strings(const json& job, SqueueRecord& r) {
  const std::pair<const char*, std::string SqueueRecord::*> strings[] = {
      {"name", &SqueueRecord::name},
      {"user_name", &SqueueRecord::user},
      {"account", &SqueueRecord::account},
      {"group_name", &SqueueRecord::group},
      {"partition", &SqueueRecord::partition},
      {"qos", &SqueueRecord::qos},
      {"state_reason", &SqueueRecord::reason},
      {"nodes", &SqueueRecord::node_list},
      {"current_working_directory", &SqueueRecord::work_dir}};
  for (const auto& [key, member] : strings) {
    auto value = string_at(job, {key});
    if (!value.ok()) return value.status();
    r.*member = std::move(value).value();
  }
  return Status();
}

Status squeue_numbers(const json& job, SqueueRecord& r) {
  const std::pair<const char*, std::optional<uint32_t> SqueueRecord::*> counts[] = {
      {"user_id", &SqueueRecord::uid},
      {"group_id", &SqueueRecord::gid},
      {"node_count", &SqueueRecord::nodes},
      {"cpus", &SqueueRecord::cpus}};
  for (const auto& [key, member] : counts) {
    auto value = count_at(job, {key});
    if (!value.ok()) return value.status();
    r.*member = *value;
  }
  const std::pair<const char*, SlurmTime SqueueRecord::*> times[] = {
      {"submit_time", &SqueueRecord::submit},
      {"start_time", &SqueueRecord::start},
      {"end_time", &SqueueRecord::end}};
  for (const auto& [key, member] : times) {
    auto value = time_at(job, {key});
    if (!value.ok()) return value.status();
    r.*member = std::move(value).value();
  }
  auto limit = limit_at(job, {"time_limit"});
  if (!limit.ok()) return limit.status();
  r.time_limit = *limit;
  auto priority = number_at(job, {"priority"});
  if (!priority.ok()) return priority.status();
  if (priority->present && !priority->infinite) r.priority = std::to_string(priority->value);
  return Status();
}

Status squeue_memory(const json& job, SqueueRecord& r) {
  auto per_cpu = count_at(job, {"memory_per_cpu"});
  if (!per_cpu.ok()) return per_cpu.status();
  auto per_node = count_at(job, {"memory_per_node"});
  if (!per_node.ok()) return per_node.status();
  if (*per_cpu) {
    r.min_memory = ReqMem{uint64_t{**per_cpu} << 20, ReqMem::Per::kCpu, false};
  } else if (*per_node) {
    r.min_memory = ReqMem{uint64_t{**per_node} << 20, ReqMem::Per::kNode, false};
  }
  return Status();
}

Result<SqueueRecord> squeue_job(const json& job) {
  if (!job.is_object()) return Status::invalid_argument("a job entry is not an object");
  SqueueRecord r;
  JT_RETURN_IF_ERROR(squeue_ids(job, r));
  auto words = words_at(job, {"job_state"});
  if (!words.ok()) return words.status();
  if (words->empty()) return bad("job_state", "missing");
  r.state = slurm_json_state(*words);
  JT_RETURN_IF_ERROR(squeue_strings(job, r));
  JT_RETURN_IF_ERROR(squeue_numbers(job, r));
  JT_RETURN_IF_ERROR(squeue_memory(job, r));
  auto counted = count_hostlist_nodes(r.node_list);
  if (!counted.ok()) return bad("nodes", counted.status().message());
  r.node_count = *counted;
  return r;
}

}  // namespace

Result<SqueueJsonDocument> parse_squeue_json(std::string_view document) {
  return parse_jobs<SqueueJsonDocument>(
      document, /*drop_job_resources=*/true,
      [](const json& job, std::size_t index) -> Result<SqueueJsonJob> {
        auto record = squeue_job(job);
        if (!record.ok()) return record.status();
        return SqueueJsonJob{index, std::move(record).value(), compact(job)};
      });
}

// ---- sacct --json ----

namespace {

// "cpu=1,mem=512M,node=1,gres/gpu=2" from [{"type","name","count"}], as sacct prints TRES.
Result<std::string> tres_text(const json& job, std::initializer_list<const char*> path) {
  const json* list = at(job, path);
  if (list == nullptr || list->is_null()) return std::string();
  if (!list->is_array()) return bad(path_name(path), "expected an array of TRES");
  std::string out;
  for (const json& entry : *list) {
    auto type = string_at(entry, {"type"});
    auto name = string_at(entry, {"name"});
    auto count = number_at(entry, {"count"});
    if (!type.ok() || !name.ok() || !count.ok()) return bad(path_name(path), "a malformed TRES");
    if (!count->present || count->value < 0) continue;  // energy -2: not measured
    out += (out.empty() ? "" : ",") + *type + (name->empty() ? "" : "/" + *name) + "=" +
           std::to_string(count->value) + (*type == "mem" ? "M" : "");
  }
  return out;
}

Status sacct_ids(const json& job, SacctRecord& r) {
  IdParts p;
  JT_RETURN_IF_ERROR(read_ids(job,
                              IdKeys{{"array", "job_id"},
                                     {"array", "task_id"},
                                     {"array", "task"},
                                     {"het", "job_id"},
                                     {"het", "job_offset"}},
                              &p, &r.job_id, &r.job_key));
  r.job_id_raw = std::to_string(p.job_id);
  return Status();
}

Status sacct_strings(const json& job, SacctRecord& r) {
  const std::pair<const char*, std::string SacctRecord::*> strings[] = {
      {"cluster", &SacctRecord::cluster}, {"partition", &SacctRecord::partition},
      {"qos", &SacctRecord::qos},         {"account", &SacctRecord::account},
      {"group", &SacctRecord::group},     {"user", &SacctRecord::user},
      {"nodes", &SacctRecord::node_list}, {"name", &SacctRecord::job_name}};
  for (const auto& [key, member] : strings) {
    auto value = string_at(job, {key});
    if (!value.ok()) return value.status();
    r.*member = std::move(value).value();
  }
  return Status();
}

// time{submission, eligible, start, end, elapsed, limit}, shared by jobs and steps.
Status sacct_times(const json& entry, SacctRecord& r) {
  const std::pair<const char*, SlurmTime SacctRecord::*> times[] = {
      {"submission", &SacctRecord::submit},
      {"eligible", &SacctRecord::eligible},
      {"start", &SacctRecord::start},
      {"end", &SacctRecord::end}};
  for (const auto& [key, member] : times) {
    auto value = time_at(entry, {"time", key});
    if (!value.ok()) return value.status();
    r.*member = std::move(value).value();
  }
  std::optional<int64_t> elapsed;
  JT_RETURN_IF_ERROR(read_optional(entry, {"time", "elapsed"}, &elapsed));
  r.elapsed_s = elapsed;
  auto limit = limit_at(entry, {"time", "limit"});
  if (!limit.ok()) return limit.status();
  r.timelimit = *limit;
  auto exit = exit_code_at(entry, "exit_code");
  if (!exit.ok()) return exit.status();
  r.exit_code = *exit;
  return Status();
}

Status sacct_resources(const json& job, SacctRecord& r) {
  auto cpus = count_at(job, {"required", "CPUs"});
  if (!cpus.ok()) return cpus.status();
  r.req_cpus = *cpus;
  auto nodes = count_at(job, {"allocation_nodes"});
  if (!nodes.ok()) return nodes.status();
  r.nnodes = *nodes;
  auto per_cpu = count_at(job, {"required", "memory_per_cpu"});
  auto per_node = count_at(job, {"required", "memory_per_node"});
  auto memory = count_at(job, {"required", "memory"});  // v0.0.38: MiB per node
  if (!per_cpu.ok() || !per_node.ok() || !memory.ok()) return bad("required", "malformed memory");
  if (*per_cpu) r.req_mem = ReqMem{uint64_t{**per_cpu} << 20, ReqMem::Per::kCpu, false};
  if (!*per_cpu && *per_node) {
    r.req_mem = ReqMem{uint64_t{**per_node} << 20, ReqMem::Per::kNode, false};
  }
  if (!*per_cpu && !*per_node && *memory) {
    r.req_mem = ReqMem{uint64_t{**memory} << 20, ReqMem::Per::kNode, false};
  }
  auto requested = tres_text(job, {"tres", "requested"});
  if (!requested.ok()) return requested.status();
  r.req_tres = *requested;
  auto allocated = tres_text(job, {"tres", "allocated"});
  if (!allocated.ok()) return allocated.status();
  r.alloc_tres = *allocated;
  if (const uint32_t n = tres_count(r.alloc_tres, "cpu"); n > 0) r.ncpus = n;
  return Status();
}

Status node_count_of(SacctRecord& r) {
  auto counted = count_hostlist_nodes(r.node_list);
  if (!counted.ok()) return bad("nodes", counted.status().message());
  r.node_count = *counted;
  return Status();
}

// One steps[] entry, as sacct prints a step row: "<job>.<step>" with the job's fields.
Result<SacctRecord> sacct_step(const json& step, const SacctRecord& job) {
  if (!step.is_object()) return Status::invalid_argument("a step entry is not an object");
  SacctRecord r;
  r.job_key = job.job_key;
  r.job_id_raw = job.job_id_raw;
  r.cluster = job.cluster;
  r.partition = job.partition;
  r.qos = job.qos;
  r.account = job.account;
  r.group = job.group;
  r.user = job.user;
  r.is_step = true;
  const json* id = at(step, {"step", "id"});
  if (id != nullptr && id->is_number_integer()) {
    r.step = std::to_string(id->get<int64_t>());
  } else {
    auto text = string_at(step, {"step", "id"});
    if (!text.ok()) return text.status();
    // "649718.batch" (v0.0.40+), or the bare "batch" of older versions.
    const std::size_t dot = text->find('.');
    r.step = dot == std::string::npos ? *text : text->substr(dot + 1);
  }
  if (r.step.empty()) return bad("steps[].step.id", "missing");
  r.job_id = job.job_id + "." + r.step;
  auto name = string_at(step, {"step", "name"});
  if (!name.ok()) return name.status();
  r.job_name = *name;
  auto words = words_at(step, {"state"});
  if (!words.ok()) return words.status();
  r.state = slurm_json_state(*words);
  JT_RETURN_IF_ERROR(sacct_times(step, r));
  auto nodes = string_at(step, {"nodes", "range"});
  if (!nodes.ok()) return nodes.status();
  r.node_list = *nodes;
  auto count = count_at(step, {"nodes", "count"});
  if (!count.ok()) return count.status();
  r.nnodes = *count;
  auto allocated = tres_text(step, {"tres", "allocated"});
  if (!allocated.ok()) return allocated.status();
  r.alloc_tres = *allocated;
  if (const uint32_t n = tres_count(r.alloc_tres, "cpu"); n > 0) r.ncpus = n;
  JT_RETURN_IF_ERROR(node_count_of(r));
  return r;
}

Result<SacctJsonJob> sacct_job(const json& job, std::size_t index) {
  if (!job.is_object()) return Status::invalid_argument("a job entry is not an object");
  SacctJsonJob out;
  out.index = index;
  SacctRecord& r = out.job;
  JT_RETURN_IF_ERROR(sacct_ids(job, r));
  auto words = words_at(job, {"state", "current"});
  if (!words.ok()) return words.status();
  if (words->empty()) return bad("state.current", "missing");
  r.state = slurm_json_state(*words);
  JT_RETURN_IF_ERROR(sacct_strings(job, r));
  JT_RETURN_IF_ERROR(sacct_times(job, r));
  JT_RETURN_IF_ERROR(sacct_resources(job, r));
  JT_RETURN_IF_ERROR(node_count_of(r));
  if (const json* steps = at(job, {"steps"}); steps != nullptr && !steps->is_null()) {
    if (!steps->is_array()) return bad("steps", "expected an array");
    if (steps->size() > slurm_json_steps_max) return bad("steps", "more steps than the limit");
    for (const json& step : *steps) {
      auto record = sacct_step(step, r);
      if (!record.ok()) return record.status();
      out.steps.push_back(std::move(record).value());
    }
  }
  out.text = compact(job);
  return out;
}

}  // namespace

Result<SacctJsonDocument> parse_sacct_json(std::string_view document) {
  return parse_jobs<SacctJsonDocument>(document, /*drop_job_resources=*/false, sacct_job);
}

}  // namespace jobtrail::ingest::slurm
