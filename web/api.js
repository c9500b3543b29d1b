// The page's access to the API: the read token and conditional GETs.
//
// Auth: TCP reads need the bearer token unless serve runs with --public-read. The token comes
// once, from the token dialog or a "#token=..." URL fragment (a fragment is never sent to the
// server, so it never reaches a log), and is kept in sessionStorage: this tab only, gone when
// it closes. Every request sends it as "Authorization: Bearer"; it never goes into a URL.
//
// Caching: every API answer has a strong ETag naming the log seq it is exact at. The page keeps
// the last answer per path and sends If-None-Match; a 304 means the kept answer is still exact.
// fetch() runs with cache "no-store" so the browser's own heuristics never answer instead.

const TOKEN_KEY = "jobtrail.token";
const CACHE_ENTRIES_MAX = 200;

const answers = new Map(); // path -> {etag, body}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
  answers.clear();
}

// Takes "#token=..." out of the address (into sessionStorage) before anything else reads it;
// true when there was one.
export function takeTokenFromFragment() {
  const match = /^#token=([^&]*)(?:&(.*))?$/.exec(location.hash);
  if (!match) return false;
  setToken(decodeURIComponent(match[1]));
  const rest = match[2] ? "#" + match[2] : "#/";
  history.replaceState(null, "", location.pathname + location.search + rest);
  return true;
}

export function authHeaders() {
  const t = token();
  return t ? { Authorization: "Bearer " + t } : {};
}

async function errorOf(response) {
  let message = response.status + " " + response.statusText;
  try {
    const body = await response.json();
    if (body && body.error) message = body.error;
  } catch (_) {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, message);
}

// GET `path` as JSON, revalidating the kept answer. Throws ApiError on 4xx/5xx.
export async function getJSON(path, { signal } = {}) {
  const kept = answers.get(path);
  const headers = authHeaders();
  if (kept) headers["If-None-Match"] = kept.etag;
  const response = await fetch(path, { headers, cache: "no-store", signal });
  if (response.status === 304 && kept) return kept.body;
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.status === 401) window.dispatchEvent(new CustomEvent("jobtrail:auth-needed"));
    throw error;
  }
  const body = await response.json();
  const etag = response.headers.get("ETag");
  if (etag) {
    if (answers.size >= CACHE_ENTRIES_MAX) answers.clear();
    answers.set(path, { etag, body });
  }
  return body;
}

// "/api/jobs" + {state: "RUNNING", user: ""} -> "/api/jobs?state=RUNNING" (empty values left out).
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return text ? path + "?" + text : path;
}

export function jobPath(cluster, job) {
  return "/api/jobs/" + encodeURIComponent(cluster) + "/" + encodeURIComponent(job);
}
