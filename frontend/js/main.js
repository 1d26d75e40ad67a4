// Boot: load the catalog, create the store, history and commands, mount every part of the shell.

import { api } from "./api.js";
import { mountCanvas } from "./canvas/canvas.js";
import { loadCatalog } from "./catalog.js";
import { createCommands } from "./commands.js";
import { mountDock } from "./dock.js";
import { h } from "./format.js";
import { toTopology } from "./graph/document.js";
import { emptyGraph } from "./graph/graph.js";
import { createHistory } from "./graph/history.js";
import { mountHeader } from "./header.js";
import { mountInspector } from "./inspector.js";
import { acceptDroppedFiles } from "./io.js";
import { mountPalette } from "./palette.js";
import * as codePanel from "./panels/code.js";
import * as dataPanel from "./panels/data.js";
import * as exportPanel from "./panels/export.js";
import * as summaryPanel from "./panels/summary.js";
import * as trainingPanel from "./panels/training.js";
import { createProjects } from "./projects.js";
import { installShortcuts } from "./shortcuts.js";
import { createStore } from "./state.js";
import { toast, toastError } from "./toast.js";
import { startValidation } from "./validation.js";

/** The dock's tabs, in order: each module exports mount(root, store, app). */
const PANELS = [
  { id: "summary", label: "Summary", module: summaryPanel },
  { id: "code", label: "Code", module: codePanel },
  { id: "data", label: "Data", module: dataPanel },
  { id: "train", label: "Train", module: trainingPanel },
  { id: "export", label: "Export", module: exportPanel },
];

async function boot() {
  const store = createStore();
  store.set({ graph: emptyGraph() }, "init");
  const history = createHistory(store);
  const app = { store, history, api, toast, clipboard: null };
  app.commands = createCommands(app);
  app.projects = createProjects(app);
  /** The current model document (Keras-2 topology) — what POST /api/runs and the exports take. */
  app.getModel = () => toTopology(store.get().graph);
  window.tapestudio = app;   // handy in the console and for the browser tests

  const $ = (id) => document.getElementById(id);
  mountHeader($("topbar"), app);
  mountCanvas($("canvas"), app);
  mountPalette($("palette"), app);
  mountInspector($("inspector"), app);
  mountDock($("dock"), app, PANELS);
  installShortcuts(app);
  acceptDroppedFiles($("canvas"), app);

  try {
    store.set({ catalog: await loadCatalog() }, "catalog");
  } catch (err) {
    toastError(err, "Could not load the layer catalog");
    $("palette").append(h("p", { class: "notice notice-error" }, `The layer catalog did not load: ${err.message}`));
  }
  await app.projects.restore();
  app.validation = startValidation(app);
  document.body.dataset.ready = "true";
}

boot().catch((err) => {
  console.error(err);
  document.body.dataset.ready = "error";
});
