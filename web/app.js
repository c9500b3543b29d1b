// jobtrail's web page: a hash router over the views, the read token, and the live stream that
// tells the shown view what changed.
//
// Live updates: the page follows GET /api/stream from the seq of its first answer. Events are
// gathered for a moment (LIVE_BATCH_MS, so a burst costs one refresh) and handed to the shown
// view, which re-reads what they touch; those reads are conditional (If-None-Match), so what
// did not change costs a 304. No view polls: without events nothing is fetched.

import { getJSON, setToken, takeTokenFromFragment, token } from "./api.js";
import { LiveStream } from "./sse.js";
import { h, fmtInt, errorBox } from "./ui.js";
import { overviewView } from "./overview.js";
import { arraysView } from "./arrays.js";
import { jobsView } from "./jobs.js";
import { jobView } from "./job.js";
import { chartsView } from "./charts.js";

const LIVE_BATCH_MS = 250;
const RECENT_EVENTS_MAX = 25;

const live = { recent: [], seq: 0, stream: null };
let view = null;
let pending = [];
let flushTimer = null;
let refreshing = false;

function routeView() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "arrays") return arraysView(params);
  if (parts[0] === "jobs") return jobsView(params);
  if (parts[0] === "job" && parts.length === 3) return jobView(parts[1], parts[2]);
  if (parts[0] === "charts") return chartsView(params);
  return overviewView(live);
}

async function showRoute() {
  if (view && view.unmount) view.unmount();
  view = routeView();
  for (const tab of document.querySelectorAll(".tabs a")) tab.classList.toggle("active", tab.dataset.tab === view.tab);
  const main = document.getElementById("view");
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  main.dataset.ready = "false";
  await view.mount(main);
  main.dataset.ready = "true";
}

async function flush() {
  flushTimer = null;
  if (refreshing) {
    flushTimer = setTimeout(flush, LIVE_BATCH_MS);
    return;
  }
  const events = pending;
  pending = [];
  if (!events.length || !view || !view.onEvents) return;
  refreshing = true;
  const shown = view;
  try {
    await shown.onEvents(events);
    document.getElementById("view").dataset.appliedSeq = String(live.seq);
  } catch (error) {
    banner("Refresh failed: " + error.message);
  } finally {
    refreshing = false;
  }
}

function setLiveState(state, detail) {
  const el = document.getElementById("live");
  el.className = "live " + (state === "live" ? "on" : state === "error" ? "bad" : "off");
  el.textContent = state === "live" ? "live · seq " + fmtInt(live.seq) : state === "error" ? "reconnecting…" : "connecting…";
  el.title = detail || "live stream: " + state;
  document.body.dataset.live = state;
}

function onEvent(event) {
  live.seq = Math.max(live.seq, event.seq);
  live.recent.unshift(event);
  live.recent.length = Math.min(live.recent.length, RECENT_EVENTS_MAX);
  pending.push(event);
  setLiveState("live");
  if (!flushTimer) flushTimer = setTimeout(flush, LIVE_BATCH_MS);
}

function startLive(fromSeq) {
  if (live.stream) live.stream.stop();
  live.seq = fromSeq - 1;
  live.stream = new LiveStream({
    from: fromSeq,
    onEvent,
    onCaughtUp: (head) => {
      live.seq = Math.max(live.seq, head);
      setLiveState("live");
    },
    onState: setLiveState,
  });
  live.stream.start();
}

function banner(text) {
  const el = document.getElementById("banner");
  el.hidden = !text;
  el.textContent = text || "";
}

function askToken() {
  const dialog = document.getElementById("token-dialog");
  if (dialog.open) return;
  document.getElementById("token-input").value = "";
  dialog.showModal();
}

function wireToken() {
  const dialog = document.getElementById("token-dialog");
  document.getElementById("token-button").addEventListener("click", askToken);
  document.getElementById("token-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("token-form").addEventListener("submit", () => {
    setToken(document.getElementById("token-input").value);
    start();
  });
  window.addEventListener("jobtrail:auth-needed", () => {
    banner(token() ? "The token was refused: enter the right one." : "This server needs a read token.");
    askToken();
  });
}

// Learns the head seq, follows the stream from just after it, shows the route.
async function start() {
  banner("");
  try {
    const head = await getJSON("/api/clusters");
    startLive(head.seq + 1);
  } catch (error) {
    document.getElementById("view").replaceChildren(errorBox(error));
    return;
  }
  await showRoute();
}

takeTokenFromFragment();
wireToken();
// A "#token=" link opened in this tab later changes only the hash: take it and start again.
window.addEventListener("hashchange", () => (takeTokenFromFragment() ? start() : showRoute()));
start();
