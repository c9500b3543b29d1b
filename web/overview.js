// Overview (#/): one card per cluster from GET /api/clusters — jobs by state, running and
// pending, arrays, the latest failures, the SLURM poller's health — and the live event feed.

import { getJSON } from "./api.js";
import {
  h, stackedBar, legend, fmtInt, fmtTime, jobLink, stateBadge, section, empty, reloadingView,
} from "./ui.js";

const FAILED_STATES = ["FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"];

function stat(name, label, value, tone, title) {
  return h("div", { class: "stat" + (tone ? " " + tone : ""), dataset: { stat: name }, title },
    h("b", { class: "num" }, fmtInt(value)), h("span", null, label));
}

function healthLine(source) {
  if (!source) return h("span", { class: "muted small" }, "no live source (imported)");
  const parts = source.health.map((s) =>
    h("span", { class: "health " + (s.up ? "up" : "down"), title: s.error || "answering" },
      s.source, " ", s.up ? "up" : "down"));
  parts.push(h("span", { class: "muted small" },
    fmtInt(source.polls) + " polls · last answer " + fmtTime(source.last_success_at)));
  return h("span", { class: "healths" }, parts);
}

function failuresTable(c) {
  if (!c.recent_failures.length) return empty("No failed jobs.");
  return h("div", { class: "scroll-x" }, h("table", { class: "grid compact" },
    h("thead", null, h("tr", null, ["Job", "State", "User", "Ended", "Exit"].map((t) =>
      h("th", { class: t === "Exit" ? "num" : null }, t)))),
    h("tbody", null, c.recent_failures.map((f) => h("tr", { title: f.name || "" },
      h("td", { class: "clip" }, jobLink(c.cluster, f.job)), h("td", null, stateBadge(f.state)),
      h("td", null, f.user || "–"),
      h("td", { class: "mono" }, fmtTime(f.end_at)), h("td", { class: "num" }, f.exit_code ?? "–"))))));
}

function clusterCard(c) {
  const failed = FAILED_STATES.reduce((n, s) => n + (c.states[s] || 0), 0);
  return h("article", { class: "card cluster", dataset: { cluster: c.cluster } },
    h("header", { class: "card-head" },
      h("h2", null, c.cluster),
      healthLine(c.source)),
    h("div", { class: "stats" },
      stat("jobs", "jobs", c.jobs),
      stat("running", "running", c.running, "running"),
      stat("pending", "pending", c.pending, "pending"),
      stat("failed", "failed", failed, failed ? "failed" : "", "FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE"),
      h("a", { href: "#/arrays?cluster=" + encodeURIComponent(c.cluster), class: "stat-link" },
        stat("arrays", "arrays", c.arrays))),
    stackedBar(c.states, c.jobs),
    legend(c.states),
    h("h3", null, "Recent failures"),
    failuresTable(c));
}

export function eventSummary(e) {
  const b = e.body || {};
  let what = e.type;
  if (e.type === "JobStateChanged") what = (b.from || "?") + " → " + (b.to || "?");
  else if (e.type === "JobSubmitted") what = "submitted (" + (b.state || "PENDING") + ")";
  else if (e.type === "SourceStatus") what = "source " + b.source + (b.reachable ? " up" : " down");
  else if (e.type === "JobFieldsUpdated") what = "fields " + Object.keys(b.fields || {}).join(", ");
  return what;
}

function feedList(events) {
  if (!events.length) return empty("Waiting for events… (new ones appear here as they are appended)");
  return h("ol", { class: "feed" }, events.map((e) => h("li", null,
    h("span", { class: "mono muted" }, "#" + e.seq),
    h("span", { class: "mono" }, fmtTime(e.effective_at)),
    h("span", null, e.cluster, " ", e.job ? jobLink(e.cluster, e.job) : ""),
    h("span", null, eventSummary(e)))));
}

export function overviewView(live) {
  return reloadingView("overview", async (root) => {
    const data = await getJSON("/api/clusters");
    const cards = data.clusters.length
      ? data.clusters.map(clusterCard)
      : [empty("No jobs yet: import some (jobtrail ingest ...) or point a poller at a cluster.")];
    root.replaceChildren(
      h("div", { class: "cluster-grid" }, cards),
      section("Live events", h("div", { id: "feed" }, feedList(live.recent))));
    root.dataset.seq = data.seq;
  });
}
