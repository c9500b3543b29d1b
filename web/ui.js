// Small DOM and formatting helpers. Every piece of data goes into the page as text
// (textContent, attributes), never as HTML: job names and users come from anyone who submits.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Colours per canonical state (schemas/common.fbs JobState); others fall back to grey.
export const STATE_COLORS = {
  PENDING: "#e8a33d",
  RUNNING: "#2f80ed",
  SUSPENDED: "#9b51e0",
  COMPLETING: "#56ccf2",
  COMPLETED: "#27ae60",
  FAILED: "#d64545",
  CANCELLED: "#8a94a6",
  TIMEOUT: "#e0663d",
  NODE_FAIL: "#a83279",
  PREEMPTED: "#b08968",
  OUT_OF_MEMORY: "#c0392b",
  BOOT_FAIL: "#7d3c98",
  DEADLINE: "#cd6155",
  REQUEUED: "#5d6d7e",
  ENDED: "#6c8a76",
};
// The order states are stacked and listed in: active first, then how jobs ended.
export const STATE_ORDER = [
  "RUNNING", "COMPLETING", "PENDING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "COMPLETED",
  "ENDED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
  "CANCELLED", "PREEMPTED", "STOPPED", "SPECIAL_EXIT", "RESIZING", "REVOKED", "UNKNOWN",
];

export function stateColor(state) {
  return STATE_COLORS[state] || "#a0a7b4";
}

export function sortedStates(states) {
  const rank = (s) => {
    const i = STATE_ORDER.indexOf(s);
    return i < 0 ? STATE_ORDER.length : i;
  };
  return Object.keys(states || {}).sort((a, b) => rank(a) - rank(b));
}

export function stateBadge(state) {
  const dot = h("i", { class: "dot" });
  dot.style.background = stateColor(state);
  return h("span", { class: "badge", dataset: { state } }, dot, state || "?");
}

// A horizontal bar of per-state counts; each segment carries data-state and data-count.
export function stackedBar(states, total) {
  const sum = total || Object.values(states || {}).reduce((a, b) => a + b, 0);
  const bar = h("div", { class: "stack", role: "img" });
  const parts = [];
  for (const state of sortedStates(states)) {
    const count = states[state];
    if (!count) continue;
    const seg = h("span", { class: "seg", title: state + ": " + fmtInt(count), dataset: { state, count } });
    seg.style.width = (sum ? (100 * count) / sum : 0) + "%";
    seg.style.background = stateColor(state);
    bar.append(seg);
    parts.push(state + " " + count);
  }
  bar.setAttribute("aria-label", parts.join(", "));
  return bar;
}

export function legend(states) {
  return h("div", { class: "legend" },
    sortedStates(states).filter((s) => states[s]).map((s) =>
      h("span", { class: "key", dataset: { state: s } }, swatch(s), s.toLowerCase().replace(/_/g, " "), " ",
        h("b", { class: "num" }, fmtInt(states[s])))));
}

export function swatch(state) {
  const el = h("i", { class: "swatch" });
  el.style.background = stateColor(state);
  return el;
}

const intFormat = new Intl.NumberFormat("en-US");
export function fmtInt(n) {
  return n === null || n === undefined ? "–" : intFormat.format(n);
}

export function fmtNum(n, digits = 1) {
  if (n === null || n === undefined) return "–";
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

// "2024-12-21T16:58:10.000000Z" -> "2024-12-21 16:58:10"
export function fmtTime(iso) {
  if (!iso) return "–";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "");
}

export function seconds(a, b) {
  if (!a || !b) return null;
  return (Date.parse(b) - Date.parse(a)) / 1000;
}

// 93784 -> "1d 2h 3m"; 42 -> "42s"
export function fmtDuration(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return "–";
  if (s < 0) return "-" + fmtDuration(-s);
  if (s < 60) return Math.round(s) + "s";
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return d + "d " + hr + "h" + (m ? " " + m + "m" : "");
  if (hr) return hr + "h " + m + "m";
  return m + "m " + Math.round(s % 60) + "s";
}

export function jobHref(cluster, job) {
  return "#/job/" + encodeURIComponent(cluster) + "/" + encodeURIComponent(job);
}

export function jobLink(cluster, job) {
  return h("a", { href: jobHref(cluster, job), class: "mono" }, job);
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", null, title), ...children);
}

export function empty(text) {
  return h("p", { class: "empty" }, text);
}

export function errorBox(error) {
  return h("div", { class: "error" }, error.message || String(error));
}

// A view that renders all it shows with `load(root, events)`: on mounting (events undefined)
// and again for each batch of live events. A failed first load shows its error in place.
export function reloadingView(tab, load) {
  let root = null;
  return {
    tab,
    async mount(el) {
      root = el;
      try {
        await load(root);
      } catch (error) {
        root.replaceChildren(errorBox(error));
      }
    },
    async onEvents(events) {
      await load(root, events);
    },
  };
}
