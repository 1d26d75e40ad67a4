// The studio's live connection (Socket.IO over WebSocket): run subscriptions that survive dropped
// connections. Each subscription remembers the last `seq` it saw; on every (re)connect it subscribes
// again with `since` = that seq, so the server replays exactly what was missed, and anything already
// seen (seq ≤ last) is dropped — no gap, no duplicate. `subscribeRuns` follows every run's status.

import { io } from "../../vendor/socket.io/socket.io.esm.min.js";

/** The per-run events the server sends (studio contract). */
export const RUN_EVENTS = ["status", "metrics", "epoch", "boundary", "confusion", "norms", "learning_rate"];

/**
 * Create the connection. Returns {subscribe(run, handler, {since}), unsubscribe(run),
 * subscribeRuns(handler), onState(fn), state(), socket}.
 */
export function createLive({ url = undefined, token = null } = {}) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnectionDelay: 300,
    reconnectionDelayMax: 3000,
    auth: token ? { token } : undefined,
  });
  /** run id → {handler, lastSeq} */
  const subs = new Map();
  const lobby = new Set();
  const lobbySeq = new Map();
  const stateListeners = new Set();
  let state = "connecting";

  function setState(next, detail = "") {
    state = next;
    for (const fn of [...stateListeners]) fn(next, detail);
  }

  function sendSubscribe(runId) {
    const sub = subs.get(runId);
    if (!sub || !socket.connected) return;
    socket.timeout(10000).emit("subscribe", { run: runId, since: sub.lastSeq }, (err, ack) => {
      if (subs.get(runId) !== sub) return;
      if (err) return;                       // timed out: the next reconnect subscribes again
      if (ack && ack.error) sub.handler("subscribe_error", { run: runId, error: ack.error });
      else sub.handler("subscribed", { run: runId, last_seq: ack?.last_seq ?? sub.lastSeq });
    });
  }

  function dispatch(event, message) {
    if (!message || typeof message !== "object") return;
    if (event === "status" && lobby.size) {
      const seen = lobbySeq.get(message.run) ?? 0;
      if (!(message.seq <= seen)) {
        lobbySeq.set(message.run, message.seq);
        for (const fn of [...lobby]) fn(message);
      }
    }
    const sub = subs.get(message.run);
    if (!sub) return;
    if (Number.isInteger(message.seq)) {
      if (message.seq <= sub.lastSeq) return;  // a replay overlapping what we have
      sub.lastSeq = message.seq;
    }
    sub.handler(event, message);
  }

  for (const name of RUN_EVENTS) socket.on(name, (message) => dispatch(name, message));
  socket.on("connect", () => {
    setState("connected");
    for (const runId of subs.keys()) sendSubscribe(runId);
    if (lobby.size) socket.emit("subscribe_runs", {});
  });
  socket.on("disconnect", (reason) => setState("disconnected", reason));
  socket.on("connect_error", (err) => setState("disconnected", err?.message || "cannot connect"));

  return {
    socket,
    state: () => state,
    /** Follow `runId`'s events from after `since`; `handler(event, message)`. Replaces an older handler. */
    subscribe(runId, handler, { since = 0 } = {}) {
      subs.set(runId, { handler, lastSeq: since });
      sendSubscribe(runId);
      return () => this.unsubscribe(runId);
    },
    unsubscribe(runId) {
      if (!subs.delete(runId)) return;
      if (socket.connected) socket.emit("unsubscribe", { run: runId });
    },
    /** The last seq seen for a subscribed run (0 if none). */
    lastSeq: (runId) => subs.get(runId)?.lastSeq ?? 0,
    /** `handler(statusMessage)` for every run's status changes (the run list). */
    subscribeRuns(handler) {
      lobby.add(handler);
      if (lobby.size === 1 && socket.connected) socket.emit("subscribe_runs", {});
      return () => lobby.delete(handler);
    },
    /** `fn(state, detail)` when the connection goes "connected" / "disconnected". */
    onState(fn) {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
  };
}

/** The app's one live connection (created on first use, kept as `app.live`). */
export function liveOf(app) {
  if (!app.live) {
    const token = new URL(window.location.href).searchParams.get("token");
    app.live = createLive({ token });
  }
  return app.live;
}
