// Import a model file (TF.js model.json, Keras JSON — Functional or Sequential — or an exported
// studio document) and export the current model document (topology + layout) as a file.

import { DocumentError, fromDocument, toDocument } from "./graph/document.js";
import { autoLayout } from "./graph/layout.js";
import { toast, toastError } from "./toast.js";

/** Load a parsed JSON document into the editor as one undoable step. */
export function importDocument(app, doc, source = "file", { message } = {}) {
  try {
    const { graph, positioned, notes } = fromDocument(doc);
    const placed = positioned ? graph : autoLayout(graph);
    app.commands.replaceGraph(placed, "import model");
    toast(message ?? `Imported "${placed.name}" from ${source}: ${placed.nodes.length} layers.`, { kind: "success" });
    for (const note of notes.slice(0, 3)) toast(note, { kind: "info", timeout: 7000 });
    return true;
  } catch (err) {
    if (err instanceof DocumentError) toastError(err, `Cannot import ${source}`);
    else throw err;
    return false;
  }
}

/** Read a File and import it. */
export async function importFile(app, file) {
  let doc;
  try {
    doc = JSON.parse(await file.text());
  } catch (err) {
    toastError(`${file.name} is not valid JSON (${err.message}).`, "Cannot import");
    return false;
  }
  return importDocument(app, doc, file.name);
}

/** Ask for a file and import it. */
export function chooseAndImport(app) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ".json,application/json";
  input.className = "visually-hidden";
  input.dataset.role = "import-model";
  input.addEventListener("change", () => {
    if (input.files?.[0]) importFile(app, input.files[0]);
    input.remove();
  });
  document.body.append(input);
  input.click();
}

/** Download `data` as a JSON file. */
export function downloadJson(data, filename) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Export the model document (Keras-2 topology + layout) as `<model name>.json`. */
export function exportDocument(app) {
  const { graph, view } = app.store.get();
  if (!graph.nodes.length) {
    toast("The canvas is empty: nothing to export.", { kind: "error" });
    return;
  }
  const safe = (graph.name || "model").replace(/[^A-Za-z0-9_.-]+/g, "_");
  downloadJson(toDocument(graph, view), `${safe}.json`);
}

/** Accept model files dropped on `el`. */
export function acceptDroppedFiles(el, app) {
  el.addEventListener("dragover", (e) => {
    if ([...(e.dataTransfer?.types || [])].includes("Files")) {
      e.preventDefault();
      el.classList.add("file-over");
    }
  });
  el.addEventListener("dragleave", () => el.classList.remove("file-over"));
  el.addEventListener("drop", (e) => {
    el.classList.remove("file-over");
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    importFile(app, file);
  });
}
