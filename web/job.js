// One job (#/job/CLUSTER/JOB): its facts, the transition timeline with the source of every
// point (GET .../history and .../audit), its raw accounting records (.../records) and its
// dependencies (.../deps). A live event for this job re-reads them (each a 304 if unchanged).

import { getJSON, jobPath } from "./api.js";
import {
  h, fmtInt, fmtTime, fmtDuration, seconds, stateBadge, section, empty, errorBox, jobLink, stateColor,
  reloadingView,
} from "./ui.js";

// Where a fact came from, without its kind (shown beside it): "data/x.log:15 @4888".
function sourceText(src) {
  if (!src) return "unknown source";
  let text = src.origin || "";
  if (src.line !== undefined) text += ":" + src.line;
  if (src.offset !== undefined) text += " @" + src.offset;
  if (src.poll_id) text += " poll " + src.poll_id;
  if (src.command) text += " (" + src.command + ")";
  return text.trim() || "no origin recorded";
}

function facts(job) {
  const wait = seconds(job.submit_at, job.start_at);
  const run = seconds(job.start_at, job.end_at);
  const rows = [
    ["User", job.user], ["Group", job.group], ["Account", job.account], ["Partition", job.partition],
    ["QOS", job.qos], ["Name", job.name], ["Submitted", fmtTime(job.submit_at)],
    ["Started", fmtTime(job.start_at)], ["Ended", fmtTime(job.end_at)],
    ["Waited", fmtDuration(wait)], ["Ran", fmtDuration(run)], ["CPUs", fmtInt(job.cpus)],
    ["Nodes", job.nodes], ["Time limit", job.time_limit_s !== undefined ? fmtDuration(job.time_limit_s) : null],
    ["Exit code", job.exit_code], ["Signal", job.signal], ["Reason", job.reason],
    ["Raw state", job.raw_state], ["Work dir", job.work_dir],
  ];
  const dl = h("dl", { class: "facts" });
  for (const [k, v] of rows) {
    if (v === undefined || v === null || v === "" || v === "–") continue;
    dl.append(h("dt", null, k), h("dd", null, String(v)));
  }
  if (job.array_parent) {
    dl.append(h("dt", null, "Array"), h("dd", null,
      h("a", { href: "#/jobs?cluster=" + encodeURIComponent(job.cluster) + "&array=" + encodeURIComponent(job.array_parent) },
        job.array_parent), " task " + job.array_task));
  }
  for (const [k, v] of Object.entries(job.fields || {})) dl.append(h("dt", null, k), h("dd", null, v));
  return dl;
}

// Pending, running: the job's life as one proportional bar.
function phases(job) {
  const wait = seconds(job.submit_at, job.start_at);
  const run = seconds(job.start_at, job.end_at);
  if (wait === null && run === null) return null;
  const total = (wait || 0) + (run || 0) || 1;
  const bar = h("div", { class: "stack phases" });
  for (const [label, state, s] of [["waiting", "PENDING", wait], ["running", "RUNNING", run]]) {
    if (s === null) continue;
    const seg = h("span", { class: "seg", title: label + " " + fmtDuration(s) });
    seg.style.width = Math.max(0.5, (100 * s) / total) + "%";
    seg.style.background = stateColor(state);
    bar.append(seg);
  }
  return h("div", null, bar, h("p", { class: "muted small" },
    "waited " + fmtDuration(wait) + (run !== null ? " · ran " + fmtDuration(run) : "")));
}

function timeline(history, audit) {
  const flags = new Map(audit.map((a) => [a.seq, a.flags]));
  if (!history.length) return empty("No transitions recorded.");
  return h("ol", { class: "timeline", id: "timeline" }, history.map((e) => {
    const flagged = flags.get(e.seq) || [];
    const dot = h("i", { class: "tl-dot" });
    dot.style.background = stateColor(e.to);
    return h("li", { class: flagged.length ? "flagged" : "", dataset: { seq: e.seq, to: e.to } },
      dot,
      h("div", { class: "tl-head" },
        h("span", { class: "mono" }, fmtTime(e.effective_at)),
        e.from ? h("span", null, stateBadge(e.from), " → ") : h("span", { class: "muted" }, "submitted → "),
        stateBadge(e.to),
        e.reason ? h("span", { class: "muted" }, " (" + e.reason + ")") : null,
        e.exit_code !== undefined ? h("span", { class: "muted" }, " exit " + e.exit_code) : null),
      h("div", { class: "tl-source" },
        h("span", { class: "src-kind" }, e.source ? e.source.kind : "?"),
        h("span", { class: "mono small", title: "where this fact came from" }, sourceText(e.source)),
        h("span", { class: "muted small" }, "seq " + e.seq + " · observed " + fmtTime(e.observed_at) +
          (e.effective_basis ? " · time basis " + e.effective_basis.toLowerCase() : ""))),
      flagged.map((f) => h("div", { class: "flag" }, "⚠ " + f.rule + ": " + f.reason)));
  }));
}

