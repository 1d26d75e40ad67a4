// The app state in one place, with subscribe/notify (like TensorFlow Playground's state.ts).
//
// The state is a plain object replaced (never mutated) on every change, so a subscriber can tell
// what changed by comparing references: `store.watch(s => s.graph, fn)` runs `fn` only when the
// graph object is a new one. Every module reads and writes the app's state through the store.

/** The initial app state. Other panels add their own keys (e.g. `data`, `runs`) under their name. */
export function initialState() {
  return {
    catalog: null,            // {categories, layers, byName: Map} from GET /api/layers
    graph: null,              // see graph/graph.js (nodes with inputs, model name)
    selection: { nodes: [], edge: null },   // node ids; edge = {to, index}
    validation: { status: "idle", report: null, byName: new Map(), errors: [], suggestions: [], message: "" },
    view: { x: 40, y: 40, k: 1 },           // canvas pan (px) and zoom factor
    project: { id: null, name: "Untitled project", dataset: null, config: null, saved: "new" },
    ui: { tab: "summary", dock: "open", overlay: null },
  };
}

/**
 * A store: `get()` the current state, `set(patch)` a shallow merge, `update(key, patch)` a merge
 * into one sub-object, `subscribe(fn)` for every change, `watch(select, fn)` for one part.
 */
export function createStore(initial = initialState()) {
  let state = initial;
  const listeners = new Set();

  function notify(prev, reason) {
    for (const fn of [...listeners]) {
      try {
        fn(state, prev, reason);
      } catch (err) {
        // One panel's bug must not stop the others from rendering; report it once on the console.
        console.error(err);
      }
    }
  }

  return {
    get: () => state,
    /** Merge `patch` into the state and notify (`reason` is a short label for debugging). */
    set(patch, reason = "") {
      const prev = state;
      state = { ...state, ...patch };
      notify(prev, reason);
    },
    /** Merge `patch` into `state[key]`. */
    update(key, patch, reason = "") {
      this.set({ [key]: { ...state[key], ...patch } }, reason || key);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Call `fn(value, state)` whenever `select(state)` returns a different value (by reference). */
    watch(select, fn, { now = false } = {}) {
      let last = select(state);
      if (now) fn(last, state);
      return this.subscribe((s) => {
        const value = select(s);
        if (value !== last) {
          last = value;
          fn(value, s);
        }
      });
    },
  };
}
