// Projects on the server (/api/projects): save (Ctrl+S), open, new; autosave of a saved project;
// `?project=<id>` in the address restores it (a shareable URL). A project never saved yet is
// kept as a draft in localStorage, so a reload does not lose work.

import { api } from "./api.js";
import { openDialog } from "./dialog.js";
import { h } from "./format.js";
import { fromDocument, toLayout, toTopology } from "./graph/document.js";
import { emptyGraph } from "./graph/graph.js";
import { autoLayout } from "./graph/layout.js";
import { toast, toastError } from "./toast.js";

const AUTOSAVE_MS = 1500;

/** A timestamp (seconds, milliseconds or ISO text) as local date and time. */
function when(value) {
  if (value === null || value === undefined || value === "") return "";
  const date = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
const DRAFT_KEY = "tapestudio.draft.v1";

/** Project handling for `app`; returns {save, open, openById, newProject, restore}. */
export function createProjects(app) {
  const { store, history } = app;
  let timer = null;
  let saving = null;

  const setProject = (patch) => store.update("project", patch, "project");

  function body() {
    const { graph, project, view } = store.get();
    return {
      name: project.name || "Untitled project",
      model: toTopology(graph),
      layout: toLayout(graph, view),
      dataset: project.dataset ?? null,
      config: project.config ?? null,
    };
  }

  function setUrl(id) {
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("project", id);
    else url.searchParams.delete("project");
    window.history.replaceState(null, "", url);
  }

  /** Save to the server (POST the first time, PUT after). */
  async function save({ silent = false } = {}) {
    if (saving) return saving;
    const { project } = store.get();
    const payload = body();
    setProject({ saved: "saving" });
    saving = (async () => {
      try {
        const result = project.id
          ? await api.put(`/api/projects/${encodeURIComponent(project.id)}`, payload)
          : await api.post("/api/projects", payload);
        const id = result?.id ?? project.id;
        const stillSame = JSON.stringify(body()) === JSON.stringify(payload);
        setProject({ id, saved: stillSame ? "saved" : "dirty", savedAt: Date.now() });
        setUrl(id);
        localStorage.removeItem(DRAFT_KEY);
        if (!silent) toast(`Saved "${payload.name}".`, { kind: "success" });
        if (!stillSame) schedule();
      } catch (err) {
        setProject({ saved: "error" });
        toastError(err, "Could not save the project");
      } finally {
        saving = null;
      }
    })();
    return saving;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const { project } = store.get();
      if (project.saved !== "dirty") return;
      if (project.id) save({ silent: true });
      else {
        try {
          localStorage.setItem(DRAFT_KEY, JSON.stringify(body()));
        } catch {
          /* storage full or disabled: the draft is only a convenience */
        }
      }
    }, AUTOSAVE_MS);
  }

  function load(project) {
    let graph = emptyGraph();
    if (project.model) {
      try {
        const parsed = fromDocument({ model: project.model, layout: project.layout });
        graph = parsed.positioned ? parsed.graph : autoLayout(parsed.graph);
      } catch (err) {
        toastError(err, `The model of "${project.name}" could not be read`);
      }
    }
    history.reset(graph);
    store.update("project", {
      id: project.id ?? null, name: project.name || "Untitled project", dataset: project.dataset ?? null,
      config: project.config ?? null, saved: project.id ? "saved" : "dirty",
    }, "project loaded");
    requestAnimationFrame(() => app.commands.fitView());
  }

  async function openById(id, { quiet = false } = {}) {
    try {
      const project = await api.get(`/api/projects/${encodeURIComponent(id)}`);
      load(project);
      setUrl(project.id);
      if (!quiet) toast(`Opened "${project.name}".`);
      return true;
    } catch (err) {
      toastError(err, "Could not open the project");
      setUrl(null);
      return false;
    }
  }

  async function open() {
    let list;
    try {
      list = await api.get("/api/projects");
    } catch (err) {
      toastError(err, "Could not list the projects");
      return;
    }
    const projects = Array.isArray(list) ? list : list?.projects ?? [];
    const rows = projects.map((p) => h("li", { class: "project-row" },
      h("button", { type: "button", class: "project-open", dataset: { id: p.id }, onclick: () => { close(); openById(p.id); } },
        h("span", { class: "project-name" }, p.name || p.id),
        h("span", { class: "muted small" }, when(p.updated_at))),
      h("button", {
        type: "button", class: "icon-btn small", title: "Delete project", "aria-label": `Delete ${p.name}`,
        onclick: async (e) => {
          const row = e.target.closest("li");
          try {
            await api.delete(`/api/projects/${encodeURIComponent(p.id)}`);
            row.remove();
            if (store.get().project.id === p.id) setProject({ id: null, saved: "dirty" });
          } catch (err) {
            toastError(err, "Could not delete the project");
          }
        },
      }, "×")));
    const close = openDialog({
      title: "Open project",
      className: "dialog-projects",
      body: rows.length ? h("ul", { class: "project-list" }, rows) : h("p", { class: "muted" }, "No saved projects yet: Save (Ctrl+S) stores the current one."),
    });
  }

  /** Start a new, empty project (a fresh undo history); asks first if unsaved work would be lost. */
  function newProject({ confirm = true } = {}) {
    const { graph, project } = store.get();
    const unsaved = graph.nodes.length > 0 && !project.id && project.saved !== "saved";
    const reset = () => {
      history.reset(emptyGraph());
      store.update("project", { id: null, name: "Untitled project", dataset: null, config: null, saved: "new" });
      setUrl(null);
      localStorage.removeItem(DRAFT_KEY);
    };
    if (!confirm || !unsaved) {
      reset();
      return;
    }
    openDialog({
      title: "Discard the current model?",
      body: h("p", {}, "This project has never been saved. Start a new one anyway?"),
      actions: [
        { label: "Cancel", onclick: (close) => close() },
        { label: "Save it first", onclick: async (close) => { close(); await save(); if (store.get().project.id) reset(); } },
        { label: "Discard and start new", kind: "danger", onclick: (close) => { close(); reset(); } },
      ],
    });
  }

  /** On start: the project in the URL, else the local draft, else an empty canvas. */
  async function restore() {
    const id = new URL(window.location.href).searchParams.get("project");
    if (id && (await openById(id, { quiet: true }))) return;
    const draft = localStorage.getItem(DRAFT_KEY);
    if (draft) {
      try {
        const data = JSON.parse(draft);
        load({ ...data, id: null });
        return;
      } catch {
        localStorage.removeItem(DRAFT_KEY);
      }
    }
    history.reset(emptyGraph());
  }

  // Anything saved with the project changed → dirty (+ autosave / draft).
  const watched = (s) => [s.graph, s.project.name, s.project.dataset, s.project.config];
  let lastDoc = null;
  store.subscribe((s, prev) => {
    const [g, n, d, c] = watched(s);
    const [pg, pn, pd, pc] = prev ? watched(prev) : [];
    if (g === pg && n === pn && d === pd && c === pc) return;
    if (!s.graph) return;
    const doc = JSON.stringify([toTopology(s.graph), toLayout(s.graph), n, d, c]);
    if (doc === lastDoc) return;
    const first = lastDoc === null;
    lastDoc = doc;
    if (first || s.project.saved === "saving") return;
    if (prev && prev.graph === null) return;
    if (s.project.saved !== "dirty") setProject({ saved: "dirty" });
    schedule();
  });

  window.addEventListener("beforeunload", () => {
    const { project } = store.get();
    if (project.saved === "dirty" && !project.id) {
      try {
        localStorage.setItem(DRAFT_KEY, JSON.stringify(body()));
      } catch {
        /* ignore */
      }
    }
  });

  return { save, open, openById, newProject, restore };
}
