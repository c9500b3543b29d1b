// The live stream (GET /api/stream) read with fetch() and a ReadableStream, not EventSource:
// EventSource cannot send an Authorization header, and the token must not go into the URL.
// This reader sends the header, parses the text/event-stream format itself and resumes after a
// drop with Last-Event-ID (the last "id:" it saw), so nothing is lost or seen twice.
//
//   frame := ("id: " SEQ "\n")? ("event: " NAME "\n")? ("data: " JSON "\n")+ "\n"
// serve sends: events (id + data), one "caught-up" ({"id":-1,"seq":HEAD}) after the backlog,
// and "dropped" before it disconnects a client that fell too far behind.

import { authHeaders } from "./api.js";

const RETRY_MS_MIN = 500;
const RETRY_MS_MAX = 30000;
const FRAME_BYTES_MAX = 4 * 1024 * 1024; // a frame larger than this is a broken stream

// Parses SSE text fed in chunks; calls onFrame({id, event, data}) per complete frame.
export class SseParser {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.buffer = "";
  }

  feed(text) {
    this.buffer += text;
    if (this.buffer.length > FRAME_BYTES_MAX) throw new Error("stream frame too large");
    let end;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      this.frame(block);
    }
  }

  frame(block) {
    const frame = { id: null, event: "message", data: "" };
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "data") data.push(value);
    }
    frame.data = data.join("\n");
    this.onFrame(frame);
  }
}

// Follows the stream from `from` (a seq) until stop(). Handlers:
//   onEvent(eventJson), onCaughtUp(headSeq), onState("live" | "connecting" | "error", detail)
export class LiveStream {
  constructor({ from, onEvent, onCaughtUp, onState }) {
    this.lastId = from > 0 ? from - 1 : null; // resume after this seq
    this.handlers = { onEvent, onCaughtUp, onState };
    this.retryMs = RETRY_MS_MIN;
    this.controller = null;
    this.stopped = false;
  }

  start() {
    this.loop();
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async loop() {
    while (!this.stopped) {
      this.handlers.onState("connecting");
      try {
        await this.readOnce();
        // The server closed the stream (a drop, or it stopped): resume at once.
      } catch (error) {
        if (this.stopped) return;
        this.handlers.onState("error", error.message);
        await new Promise((resolve) => setTimeout(resolve, this.retryMs));
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MS_MAX);
      }
    }
  }

  async readOnce() {
    this.controller = new AbortController();
    const headers = { ...authHeaders(), Accept: "text/event-stream" };
    // With no event seen yet and no seq to start from: live events only.
    if (this.lastId !== null) headers["Last-Event-ID"] = String(this.lastId);
    const response = await fetch("/api/stream", { headers, cache: "no-store", signal: this.controller.signal });
    if (!response.ok) {
      let message = "stream: " + response.status;
      try {
        message = (await response.json()).error || message;
      } catch (_) {
        // keep the status
      }
      if (response.status === 401) window.dispatchEvent(new CustomEvent("jobtrail:auth-needed"));
      throw new Error(message);
    }
    const parser = new SseParser((frame) => this.dispatch(frame));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  }

  dispatch(frame) {
    if (frame.event === "caught-up") {
      this.retryMs = RETRY_MS_MIN;
      this.handlers.onState("live");
      this.handlers.onCaughtUp(JSON.parse(frame.data).seq);
      return;
    }
    if (frame.event === "dropped") {
      this.handlers.onState("error", "dropped by the server: " + frame.data);
      return;
    }
    if (frame.event !== "message" || frame.id === null) return;
    this.lastId = Number(frame.id);
    this.handlers.onEvent(JSON.parse(frame.data));
  }
}
