// Node geometry shared by the canvas, the auto-layout and the fit-to-view.

export const NODE_W = 196;
export const NODE_H = 66;
export const PORT_R = 6;

// The model flows top to bottom (like Keras' plot_model and Netron): a long chain of layers fits
// the canvas far better than left to right.

/** Where a node's output port sits (bottom edge, centre). */
export const outPort = (node) => ({ x: node.x + NODE_W / 2, y: node.y + NODE_H });

/** Where a node's input port sits (top edge, centre). */
export const inPort = (node) => ({ x: node.x + NODE_W / 2, y: node.y });

/** The bounding box of some nodes: {x, y, w, h} (null for none). */
export function boundsOf(nodes) {
  if (!nodes.length) return null;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) + NODE_W - x, h: Math.max(...ys) + NODE_H - y };
}

/** The S-shaped path of a connection from an output (a) down to an input (b). */
export function wirePath(a, b) {
  const dy = Math.max(30, Math.abs(b.y - a.y) * 0.5);
  return `M${a.x},${a.y} C${a.x},${a.y + dy} ${b.x},${b.y - dy} ${b.x},${b.y}`;
}
