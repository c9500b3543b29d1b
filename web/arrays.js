// Arrays (#/arrays): every job array with a stacked bar of its tasks per state, from
// GET /api/arrays; live events that touch an array re-read it (a 304 when it did not change).

import { getJSON, withQuery } from "./api.js";
import { h, stackedBar, legend, fmtInt, fmtTime, empty, section, reloadingView } from "./ui.js";

const PAGE_ARRAYS = 500;

function arrayRow(a) {
  const done = (a.states.COMPLETED || 0) + (a.states.ENDED || 0);
  return h("tr", { dataset: { array: a.cluster + "/" + a.array, total: a.total } },
    h("td", null, a.cluster),
    h("td", { class: "mono" }, h("a", { href: "#/jobs?cluster=" + encodeURIComponent(a.cluster) + "&array=" + encodeURIComponent(a.array) }, a.array)),
    h("td", { class: "clip", title: a.name || "" }, a.name || "–"),
    h("td", null, a.user || "–"),
    h("td", { class: "mono" }, fmtTime(a.submit_at)),
    h("td", { class: "num" }, fmtInt(a.total)),
    h("td", { class: "num" }, a.total ? Math.round((100 * done) / a.total) + "%" : "–"),
    h("td", { class: "barcell" }, stackedBar(a.states, a.total), legend(a.states)));
}

export function arraysView(params) {
  const cluster = params.get("cluster") || "";
  return reloadingView("arrays", async (root) => {
    const data = await getJSON(withQuery("/api/arrays", { cluster, limit: PAGE_ARRAYS }));
    // Newest first: what an admin watches is what was submitted last.
    const arrays = data.arrays.slice().sort((a, b) => (b.submit_at || "").localeCompare(a.submit_at || ""));
    const title = "Job arrays" + (cluster ? " on " + cluster : "") + " (" + fmtInt(arrays.length) + (data.next ? "+" : "") + ")";
    const body = arrays.length
      ? h("table", { class: "grid arrays" },
        h("thead", null, h("tr", null, ["Cluster", "Array", "Name", "User", "Submitted", "Tasks", "Done", "Tasks by state"].map((t) =>
          h("th", { class: t === "Tasks" || t === "Done" ? "num" : null }, t)))),
        h("tbody", null, arrays.map(arrayRow)))
      : empty("No job arrays" + (cluster ? " on " + cluster : "") + ".");
    root.replaceChildren(section(title, body));
    root.dataset.seq = data.seq;
  });
}
