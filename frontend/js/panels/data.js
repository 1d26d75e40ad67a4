// The Data panel (issue 6 "Data"): dataset picker with previews (scatter for 2-D sets, image grid
// for digits, table for CSV), CSV upload with the server's messages, Playground-style noise/size
// controls. STUB: built by the data/training UI helper.
//
// Contract for every dock panel: `mount(root, store, app)` renders into `root` (a <section> that
// is hidden while another tab is open) and may return {show(), hide()}. `store` is the app store
// (js/state.js): keep this panel's state under its own key, e.g. store.update("data", {...}).
// The chosen dataset belongs in state.project.dataset (saved with the project):
//   store.update("project", {dataset: "spiral"})  or  {id: "spiral", options: {noise: 0.1}}.
// `app` gives {api, commands, toast, showTab(id), setTabBadge(id, text, kind), getModel()}.

import { h } from "../format.js";

/** Mount the Data panel (placeholder until the data UI lands). */
export function mount(root, store) {
  const chosen = h("span", { class: "muted" });
  root.append(h("div", { class: "panel-stub" },
    h("div", { class: "panel-stub-title" }, "Data"),
    h("p", {}, "Pick a built-in dataset or upload a CSV. The dataset views arrive with the training dashboard."),
    chosen));
  store.watch((s) => s.project.dataset, (ds) => {
    chosen.textContent = ds ? `Dataset for this project: ${typeof ds === "string" ? ds : ds.id}` : "";
  }, { now: true });
}
