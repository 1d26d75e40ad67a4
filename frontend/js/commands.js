// Every user-level edit of the model (palette, canvas, inspector, keyboard, suggestions) as one
// command: it computes the new graph with graph.js, records one undo step and reports problems.

import { baseName, entryOf, inputArity, starterConfig } from "./catalog.js";
import { NODE_H, NODE_W, boundsOf } from "./canvas/geometry.js";
import * as G from "./graph/graph.js";
import { autoLayout } from "./graph/layout.js";
import { toast, toastError } from "./toast.js";

const NONE = { nodes: [], edge: null };

/** The commands of the app; `app` = {store, history, canvas: {size()}} (canvas registers itself). */
export function createCommands(app) {
  const { store, history } = app;
  const state = () => store.get();
  const graph = () => state().graph;
  const catalog = () => state().catalog;
  const selected = () => state().selection.nodes;

  /** Run `fn(graph)` → graph | {graph, selection}; GraphError → a toast, nothing changes. */
  function edit(label, fn) {
    try {
      const result = fn(graph());
      if (!result) return false;
      const next = result.graph ?? result;
      if (next === graph() && !result.selection) return false;
      history.commit(next, { label, selection: result.selection });
      return true;
    } catch (err) {
      if (err instanceof G.GraphError) {
        toast(err.message, { kind: "error" });
        return false;
      }
      throw err;
    }
  }

  const maxInputs = (className) => inputArity(catalog(), className).max;

  function viewCenter() {
    const size = app.canvas?.size() ?? { width: 800, height: 500 };
    const { x, y, k } = state().view;
    return { x: (size.width / 2 - x) / k - NODE_W / 2, y: (size.height / 2 - y) / k - NODE_H / 2 };
  }

  const commands = {
    select(ids, edge = null) {
      store.set({ selection: { nodes: [...ids], edge } }, "select");
    },
    selectAll() {
      this.select(graph().nodes.map((n) => n.id));
    },
    clearSelection() {
      if (selected().length || state().selection.edge) this.select([]);
    },

    /**
     * Add a layer from the palette. With `at` (graph coordinates) it lands there; without, it goes
     * below the selected layer and is wired to it (so repeated clicks build a chain).
     */
    addLayer(className, at = null) {
      const entry = entryOf(catalog(), className);
      if (!entry && className !== "InputLayer") {
        toast(`Unknown layer class ${className}.`, { kind: "error" });
        return null;
      }
      let newId = null;
      edit(`add ${className}`, (g) => {
        const source = !at && selected().length === 1 ? G.nodeById(g, selected()[0]) : null;
        let pos = at;
        if (!pos && source) pos = { x: source.x, y: source.y + NODE_H + 44 };
        if (!pos) {
          const sinks = g.nodes.filter((n) => !g.nodes.some((m) => m.inputs.some((i) => i.id === n.id)));
          const last = sinks.at(-1);
          pos = last ? { x: last.x, y: last.y + NODE_H + 44 } : viewCenter();
        }
        const wire = source && maxInputs(className) > 0 ? [{ id: source.id }] : [];
        const added = G.addNode(g, {
          class_name: className, config: starterConfig(catalog(), className), x: pos.x, y: pos.y,
          base: baseName(className), inputs: wire,
        });
        newId = added.id;
        return { graph: added.graph, selection: { nodes: [added.id], edge: null } };
      });
      if (newId && !at) app.canvas?.reveal?.([newId]);
      return newId;
    },

    deleteSelection() {
      const { nodes, edge } = state().selection;
      if (nodes.length) {
        edit(nodes.length === 1 ? "delete layer" : `delete ${nodes.length} layers`,
          (g) => ({ graph: G.removeNodes(g, nodes), selection: NONE }));
      } else if (edge) {
        edit("delete connection", (g) => ({ graph: G.disconnect(g, edge.to, edge.index), selection: NONE }));
      }
    },

    copy() {
      if (!selected().length) return false;
      app.clipboard = G.copyFragment(graph(), selected());
      toast(`Copied ${app.clipboard.length} layer${app.clipboard.length > 1 ? "s" : ""}.`);
      return true;
    },
    cut() {
      if (this.copy()) this.deleteSelection();
    },
    paste() {
      const fragment = app.clipboard;
      if (!fragment?.length) return;
      edit("paste", (g) => {
        const pasted = G.pasteFragment(g, fragment, 40, 40);
        app.clipboard = G.copyFragment(pasted.graph, pasted.ids);   // the next paste cascades
        return { graph: pasted.graph, selection: { nodes: pasted.ids, edge: null } };
      });
    },
    duplicate() {
      if (!selected().length) return;
      edit("duplicate", (g) => {
        const pasted = G.pasteFragment(g, G.copyFragment(g, selected()), 40, 40);
        return { graph: pasted.graph, selection: { nodes: pasted.ids, edge: null } };
      });
    },

    connect(fromId, toId) {
      const to = G.nodeById(graph(), toId);
      if (!to) return false;
      return edit("connect", (g) => G.connect(g, fromId, toId, maxInputs(to.class_name)));
    },
    disconnect(toId, index) {
      edit("disconnect", (g) => ({ graph: G.disconnect(g, toId, index), selection: NONE }));
    },
    reorderInput(toId, index, delta) {
      edit("reorder inputs", (g) => G.reorderInput(g, toId, index, delta));
    },

    /** Commit the end of a drag (the store was updated live from `before`). */
    finishMove(before) {
      history.commit(graph(), { label: "move", before });
    },
    nudge(dx, dy) {
      if (selected().length) edit("move", (g) => G.moveNodes(g, selected(), dx, dy));
    },

    setField(id, key, value) {
      edit(`set ${key}`, (g) => G.setConfigValue(g, id, key, value));
    },
    rename(id, name) {
      return edit("rename", (g) => {
        const node = G.nodeById(g, id);
        return node && node.name !== name.trim() ? G.renameNode(g, id, name) : null;
      });
    },
    renameModel(name) {
      const clean = String(name).trim() || "model";
      if (clean !== graph().name) edit("rename model", (g) => ({ ...g, name: clean }));
    },

    /** Apply a validation suggestion's machine-usable fix (insert / replace / remove / set). */
    applyFix(fix) {
      const g = graph();
      const byName = (name) => (name ? G.nodeByName(g, name) : null);
      if (!fix || typeof fix !== "object") return false;
      if (fix.action === "insert" && fix.class_name) {
        const after = byName(fix.after);
        const before = byName(fix.before);
        if (!after) return failFix(`layer "${fix.after}" is no longer in the graph`);
        const config = { ...starterConfig(catalog(), fix.class_name), ...(fix.config || {}) };
        const spec = { class_name: fix.class_name, config, base: baseName(fix.class_name) };
        return edit(`insert ${fix.class_name}`, (cur) => {
          if (before) {
            const inserted = G.insertBetween(cur, after.id, before.id, spec);
            return { graph: inserted.graph, selection: { nodes: [inserted.id], edge: null } };
          }
          // No target: insert after `after` and re-route everything it fed.
          const consumers = G.consumersOf(cur, after.id);
          const added = G.addNode(cur, { ...spec, x: after.x + NODE_W / 2, y: after.y + NODE_H / 2, inputs: [{ id: after.id }] });
          let next = added.graph;
          for (const { node, index } of consumers) {
            next = { ...next, nodes: next.nodes.map((n) => (n.id === node.id
              ? { ...n, inputs: n.inputs.map((inp, i) => (i === index ? { id: added.id, tensor: 0 } : inp)) } : n)) };
          }
          return { graph: next, selection: { nodes: [added.id], edge: null } };
        });
      }
      if (fix.action === "replace" && fix.class_name) {
        const node = byName(fix.layer);
        if (!node) return failFix(`layer "${fix.layer}" is no longer in the graph`);
        const config = { ...starterConfig(catalog(), fix.class_name), ...(fix.config || {}) };
        return edit(`replace with ${fix.class_name}`, (cur) => G.replaceClass(cur, node.id, fix.class_name, config));
      }
      if (fix.action === "remove" && fix.layer) {
        const node = byName(fix.layer);
        if (!node) return failFix(`layer "${fix.layer}" is no longer in the graph`);
        return edit(`remove ${fix.layer}`, (cur) => ({ graph: G.removeNodes(cur, [node.id]), selection: NONE }));
      }
      if (fix.action === "set" && fix.field) {
        const node = byName(fix.layer);
        if (!node) return failFix(`layer "${fix.layer}" is no longer in the graph`);
        return edit(`set ${fix.field}`, (cur) => G.setConfigValue(cur, node.id, fix.field, fix.value));
      }
      return failFix(`the studio cannot apply a "${fix.action}" fix automatically`);
    },

    /** Replace the whole graph as one undoable step (templates, imports). */
    replaceGraph(next, label = "load model") {
      history.commit(next, { label, selection: NONE });
      this.fitView();
    },

    autoLayout() {
      if (!graph().nodes.length) return;
      edit("auto-layout", (g) => autoLayout(g));
      this.fitView();
    },

    // ---- the view (not part of the undo history)
    zoomBy(factor, around = null) {
      const size = app.canvas?.size() ?? { width: 800, height: 500 };
      const p = around ?? { x: size.width / 2, y: size.height / 2 };
      const { x, y, k } = state().view;
      const k2 = Math.min(2.5, Math.max(0.2, k * factor));
      store.set({ view: { x: p.x - ((p.x - x) * k2) / k, y: p.y - ((p.y - y) * k2) / k, k: k2 } }, "zoom");
    },
    resetZoom() {
      this.zoomBy(1 / state().view.k);
    },
    /** Fit the nodes (all, or `ids`) into the view; big models zoom no further out than 70%, left-aligned. */
    fitView(ids = null) {
      const nodes = ids ? graph().nodes.filter((n) => ids.includes(n.id)) : graph().nodes;
      const box = boundsOf(nodes);
      const size = app.canvas?.size();
      if (!box || !size || !size.width) return;
      const pad = 48;
      const fit = Math.min((size.width - 2 * pad) / box.w, (size.height - 2 * pad) / box.h);
      const k = Math.min(1.1, Math.max(0.7, fit));
      const x = box.w * k <= size.width - 2 * pad ? (size.width - box.w * k) / 2 - box.x * k : pad - box.x * k;
      const y = box.h * k <= size.height - 2 * pad ? (size.height - box.h * k) / 2 - box.y * k : pad - box.y * k;
      store.set({ view: { k, x, y } }, "fit");
    },
  };

  function failFix(reason) {
    toastError(`Cannot apply the fix: ${reason}.`);
    return false;
  }

  for (const key of Object.keys(commands)) commands[key] = commands[key].bind(commands);
  return commands;
}
