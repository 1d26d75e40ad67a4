// The Train panel's action bar: Train, Pause, Resume, Step, Stop — enabled by the viewed run's
// status — plus the status line (status, epoch/step, learning rate, reason, connection).

import { h } from "../format.js";
import { statusPill } from "../runs/format.js";

/** Which buttons a run in `status` allows (no run: only Train). */
export function allowed(status) {
  return {
    train: !["queued", "running", "paused"].includes(status),
    pause: status === "running" || status === "queued",
    resume: status === "paused",
    step: status === "paused",
    stop: ["queued", "running", "paused"].includes(status),
  };
}

/** Why button `id` is disabled for a run in `status` (shown in its tooltip). */
export function disabledReason(id, status) {
  if (!status) return "no run yet: press Train first";
  if (id === "train") return `the viewed run is ${status}: stop it first (or pause it and fork from the run list)`;
  if (id === "step") return status === "running" || status === "queued" ? "pause the run first" : `the run is ${status}`;
  return `the run is ${status}`;
}

/** Mount the bar in `root`; `on` = {train, pause, resume, step, stop}. Returns {render(view), busy(flag)}. */
export function createControls(root, on) {
  const btn = (id, label, title, cls = "btn") => h("button", { type: "button", class: cls, id: `train-${id}`, title, onclick: () => on[id]() }, label);
  const buttons = {
    train: btn("train", "▶ Train", "Start a new run with this model, data and settings", "btn btn-primary"),
    pause: btn("pause", "❚❚ Pause", "Pause before the next batch"),
    resume: btn("resume", "▶ Resume", "Resume the paused run"),
    step: btn("step", "⇥ Step", "Train exactly one more batch, then pause again"),
    stop: btn("stop", "■ Stop", "Stop after the current batch (checkpointed: it can continue later)", "btn btn-danger"),
  };
  const pill = h("span", { class: "train-pill" });
  const progress = h("span", { class: "train-progress", id: "train-progress" });
  const lr = h("span", { class: "train-lr muted small" });
  const conn = h("span", { class: "conn-dot", title: "Live connection", dataset: { state: "connecting" } });
  const reason = h("div", { class: "notice notice-error train-reason", role: "alert", hidden: true });
  const runName = h("div", { class: "train-run-name small muted" });
  root.append(
    h("div", { class: "train-buttons" }, Object.values(buttons)),
    h("div", { class: "train-status", id: "train-status", role: "status", "aria-live": "polite" }, pill, progress, conn),
    h("div", { class: "train-status-2" }, runName, lr),
    reason);
  let isBusy = false;
  let lastStatus = null;
  const titles = Object.fromEntries(Object.entries(buttons).map(([id, b]) => [id, b.title]));
  function enable(status) {
    const ok = allowed(status);
    for (const [id, b] of Object.entries(buttons)) {
      b.disabled = isBusy || !ok[id];
      b.title = ok[id] || isBusy ? titles[id] : `${titles[id]} — disabled: ${disabledReason(id, status)}`;
    }
  }

  function render(view) {
    const status = view?.status ?? null;
    lastStatus = status;
    enable(status);
    buttons.pause.hidden = status === "paused";
    buttons.resume.hidden = status !== "paused";
    pill.replaceChildren(view ? statusPill(status) : h("span", { class: "muted small" }, "No run yet"));
    const epochs = view?.epochs;
    progress.textContent = view ? `epoch ${view.epoch}${epochs ? ` / ${epochs}` : ""} · step ${view.step}` : "";
    progress.dataset.step = String(view?.step ?? 0);
    progress.dataset.epoch = String(view?.epoch ?? 0);
    lr.textContent = view && view.learningRate !== null ? `lr ${view.learningRate}` : "";
    runName.textContent = view?.run?.name ? `${view.run.name}` : "";
    reason.hidden = !view?.reason;
    reason.textContent = view?.reason ? `${status === "failed" ? "Failed: " : ""}${view.reason}` : "";
    root.dataset.status = status ?? "none";
  }

  return {
    render,
    busy(flag) {
      isBusy = flag;
      enable(lastStatus);
    },
    setConnection(state, detail) {
      conn.dataset.state = state;
      conn.title = state === "connected" ? "Live: connected to the studio" : `Reconnecting… ${detail || ""}`;
    },
  };
}
