// The editor's graph: pure functions over an immutable value (every edit returns a new graph).
//
//   graph = {name, seq, nodes: [node]}
//   node  = {id, name, class_name, config, x, y, inputs: [{id, tensor}]}
//
// `id` is the editor's stable identity (survives renames); `name` is the Keras layer name (unique);
// `config` holds only the values set for this layer (the catalog supplies every default);
// `inputs` are ordered (a Concatenate's order matters): each is the source node and its output index.

/** Raised by an edit the graph cannot take (a cycle, a duplicate name, ...); the message is for the user. */
export class GraphError extends Error {}

export function emptyGraph(name = "model") {
  return { name, seq: 0, nodes: [] };
}

export const nodeById = (graph, id) => graph.nodes.find((n) => n.id === id) ?? null;
export const nodeByName = (graph, name) => graph.nodes.find((n) => n.name === name) ?? null;

/** Nodes that read from `id`, with the input slot: [{node, index}]. */
export function consumersOf(graph, id) {
  const out = [];
  for (const node of graph.nodes) {
    node.inputs.forEach((inp, index) => {
      if (inp.id === id) out.push({ node, index });
    });
  }
  return out;
}

/** Every edge: [{from, to, index, tensor}] (from/to are node ids). */
export function edgesOf(graph) {
  const edges = [];
  for (const node of graph.nodes) {
    node.inputs.forEach((inp, index) => edges.push({ from: inp.id, to: node.id, index, tensor: inp.tensor || 0 }));
  }
  return edges;
}