function records(list) {
  if (!list.length) return empty("No raw records kept for this job.");
  return h("div", { class: "records" }, list.map((r) => h("details", { open: list.length <= 3 },
    h("summary", null, h("b", null, r.format), " ", r.step ? "step " + r.step + " · " : "",
      h("span", { class: "src-kind" }, r.source), " ",
      h("span", { class: "mono small" }, sourceText({ origin: r.origin, line: r.line, offset: r.offset })),
      h("span", { class: "muted small" }, " · seq " + r.seq + " · " + fmtInt(r.raw_bytes) + " bytes (" + fmtInt(r.stored_bytes) + " stored)")),
    h("pre", { class: "raw" }, r.raw))));
}

function depRows(edges) {
  return h("table", { class: "grid compact" },
    h("thead", null, h("tr", null, ["Kind", "Target", "Its state", "Status", "Why"].map((t) => h("th", null, t)))),
    h("tbody", null, edges.map((e) => h("tr", null,
      h("td", { class: "mono" }, e.raw || e.kind), h("td", null, e.cluster, " ", jobLink(e.cluster, e.target)),
      h("td", null, e.target_state ? stateBadge(e.target_state) : "–"),
      h("td", null, h("span", { class: "dep " + String(e.status).toLowerCase() }, e.status)),
      h("td", { class: "muted" }, e.reason || "")))));
}

function deps(d) {
  const parts = [];
  if (!d.depends_on.length && !d.dependents.length) return empty("No dependencies, and no job waits on this one.");
  if (d.depends_on.length) {
    parts.push(h("p", null, d.can_run
      ? h("span", { class: "health up" }, "can run: every dependency is satisfied")
      : h("span", { class: "health down" }, d.never ? "can never run" : "cannot run yet"),
      d.any_of ? h("span", { class: "muted" }, " (any one of these is enough)") : null));
    parts.push(depRows(d.depends_on));
  }
  if (d.dependents.length) {
    parts.push(h("h3", null, "Jobs waiting on this one"));
    parts.push(h("ul", { class: "inline" }, d.dependents.map((x) =>
      h("li", null, jobLink(x.cluster, x.job), " ", h("span", { class: "muted" }, x.kind), " ", x.state ? stateBadge(x.state) : ""))));
  }
  return h("div", null, parts);
}

export function jobView(cluster, jobId) {
  return reloadingView("jobs", async (root, events) => {
    // Any event of its cluster may change this job's dependencies' states.
    if (events && !events.some((e) => e.cluster === cluster)) return;
    const base = jobPath(cluster, jobId);
    const [job, history, audit, recs, dep] = await Promise.all([
      getJSON(base), getJSON(base + "/history"), getJSON(base + "/audit"), getJSON(base + "/records"),
      getJSON(base + "/deps").catch((e) => ({ error: e })),
    ]);
    root.replaceChildren(
      h("section", { class: "card", id: "job", dataset: { state: job.state, seq: job.seq } },
        h("div", { class: "card-head" },
          h("h2", null, h("span", { class: "muted" }, job.cluster + " / "), h("span", { class: "mono" }, job.job), " ", stateBadge(job.state)),
          h("span", { class: "muted small" }, "ETag seq " + job.seq)),
        phases(job), facts(job)),
      section("Timeline (" + history.history.length + " transitions, each with its source)", timeline(history.history, audit.audit)),
      section("Dependencies", dep.error ? errorBox(dep.error) : deps(dep)),
      section("Raw records (" + recs.records.length + ")", records(recs.records)));
  });
}
