// Undo/redo over every graph edit. Graphs are immutable values, so a history entry is simply the
// graph (and selection) before the edit; nothing is copied.

const LIMIT = 200;

/** A history bound to `store`; every graph edit goes through `commit`. */
export function createHistory(store) {
  const undoStack = [];
  const redoStack = [];
  const listeners = new Set();
  const changed = () => listeners.forEach((fn) => fn());

  const snapshot = (state) => ({ graph: state.graph, selection: state.selection });

  return {
    /**
     * Make `graph` the current graph as one undoable step (`before` = the graph the step started
     * from, for edits like drags that updated the store live). `selection` optionally replaces it.
     */
    commit(graph, { label = "edit", selection, before } = {}) {
      const state = store.get();
      const base = before ? { graph: before, selection: state.selection } : snapshot(state);
      if (base.graph === graph && !selection) return;
      undoStack.push({ ...base, label });
      if (undoStack.length > LIMIT) undoStack.shift();
      redoStack.length = 0;
      store.set(selection ? { graph, selection } : { graph }, label);
      changed();
    },
    /** Replace the graph with no undo step (loading a project starts a fresh history). */
    reset(graph, selection = { nodes: [], edge: null }) {
      undoStack.length = 0;
      redoStack.length = 0;
      store.set({ graph, selection }, "load");
      changed();
    },
    undo() {
      const entry = undoStack.pop();
      if (!entry) return false;
      redoStack.push({ ...snapshot(store.get()), label: entry.label });
      store.set({ graph: entry.graph, selection: entry.selection }, `undo ${entry.label}`);
      changed();
      return true;
    },
    redo() {
      const entry = redoStack.pop();
      if (!entry) return false;
      undoStack.push({ ...snapshot(store.get()), label: entry.label });
      store.set({ graph: entry.graph, selection: entry.selection }, `redo ${entry.label}`);
      changed();
      return true;
    },
    canUndo: () => undoStack.length > 0,
    canRedo: () => redoStack.length > 0,
    undoLabel: () => undoStack.at(-1)?.label ?? null,
    redoLabel: () => redoStack.at(-1)?.label ?? null,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
