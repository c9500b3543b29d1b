// Wait & usage (#/charts?cluster=C&by=partition&usage=user): charts of how long jobs waited
// from submission to start (GET /api/wait-times) and what they used (GET /api/usage), drawn
// with Chart.js (Debian's libjs-chart.js, compiled into the binary; window.Chart).

import { getJSON, withQuery } from "./api.js";
import { h, fmtDuration, fmtNum, fmtInt, errorBox } from "./ui.js";

const TOP_GROUPS = 15;
// Wait statistics scan every job (~0.1 s per 100k jobs on the server's loop): charts follow
// live events at most this often, the last burst always drawn.
const REFRESH_MS_MIN = 5000;
const DAYS_MAX = 180;
const BLUE = "#2f80ed", AMBER = "#e8a33d", GREEN = "#27ae60";

Chart.defaults.animation = false; // live updates redraw at once; no motion on every event
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue("--font").trim() || "system-ui";
Chart.defaults.color = "#4a5568";
Chart.defaults.plugins.legend.labels.boxWidth = 12;

// Waits are drawn in hours (round ticks); tooltips give the exact duration.
const hours = (s) => (s === null || s === undefined ? null : s / 3600);
const durationAxis = { beginAtZero: true, title: { display: true, text: "wait (hours)" } };
const durationTooltip = { callbacks: { label: (c) => c.dataset.label + ": " + fmtDuration(c.raw * 3600) } };

function card(title, id, extra) {
  return h("section", { class: "card chart-card" }, h("div", { class: "card-head" }, h("h2", null, title), extra || null),
    h("div", { class: "chart-box", id: id + "-box" }, h("canvas", { id })));
}

function tile(label, value, name) {
  return h("div", { class: "stat", dataset: { stat: name } }, h("b", { class: "num" }, value), h("span", null, label));
}

export function chartsView(params) {
  let root = null;
  const charts = new Map(); // canvas id -> Chart
  const cluster = params.get("cluster") || "";
  const by = params.get("by") || "partition";
  const usageBy = params.get("usage") || "user";

  function draw(id, config) {
    const old = charts.get(id);
    if (old) {
      old.data = config.data;
      old.update("none");
      return;
    }
    const canvas = root.querySelector("#" + id);
    if (canvas) charts.set(id, new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, ...config.options } }));
  }

  function showError(id, error) {
    const box = root.querySelector("#" + id + "-box");
    if (box) box.replaceChildren(errorBox(error));
  }

  function selector(name, value, options) {
    return h("select", {
      name, onchange: (e) => {
        const q = new URLSearchParams(params);
        q.set(name, e.target.value);
        location.hash = "#/charts?" + q.toString();
      },
    }, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
  }

  async function loadWaits() {
    const all = await getJSON(withQuery("/api/wait-times", { cluster }));
    root.querySelector("#wait-tiles").replaceChildren(
      tile("jobs started", fmtInt(all.count), "started"), tile("median wait", fmtDuration(all.p50_s), "p50"),
      tile("90th percentile", fmtDuration(all.p90_s), "p90"), tile("99th percentile", fmtDuration(all.p99_s), "p99"),
      tile("mean", fmtDuration(all.mean_s), "mean"), tile("pending now", fmtInt(all.pending), "pending"));
    draw("wait-hist", {
      type: "bar",
      data: { labels: all.buckets.map((b) => b.label), datasets: [{ label: "jobs", data: all.buckets.map((b) => b.count), backgroundColor: BLUE }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: "jobs" } } } },
    });
    const grouped = await getJSON(withQuery("/api/wait-times", { cluster, by, limit: TOP_GROUPS }));
    draw("wait-groups", {
      type: "bar",
      data: {
        labels: grouped.groups.map((g) => g.key || "(none)"),
        datasets: [
          { label: "median", data: grouped.groups.map((g) => hours(g.p50_s)), backgroundColor: BLUE },
          { label: "90th percentile", data: grouped.groups.map((g) => hours(g.p90_s)), backgroundColor: AMBER },
        ],
      },
      options: { scales: { y: durationAxis }, plugins: { tooltip: durationTooltip } },
    });
    const days = await getJSON(withQuery("/api/wait-times", { cluster, by: "day", limit: DAYS_MAX }));
    draw("wait-days", {
      type: "line",
      data: {
        labels: days.groups.map((g) => g.key),
        datasets: [
          { label: "median", data: days.groups.map((g) => hours(g.p50_s)), borderColor: BLUE, backgroundColor: BLUE, pointRadius: 2 },
          { label: "90th percentile", data: days.groups.map((g) => hours(g.p90_s)), borderColor: AMBER, backgroundColor: AMBER, pointRadius: 2 },
        ],
      },
      options: { scales: { y: durationAxis }, plugins: { tooltip: durationTooltip } },
    });
  }

  async function loadUsage() {
    try {
      const rows = (await getJSON(withQuery("/api/usage", { by: usageBy, cluster }))).usage;
      const top = rows.slice().sort((a, b) => b.core_hours - a.core_hours).slice(0, TOP_GROUPS);
      draw("usage-top", {
        type: "bar",
        data: {
          labels: top.map((r) => r[usageBy] || "(none)"),
          datasets: [{ label: "core-hours", data: top.map((r) => r.core_hours), backgroundColor: GREEN }],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => fmtNum(c.raw) + " core-hours" } } } },
      });
    } catch (error) {
      showError("usage-top", error);
    }
    try {
      const days = (await getJSON(withQuery("/api/usage", { by: "day", cluster }))).usage.slice(-DAYS_MAX);
      draw("usage-days", {
        type: "bar",
        data: { labels: days.map((r) => r.day), datasets: [{ label: "core-hours", data: days.map((r) => r.core_hours), backgroundColor: GREEN }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: "core-hours" } } } },
      });
    } catch (error) {
      showError("usage-days", error);
    }
  }

  let loadedAt = 0;
  let trailing = null;
  async function load() {
    loadedAt = Date.now();
    await loadWaits();
    await loadUsage();
  }

  return {
    tab: "charts",
    async mount(el) {
      root = el;
      try {
        const overview = await getJSON("/api/clusters");
        const clusters = overview.clusters.map((c) => [c.cluster, c.cluster]);
        root.replaceChildren(
          h("div", { class: "toolbar" }, h("label", null, "Cluster ", selector("cluster", cluster, [["", "all clusters"], ...clusters]))),
          h("section", { class: "card" }, h("h2", null, "Wait from submission to start"), h("div", { class: "stats", id: "wait-tiles" })),
          h("div", { class: "chart-grid" },
            card("Wait time distribution", "wait-hist"),
            card("Wait by " + by + " (largest " + TOP_GROUPS + ")", "wait-groups",
              selector("by", by, [["partition", "by partition"], ["user", "by user"], ["account", "by account"]])),
            card("Wait by day of submission", "wait-days"),
            card("Usage by " + usageBy + " (top " + TOP_GROUPS + ")", "usage-top",
              selector("usage", usageBy, [["user", "by user"], ["account", "by account"], ["partition", "by partition"]])),
            card("Core-hours by day", "usage-days")));
        await load();
      } catch (error) {
        root.replaceChildren(errorBox(error));
      }
    },
    async onEvents() {
      const wait = loadedAt + REFRESH_MS_MIN - Date.now();
      if (wait <= 0) return load();
      if (!trailing) {
        trailing = setTimeout(() => {
          trailing = null;
          load().catch(() => {});
        }, wait);
      }
    },
    unmount() {
      clearTimeout(trailing);
      for (const chart of charts.values()) chart.destroy();
      charts.clear();
    },
  };
}
