// Auto-layout: a layered top-to-bottom DAG drawing by dagre (vendored, MIT).

import dagre from "../../vendor/dagre/dagre.esm.js";
import { NODE_H, NODE_W } from "../canvas/geometry.js";
import { placeNodes } from "./graph.js";

/** The graph with every node placed by dagre (inputs at the top), top-left at (`x0`, `y0`). */
export function autoLayout(graph, { x0 = 40, y0 = 40 } = {}) {
  if (!graph.nodes.length) return graph;
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 42, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_W, height: NODE_H });
  for (const node of graph.nodes) {
    node.inputs.forEach((inp, i) => {
      if (g.hasNode(inp.id)) g.setEdge(inp.id, node.id, {}, `${node.id}:${i}`);
    });
  }
  dagre.layout(g);
  const positions = new Map();
  let minX = Infinity;
  let minY = Infinity;
  for (const id of g.nodes()) {
    const { x, y } = g.node(id);
    minX = Math.min(minX, x - NODE_W / 2);
    minY = Math.min(minY, y - NODE_H / 2);
  }
  for (const id of g.nodes()) {
    const { x, y } = g.node(id);
    positions.set(id, { x: x - NODE_W / 2 - minX + x0, y: y - NODE_H / 2 - minY + y0 });
  }
  return placeNodes(graph, positions);
}
