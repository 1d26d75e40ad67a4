// The top bar: project name and save state; New / Open / Save; Templates; Import / Export of the
// model document; Undo / Redo; help.

import { openDialog } from "./dialog.js";
import { h } from "./format.js";
import { chooseAndImport, exportDocument, importDocument } from "./io.js";
import { TEMPLATES, templateModel } from "./templates.js";

const SAVE_LABEL = {
  new: "Not saved", dirty: "Unsaved changes", saving: "Saving…", saved: "Saved", error: "Save failed",
};

/** Mount the top bar in `root`. */
export function mountHeader(root, app) {
  const { store, history, projects } = app;
  const nameInput = h("input", {
    type: "text", class: "project-name-input", id: "project-name", "aria-label": "Project name", spellcheck: "false", autocomplete: "off",
  });
  const saveState = h("span", { class: "save-state", "aria-live": "polite" });
  const undoBtn = h("button", { type: "button", class: "icon-btn", id: "undo-btn", "aria-label": "Undo", onclick: () => history.undo() }, "↶");
  const redoBtn = h("button", { type: "button", class: "icon-btn", id: "redo-btn", "aria-label": "Redo", onclick: () => history.redo() }, "↷");
  const btn = (label, title, onclick, extra = {}) => h("button", { type: "button", class: "btn btn-ghost", title, onclick, ...extra }, label);

  root.append(
    h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), h("span", { class: "brand-name" }, "tapestudio")),
    h("div", { class: "project" }, nameInput, saveState),
    h("nav", { class: "topbar-actions", "aria-label": "Project" },
      btn("New", "New project", () => projects.newProject(), { id: "new-btn" }),
      btn("Open", "Open a saved project (Ctrl+O)", () => projects.open(), { id: "open-btn" }),
      btn("Save", "Save the project (Ctrl+S)", () => projects.save(), { id: "save-btn" }),
      h("span", { class: "toolbar-sep" }),
      btn("Templates", "Start from a template", () => openTemplates(), { id: "templates-btn" }),
      btn("Import", "Import a model.json / Keras JSON file", () => chooseAndImport(app), { id: "import-btn" }),
      btn("Export", "Download the model document (Keras topology + layout)", () => exportDocument(app), { id: "export-btn" }),
      h("span", { class: "toolbar-sep" }),
      undoBtn, redoBtn,
      h("button", { type: "button", class: "icon-btn", id: "help-btn", title: "Keyboard shortcuts (?)", "aria-label": "Keyboard shortcuts", onclick: () => app.openHelp() }, "?")),
  );

  nameInput.addEventListener("change", () => {
    store.update("project", { name: nameInput.value.trim() || "Untitled project" });
  });
  nameInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") nameInput.blur();
  });

  function openTemplates() {
    const cards = TEMPLATES.map((t) => h("button", {
      type: "button", class: "template-card", dataset: { template: t.id },
      onclick: () => {
        close();
        if (importDocument(app, templateModel(t.id), `the ${t.title} template`, { message: `Loaded the template “${t.title}”.` })) {
          if (!store.get().project.dataset) store.update("project", { dataset: t.dataset });
        }
      },
    }, h("span", { class: "template-title" }, t.title), h("span", { class: "template-desc" }, t.description),
    h("span", { class: "template-data muted small" }, `dataset: ${t.dataset}`)));
    const close = openDialog({ title: "Start from a template", body: h("div", { class: "template-grid" }, cards), className: "dialog-templates" });
  }
  app.openTemplates = openTemplates;

  function render(state) {
    if (document.activeElement !== nameInput) nameInput.value = state.project.name;
    saveState.textContent = SAVE_LABEL[state.project.saved] ?? "";
    saveState.dataset.state = state.project.saved;
    document.title = `${state.project.name} · tapestudio`;
  }
  function renderHistory() {
    undoBtn.disabled = !history.canUndo();
    redoBtn.disabled = !history.canRedo();
    undoBtn.title = history.canUndo() ? `Undo ${history.undoLabel()} (Ctrl+Z)` : "Nothing to undo";
    redoBtn.title = history.canRedo() ? `Redo ${history.redoLabel()} (Ctrl+Shift+Z)` : "Nothing to redo";
  }
  store.watch((s) => s.project, () => render(store.get()), { now: true });
  history.onChange(renderHistory);
  renderHistory();
}
