// The run history (GET /api/runs, newest first), kept current by every run's "status" events
// (`subscribe_runs`). Each row: view the run, tick it to compare, continue a stopped or interrupted
// run, fork a finished one with the form's settings, delete a finished one.

import { h } from "../format.js";
import { toastError } from "../toast.js";
import { isLive } from "./runview.js";
import { datasetLabel, lastValue, short, statusPill, when } from "./format.js";

/**
 * Mount the list in `root`. `actions`: {view(id), continueRun(id), fork(id), compareChanged(ids), refreshed()}.
 * Returns {refresh(), runs(), selected(), setViewing(id), compared()}.
 */
export function createRunList(root, app, actions) {
  const { api } = app;
  let runs = [];
  let viewing = null;
  const compared = new Set();
  let refreshing = null;
  let again = false;

  const body = h("tbody");
  const empty = h("p", { class: "muted small", hidden: true }, "No runs yet: press Train to start one.");
  root.append(h("div", { class: "runs-scroll" }, h("table", { class: "runs-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", title: "Compare" }, "⇆"), h("th", { scope: "col" }, "run"), h("th", { scope: "col" }, "status"),
      h("th", { scope: "col" }, "data"), h("th", { scope: "col" }, "epoch"), h("th", { scope: "col" }, "loss"),
      h("th", { scope: "col" }, "val loss"), h("th", { scope: "col" }, "started"), h("th", { scope: "col" }, ""))),
    body)), empty);

  function row(run) {
    const check = h("input", {
      type: "checkbox", class: "run-compare", checked: compared.has(run.id), "aria-label": `Compare ${run.name}`,
      onchange: (e) => {
        if (e.target.checked) compared.add(run.id);
        else compared.delete(run.id);
        actions.compareChanged([...compared]);
      },
    });
    const buttons = [];
    if (["stopped", "interrupted"].includes(run.status)) {
      buttons.push(h("button", { type: "button", class: "btn btn-small run-continue", title: "Continue from the latest checkpoint (same run)", onclick: () => actions.continueRun(run.id) }, "Continue"));
    }
    if (!isLive(run.status) && run.status) {
      buttons.push(h("button", { type: "button", class: "btn btn-small run-fork", title: "A new run from this run's latest checkpoint, with the settings in the form", onclick: () => actions.fork(run.id) }, "Fork"));
      buttons.push(h("button", {
        type: "button", class: "icon-btn small run-delete", title: "Delete this run", "aria-label": `Delete ${run.name}`,
        onclick: async () => {
          try {
            await api.delete(`/api/runs/${encodeURIComponent(run.id)}`);
            compared.delete(run.id);
            refresh();
          } catch (err) {
            toastError(err, "Could not delete the run");
          }
        },
      }, "×"));
    }
    const epochs = run.epochs ?? run.config?.epochs;
    return h("tr", { class: `run-row${run.id === viewing ? " is-viewing" : ""}`, dataset: { run: run.id, status: run.status } },
      h("td", {}, check),
      h("td", {}, h("button", { type: "button", class: "link run-view", title: "Show this run in the dashboard", onclick: () => actions.view(run.id) }, run.name || run.id),
        run.parent_id ? h("span", { class: "chip", title: `forked from ${run.parent_id}` }, "fork") : null),
      h("td", {}, statusPill(run.status), run.reason ? h("span", { class: "run-reason small", title: run.reason }, " ⚠") : null),
      h("td", { class: "small" }, datasetLabel(run.dataset)),
      h("td", { class: "num" }, `${run.epoch ?? 0}${epochs ? `/${epochs}` : ""}`),
      h("td", { class: "num" }, short(lastValue(run.history?.loss))),
      h("td", { class: "num" }, short(lastValue(run.history?.val_loss))),
      h("td", { class: "small muted" }, when(run.started_at ?? run.created_at)),
      h("td", { class: "run-actions" }, buttons));
  }

  function render() {
    body.replaceChildren(...runs.map(row));
    empty.hidden = runs.length > 0;
    root.dataset.count = String(runs.length);
  }

  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        runs = await api.get("/api/runs");
        for (const id of [...compared]) if (!runs.some((r) => r.id === id)) compared.delete(id);
        render();
        actions.refreshed?.();
      } catch (err) {
        toastError(err, "Could not list the runs");
      } finally {
        refreshing = null;
        if (again) {
          again = false;
          refresh();
        }
      }
    })();
    return refreshing;
  }

  let timer = null;
  app.live.subscribeRuns((message) => {
    const run = runs.find((r) => r.id === message.run);
    if (run) {
      run.status = message.status;
      run.reason = message.reason ?? null;
      run.epoch = message.epoch;
      run.step = message.step;
      render();
    }
    // New runs and finished ones (their history changed): re-read the list, at most ~3× a second.
    if (!run || !isLive(message.status)) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }
  });

  return {
    refresh,
    runs: () => runs,
    compared: () => [...compared],
    setViewing(id) {
      viewing = id;
      render();
    },
    /** Update one row from a live run view (epoch / status) without a round trip. */
    patch(id, fields) {
      const run = runs.find((r) => r.id === id);
      if (!run) return;
      Object.assign(run, fields);
      render();
    },
  };
}