/** `base`, or `base_1`, `base_2`, ... — the first name no node (other than `exceptId`) uses. */
export function uniqueName(graph, base, exceptId = null) {
  const taken = new Set(graph.nodes.filter((n) => n.id !== exceptId).map((n) => n.name));
  if (!taken.has(base)) return base;
  const stem = base.replace(/_\d+$/, "");
  for (let i = 1; ; i += 1) {
    const candidate = `${stem}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function replaceNode(graph, id, fn) {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? fn(n) : n)) };
}

/** Add a node; returns {graph, id}. */
export function addNode(graph, { class_name, config = {}, x = 0, y = 0, name, base, inputs = [] }) {
  const id = `n${graph.seq + 1}`;
  const node = {
    id,
    name: uniqueName(graph, name || base || class_name.toLowerCase()),
    class_name,
    config: structuredClone(config),
    x: Math.round(x),
    y: Math.round(y),
    inputs: inputs.map((inp) => ({ id: inp.id, tensor: inp.tensor || 0 })),
  };
  return { graph: { ...graph, seq: graph.seq + 1, nodes: [...graph.nodes, node] }, id };
}

/** Remove nodes and every edge touching them. */
export function removeNodes(graph, ids) {
  const gone = new Set(ids);
  const nodes = graph.nodes
    .filter((n) => !gone.has(n.id))
    .map((n) => (n.inputs.some((i) => gone.has(i.id)) ? { ...n, inputs: n.inputs.filter((i) => !gone.has(i.id)) } : n));
  return { ...graph, nodes };
}

/** Is `target` reachable from `start` following edges forward? */
export function reaches(graph, start, target) {
  const seen = new Set();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop();
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const { node } of consumersOf(graph, id)) stack.push(node.id);
  }
  return false;
}

/**
 * Connect `fromId`'s output to `toId`'s inputs. `maxInputs` (from the catalog) decides whether the
 * edge is added (merge layers) or replaces the current input (single-input layers).
 */
export function connect(graph, fromId, toId, maxInputs = 1, tensor = 0) {
  const from = nodeById(graph, fromId);
  const to = nodeById(graph, toId);
  if (!from || !to) throw new GraphError("Both ends of a connection must be layers on the canvas.");
  if (fromId === toId) throw new GraphError(`A layer cannot feed itself (${to.name}).`);
  if (maxInputs === 0) throw new GraphError(`${to.name} is an input layer: it takes no inputs.`);
  if (to.inputs.some((i) => i.id === fromId && (i.tensor || 0) === tensor)) {
    throw new GraphError(`${from.name} already feeds ${to.name}.`);
  }
  if (reaches(graph, toId, fromId)) {
    throw new GraphError(`Connecting ${from.name} → ${to.name} would make a cycle.`);
  }
  const edge = { id: fromId, tensor };
  let inputs;
  if (to.inputs.length < maxInputs) inputs = [...to.inputs, edge];
  else if (maxInputs === 1) inputs = [edge];
  else throw new GraphError(`${to.name} takes at most ${maxInputs} inputs.`);
  return replaceNode(graph, toId, (n) => ({ ...n, inputs }));
}

/** Remove input slot `index` of node `toId`. */
export function disconnect(graph, toId, index) {
  return replaceNode(graph, toId, (n) => ({ ...n, inputs: n.inputs.filter((_, i) => i !== index) }));
}

/** Move input slot `index` of node `toId` by `delta` (reorders a merge layer's inputs). */
export function reorderInput(graph, toId, index, delta) {
  return replaceNode(graph, toId, (n) => {
    const inputs = [...n.inputs];
    const j = index + delta;
    if (j < 0 || j >= inputs.length) return n;
    [inputs[index], inputs[j]] = [inputs[j], inputs[index]];
    return { ...n, inputs };
  });
}

/** Set node positions: `positions` maps id → {x, y}. */
export function placeNodes(graph, positions) {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (positions.has(n.id)
      ? { ...n, x: Math.round(positions.get(n.id).x), y: Math.round(positions.get(n.id).y) } : n)),
  };
}

/** Shift nodes by (dx, dy). */
export function moveNodes(graph, ids, dx, dy) {
  const moving = new Set(ids);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (moving.has(n.id) ? { ...n, x: Math.round(n.x + dx), y: Math.round(n.y + dy) } : n)),
  };
}

/** Set (or, with `value === undefined`, clear back to the default) one config field. */
export function setConfigValue(graph, id, key, value) {
  const node = nodeById(graph, id);
  if (!node || JSON.stringify(node.config[key]) === JSON.stringify(value)) return graph;
  return replaceNode(graph, id, (n) => {
    const config = { ...n.config };
    if (value === undefined) delete config[key];
    else config[key] = value;
    return { ...n, config };
  });
}

/** Valid Keras layer names: letters, digits, `_ . / -`, starting with a letter or `_`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/;

/** Rename a node (names are unique and Keras-valid). */
export function renameNode(graph, id, name) {
  const clean = String(name).trim();
  if (!NAME_PATTERN.test(clean)) {
    throw new GraphError(`"${clean}" is not a valid layer name: use letters, digits and _ . / - (start with a letter or _).`);
  }
  const other = nodeByName(graph, clean);
  if (other && other.id !== id) throw new GraphError(`Another layer is already named "${clean}".`);
  return replaceNode(graph, id, (n) => ({ ...n, name: clean }));
}

/** Replace a node's class (keeps its connections; config reset to `config`). */
export function replaceClass(graph, id, className, config = {}) {
  return replaceNode(graph, id, (n) => ({ ...n, class_name: className, config: structuredClone(config) }));
}

/** Insert a new node on the edge from → to (to's input slot that reads `from`); returns {graph, id}. */
export function insertBetween(graph, fromId, toId, spec, spacing = 110) {
  const from = nodeById(graph, fromId);
  const to = nodeById(graph, toId);
  if (!from || !to) throw new GraphError("The layers of that connection are no longer on the canvas.");
  const slot = to.inputs.findIndex((i) => i.id === fromId);
  const tensor = slot >= 0 ? to.inputs[slot].tensor || 0 : 0;
  // The new layer takes `to`'s place; `to` and everything below it move down to make room.
  const added = addNode(graph, { ...spec, x: to.x, y: to.y, inputs: [{ id: fromId, tensor }] });
  let next = added.graph;
  const below = new Set(graph.nodes.filter((n) => n.id === toId || reaches(graph, toId, n.id)).map((n) => n.id));
  next = moveNodes(next, [...below], 0, spacing);
  next = replaceNode(next, toId, (n) => {
    const inputs = [...n.inputs];
    if (slot >= 0) inputs[slot] = { id: added.id, tensor: 0 };
    else inputs.push({ id: added.id, tensor: 0 });
    return { ...n, inputs };
  });
  return { graph: next, id: added.id };
}

/** The nodes `ids` with the edges among them, as a paste-able fragment (positions kept). */
export function copyFragment(graph, ids) {
  const keep = new Set(ids);
  return graph.nodes
    .filter((n) => keep.has(n.id))
    .map((n) => structuredClone({ ...n, inputs: n.inputs.filter((i) => keep.has(i.id)) }));
}

/** Paste a fragment shifted by (dx, dy) with fresh ids and unique names; returns {graph, ids}. */
export function pasteFragment(graph, fragment, dx = 40, dy = 40) {
  let next = graph;
  const idMap = new Map();
  for (const node of fragment) {
    const added = addNode(next, {
      class_name: node.class_name, config: node.config, x: node.x + dx, y: node.y + dy, name: node.name,
    });
    next = added.graph;
    idMap.set(node.id, added.id);
  }
  next = {
    ...next,
    nodes: next.nodes.map((n) => {
      const original = fragment.find((f) => idMap.get(f.id) === n.id);
      if (!original) return n;
      return { ...n, inputs: original.inputs.map((i) => ({ id: idMap.get(i.id), tensor: i.tensor || 0 })) };
    }),
  };
  return { graph: next, ids: [...idMap.values()] };
}

/** Node ids in topological order (sources first; nodes caught in a cycle come last, in canvas order). */
export function topoOrder(graph) {
  const indegree = new Map(graph.nodes.map((n) => [n.id, n.inputs.filter((i) => nodeById(graph, i.id)).length]));
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order = [];
  while (ready.length) {
    const id = ready.shift();
    order.push(id);
    for (const { node } of consumersOf(graph, id)) {
      indegree.set(node.id, indegree.get(node.id) - 1);
      if (indegree.get(node.id) === 0) ready.push(node.id);
    }
  }
  for (const n of graph.nodes) if (!order.includes(n.id)) order.push(n.id);
  return order;
}
