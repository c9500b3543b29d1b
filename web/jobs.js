// Jobs (#/jobs?state=&user=&cluster=&array=&since=): GET /api/jobs with the server's filters,
// a page at a time ("Load more" follows the `next` cursor), a quick search over the loaded rows
// and sorting by any column. Live events re-read the loaded pages (304s when nothing changed).

import { getJSON, withQuery } from "./api.js";
import { h, fmtInt, fmtTime, fmtDuration, seconds, jobLink, stateBadge, empty, errorBox, STATE_ORDER } from "./ui.js";

const PAGE_JOBS = 200;
const FILTERS = ["cluster", "state", "user", "array", "since"];

const COLUMNS = [
  { key: "cluster", label: "Cluster", value: (j) => j.cluster },
  { key: "job", label: "Job", value: (j) => j.job, cell: (j) => jobLink(j.cluster, j.job), numericKey: true },
  { key: "name", label: "Name", value: (j) => j.name || "", cls: "clip" },
  { key: "user", label: "User", value: (j) => j.user || "" },
  { key: "partition", label: "Partition", value: (j) => j.partition || "" },
  { key: "state", label: "State", value: (j) => j.state, cell: (j) => stateBadge(j.state) },
  { key: "submit_at", label: "Submitted", value: (j) => j.submit_at || "", cell: (j) => fmtTime(j.submit_at), cls: "mono" },
  { key: "wait", label: "Wait", value: (j) => seconds(j.submit_at, j.start_at) ?? -1, cell: (j) => fmtDuration(seconds(j.submit_at, j.start_at)), cls: "num" },
  { key: "run", label: "Run time", value: (j) => seconds(j.start_at, j.end_at) ?? -1, cell: (j) => fmtDuration(seconds(j.start_at, j.end_at)), cls: "num" },
  { key: "cpus", label: "CPUs", value: (j) => j.cpus || 0, cell: (j) => fmtInt(j.cpus), cls: "num" },
  { key: "exit_code", label: "Exit", value: (j) => j.exit_code ?? -1, cell: (j) => j.exit_code ?? "–", cls: "num" },
];

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "en", { numeric: true });
}

function filterForm(params, clusters) {
  const input = (name, placeholder, type = "text") =>
    h("input", { name, placeholder, type, value: params.get(name) || "" });
  const select = (name, options, all) =>
    h("select", { name }, h("option", { value: "" }, all),
      options.map((o) => h("option", { value: o, selected: params.get(name) === o }, o)));
  return h("form", { class: "filters", id: "job-filters" },
    select("cluster", clusters, "all clusters"),
    select("state", STATE_ORDER, "any state"),
    input("user", "user"),
    input("array", "array id"),
    input("since", "since (ISO / epoch)"),
    h("button", { class: "primary", type: "submit" }, "Filter"),
    h("a", { href: "#/jobs", class: "link" }, "clear"));
}

export function jobsView(params) {
  let root = null;
  let rows = [];
  let next = null;
  let pages = 1;
  let sort = { key: null, dir: 1 };
  let quick = "";
  let clusters = [];
  const query = {};
  for (const f of FILTERS) query[f] = params.get(f) || "";

  async function fetchPages(count) {
    const all = [];
    let after = null;
    let more = null;
    for (let i = 0; i < count; i++) {
      const data = await getJSON(withQuery("/api/jobs", { ...query, limit: PAGE_JOBS, after }));
      all.push(...data.jobs);
      more = data.next;
      if (!more) break;
      after = more;
    }
    rows = all;
    next = more;
  }

  function visibleRows() {
    const needle = quick.trim().toLowerCase();
    let list = needle
      ? rows.filter((j) => [j.job, j.name, j.user, j.partition, j.account, j.state].some((v) => v && String(v).toLowerCase().includes(needle)))
      : rows.slice();
    if (sort.key) {
      const col = COLUMNS.find((c) => c.key === sort.key);
      list.sort((a, b) => sort.dir * compare(col.value(a), col.value(b)));
    }
    return list;
  }

  let holder = null;
  let countEl = null;
  let moreEl = null;

  // Rebuilds the table only: the filter form and the search box keep what is being typed.
  function renderTable() {
    const list = visibleRows();
    const head = h("tr", null, COLUMNS.map((c) => h("th", {
      class: "sortable" + (c.cls === "num" ? " num" : "") + (sort.key === c.key ? (sort.dir > 0 ? " asc" : " desc") : ""),
      dataset: { key: c.key },
      onclick: () => {
        sort = sort.key === c.key ? { key: c.key, dir: -sort.dir } : { key: c.key, dir: 1 };
        renderTable();
      },
    }, c.label)));
    const body = list.map((j) => h("tr", { dataset: { job: j.cluster + "/" + j.job, state: j.state } },
      COLUMNS.map((c) => h("td", { class: c.cls || "", title: c.cls === "clip" ? c.value(j) : null },
        c.cell ? c.cell(j) : (c.value(j) || "–")))));
    holder.replaceChildren(list.length
      ? h("table", { class: "grid jobs" }, h("thead", null, head), h("tbody", null, body))
      : empty("No jobs match."));
    countEl.textContent = fmtInt(list.length) + " shown of " + fmtInt(rows.length) + " loaded" +
      (next ? " · more on the server" : "");
    moreEl.replaceChildren(next ? h("button", { type: "button", onclick: loadMore }, "Load " + PAGE_JOBS + " more") : "");
  }

  function renderSkeleton() {
    const form = filterForm(params, clusters);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const values = {};
      for (const [k, v] of new FormData(form)) values[k] = v;
      location.hash = withQuery("#/jobs", values);
    });
    const search = h("input", {
      type: "search", id: "quick-search", placeholder: "search loaded jobs: id, name, user, partition…",
      oninput: (e) => {
        quick = e.target.value;
        renderTable();
      },
    });
    holder = h("div", { class: "scroll" });
    countEl = h("span", { class: "muted", id: "jobs-count" });
    moreEl = h("div", { class: "toolbar" });
    root.replaceChildren(h("section", { class: "card" },
      h("div", { class: "card-head" }, h("h2", null, "Jobs"), countEl),
      form, h("div", { class: "toolbar" }, search), holder, moreEl));
  }

  async function loadMore() {
    pages += 1;
    await fetchPages(pages);
    renderTable();
  }

  return {
    tab: "jobs",
    async mount(el) {
      root = el;
      try {
        const overview = await getJSON("/api/clusters");
        clusters = overview.clusters.map((c) => c.cluster);
        await fetchPages(pages);
        renderSkeleton();
        renderTable();
      } catch (error) {
        root.replaceChildren(errorBox(error));
      }
    },
    async onEvents() {
      await fetchPages(pages);
      renderTable();
    },
  };
}
