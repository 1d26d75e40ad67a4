// The canvas: an SVG drawing of the graph (nodes with ports, wires), pan/zoom, and the live
// validation result on every node (output shape, parameter count, or the server's error).
// Pointer gestures live in pointer.js; this module only draws.

import { categoryKey, entryOf, inputArity } from "../catalog.js";
import { formatCompact, formatCount, formatShape, h, s, truncate } from "../format.js";
import { nodeById, topoOrder } from "../graph/graph.js";
import { NODE_H, NODE_W, PORT_R, inPort, outPort, wirePath } from "./geometry.js";
import { attachPointer } from "./pointer.js";

/** Where wire `index` of a node with `count` inputs ends (spread so a merge's order shows). */
export function inputAnchor(node, index, count) {
  const p = inPort(node);
  if (count <= 1) return p;
  const spread = Math.min(22, (NODE_W - 40) / (count - 1));
  return { x: p.x + (index - (count - 1) / 2) * spread, y: p.y };
}

/** A wire from a (an output) to b (an input) that goes round the nodes standing between them. */
export function routedWire(a, b, nodes, fromId, toId) {
  if (b.y - a.y < 2 * 40) return wirePath(a, b);
  const left = Math.min(a.x, b.x) - NODE_W / 2;
  const right = Math.max(a.x, b.x) + NODE_W / 2;
  const blocking = nodes.filter((n) => n.id !== fromId && n.id !== toId
    && n.y < b.y - 10 && n.y + NODE_H > a.y + 10 && n.x < right && n.x + NODE_W > left);
  if (!blocking.length) return wirePath(a, b);
  const toLeft = Math.min(...blocking.map((n) => n.x)) - 18;
  const toRight = Math.max(...blocking.map((n) => n.x + NODE_W)) + 18;
  const mid = (a.x + b.x) / 2;
  const x = Math.abs(mid - toRight) <= Math.abs(mid - toLeft) ? toRight : toLeft;
  const r = 30;
  return `M${a.x},${a.y} C${a.x},${a.y + r} ${x},${a.y + r} ${x},${a.y + 2 * r} `
    + `L${x},${b.y - 2 * r} C${x},${b.y - r} ${b.x},${b.y - r} ${b.x},${b.y}`;
}

/** An error message without its leading "Layer 'name' (Class)" (the node already says which layer). */
export function shortError(message, name) {
  const text = String(message ?? "");
  const prefix = `Layer '${name}'`;
  if (!text.startsWith(prefix)) return text;
  const rest = text.slice(prefix.length).replace(/^\s*\([^)]*\)\s*/, "").trim();
  return rest ? rest[0].toUpperCase() + rest.slice(1) : text;
}

/** Mount the canvas in `root`; registers `app.canvas` ({svg, size(), toGraph(), reveal()}). */
export function mountCanvas(root, app) {
  const { store, commands } = app;

  const svg = s("svg", { class: "canvas", tabindex: "0", role: "application", "aria-label": "Model graph canvas" });
  const defs = s("defs");
  const grid = s("pattern", { id: "canvas-grid", width: 24, height: 24, patternUnits: "userSpaceOnUse" });
  grid.append(s("circle", { cx: 1, cy: 1, r: 1, class: "grid-dot" }));
  const arrow = s("marker", { id: "wire-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  arrow.append(s("path", { d: "M0,1 L9,5 L0,9 z", class: "wire-arrow" }));
  defs.append(grid, arrow);
  const background = s("rect", { class: "canvas-bg", width: "100%", height: "100%", fill: "url(#canvas-grid)" });
  const viewport = s("g", { class: "viewport" });
  const edgeLayer = s("g", { class: "edges" });
  const preview = s("path", { class: "wire-preview", d: "" });
  const nodeLayer = s("g", { class: "nodes" });
  viewport.append(edgeLayer, nodeLayer, preview);
  const marquee = s("rect", { class: "marquee", visibility: "hidden" });
  svg.append(defs, background, viewport, marquee);

  const empty = h("div", { class: "canvas-empty" },
    h("div", { class: "canvas-empty-title" }, "Start a model"),
    h("p", {}, "Drag layers from the palette, or click one to add it. ",
      "Begin with an ", h("b", {}, "Input"), " layer, or pick a template."),
    h("button", { type: "button", class: "btn btn-primary", onclick: () => app.openTemplates?.() }, "Browse templates"));
  const banner = h("div", { class: "canvas-banner", hidden: true });
  const toolbar = h("div", { class: "canvas-toolbar", role: "toolbar", "aria-label": "View" },
    h("button", { type: "button", class: "icon-btn", title: "Zoom out (-)", "aria-label": "Zoom out", onclick: () => commands.zoomBy(1 / 1.2) }, "−"),
    h("button", { type: "button", class: "zoom-level", title: "Reset zoom (0)", onclick: () => commands.resetZoom() }, "100%"),
    h("button", { type: "button", class: "icon-btn", title: "Zoom in (+)", "aria-label": "Zoom in", onclick: () => commands.zoomBy(1.2) }, "+"),
    h("span", { class: "toolbar-sep" }),
    h("button", { type: "button", class: "btn btn-ghost", title: "Fit to view (F)", onclick: () => commands.fitView() }, "Fit"),
    h("button", { type: "button", class: "btn btn-ghost", title: "Auto-layout (L)", onclick: () => commands.autoLayout() }, "Auto-layout"));
  const zoomLabel = toolbar.querySelector(".zoom-level");
  root.append(svg, empty, banner, toolbar);

  const nodeEls = new Map();   // node id → {g, parts, key}

  app.canvas = {
    svg,
    preview,
    marquee,
    size: () => ({ width: svg.clientWidth, height: svg.clientHeight }),
    /** Client (screen) coordinates → graph coordinates. */
    toGraph(clientX, clientY) {
      const rect = svg.getBoundingClientRect();
      const { x, y, k } = store.get().view;
      return { x: (clientX - rect.left - x) / k, y: (clientY - rect.top - y) / k };
    },
    /** Pan (not zoom) so that the given nodes are visible. */
    reveal(ids) {
      const nodes = store.get().graph.nodes.filter((n) => ids.includes(n.id));
      if (!nodes.length) return;
      const { x, y, k } = store.get().view;
      const { width, height } = this.size();
      let dx = 0;
      let dy = 0;
      for (const n of nodes) {
        const left = n.x * k + x;
        const right = (n.x + NODE_W) * k + x;
        const top = n.y * k + y;
        const bottom = (n.y + NODE_H) * k + y;
        if (right > width - 24) dx = Math.min(dx, width - 24 - right);
        if (left + dx < 24) dx = 24 - left;
        if (bottom > height - 24) dy = Math.min(dy, height - 24 - bottom);
        if (top + dy < 24) dy = 24 - top;
      }
      if (dx || dy) store.set({ view: { x: x + dx, y: y + dy, k } }, "reveal");
    },
    nodeElement: (id) => nodeEls.get(id)?.g ?? null,
  };

  function buildNode(node) {
    const g = s("g", { class: "node", "data-id": node.id });
    const title = s("title");
    const body = s("rect", { class: "node-body", width: NODE_W, height: NODE_H, rx: 9 });
    const stripe = s("rect", { class: "node-stripe", x: 0, y: 0, width: 5, height: NODE_H, rx: 2.5 });
    const cls = s("text", { class: "node-class", x: 16, y: 21 });
    const badge = s("text", { class: "node-badge", x: NODE_W - 12, y: 21, "text-anchor": "end" });
    const name = s("text", { class: "node-name", x: 16, y: 38 });
    const params = s("text", { class: "node-params", x: NODE_W - 12, y: 38, "text-anchor": "end" });
    const shape = s("text", { class: "node-shape", x: 16, y: 56 });
    const portIn = s("g", { class: "port port-in", "data-port": "in", transform: `translate(${NODE_W / 2},0)` });
    portIn.append(s("circle", { class: "port-hit", r: 13 }), s("circle", { class: "port-dot", r: PORT_R }));
    const portOut = s("g", { class: "port port-out", "data-port": "out", transform: `translate(${NODE_W / 2},${NODE_H})` });
    portOut.append(s("circle", { class: "port-hit", r: 13 }), s("circle", { class: "port-dot", r: PORT_R }));
    g.append(title, body, stripe, cls, badge, name, shape, params, portIn, portOut);
    return { g, parts: { title, cls, badge, name, shape, params, portIn, portOut }, key: "" };
  }

  function nodeInfo(node, state) {
    const { catalog, validation, selection } = state;
    const entry = entryOf(catalog, node.class_name);
    const layer = validation.byName.get(node.name) ?? null;
    const errors = validation.errorsByName?.get(node.name) ?? [];
    const error = errors[0] ?? (layer?.error || null);
    const arity = inputArity(catalog, node.class_name);
    return {
      entry, layer, error, arity,
      selected: selection.nodes.includes(node.id),
      stale: validation.status === "pending",
      unknown: catalog && !entry && node.class_name !== "InputLayer",
    };
  }

  function updateNode(rec, node, info) {
    const { g, parts } = rec;
    const { layer, error, entry, arity } = info;
    const key = JSON.stringify([node.x, node.y, node.name, node.class_name, info.selected, info.stale,
      error, layer?.output_shape, layer?.params, Boolean(entry), arity.max]);
    if (key === rec.key) return;
    rec.key = key;
    g.setAttribute("transform", `translate(${node.x},${node.y})`);
    const category = entry?.category ?? (node.class_name === "InputLayer" ? "Core" : "other");
    g.setAttribute("class", ["node", `cat-${categoryKey(category)}`, info.selected && "selected",
      error && "invalid", info.stale && "stale", info.unknown && "unknown"].filter(Boolean).join(" "));
    g.dataset.name = node.name;
    g.dataset.class = node.class_name;
    parts.cls.textContent = truncate(node.class_name === "InputLayer" ? "Input" : node.class_name, 20);
    const paramText = !error && Number.isFinite(layer?.params) ? `${formatCompact(layer.params)} params` : "";
    parts.name.textContent = truncate(node.name, paramText ? 27 - paramText.length : 27);
    parts.badge.textContent = error ? "⚠" : "";
    const shapeText = formatShape(layer?.output_shape);
    parts.params.textContent = paramText;
    if (error) {
      parts.shape.textContent = truncate(shortError(error, node.name), 31);
      parts.shape.setAttribute("class", "node-shape node-error");
    } else {
      parts.shape.textContent = truncate(shapeText || (info.stale ? "…" : ""), 27);
      parts.shape.setAttribute("class", "node-shape");
    }
    const lines = [`${node.name} (${node.class_name})`];
    if (shapeText) lines.push(`output ${shapeText}`);
    if (Number.isFinite(layer?.params)) lines.push(`${formatCount(layer.params)} parameters`);
    if (error) lines.push(`⚠ ${error}`);
    if (info.unknown) lines.push("This layer class is not in the studio's catalog.");
    parts.title.textContent = lines.join("\n");
    g.setAttribute("data-shape", shapeText);
    g.setAttribute("data-params", Number.isFinite(layer?.params) ? String(layer.params) : "");
    g.setAttribute("data-error", error || "");
    parts.portIn.style.display = arity.max === 0 ? "none" : "";
    parts.portIn.classList.toggle("multi", arity.max > 1);
  }

  function renderNodes(state) {
    const seen = new Set();
    for (const node of state.graph.nodes) {
      seen.add(node.id);
      let rec = nodeEls.get(node.id);
      if (!rec) {
        rec = buildNode(node);
        nodeEls.set(node.id, rec);
      }
      if (rec.g.parentNode !== nodeLayer) nodeLayer.append(rec.g);
      updateNode(rec, node, nodeInfo(node, state));
    }
    for (const [id, rec] of nodeEls) {
      if (!seen.has(id)) {
        rec.g.remove();
        nodeEls.delete(id);
      }
    }
    // Selected nodes on top.
    for (const id of state.selection.nodes) {
      const rec = nodeEls.get(id);
      if (rec && rec.g !== nodeLayer.lastChild) nodeLayer.append(rec.g);
    }
  }

  function renderEdges(state) {
    const { graph, selection } = state;
    edgeLayer.replaceChildren();
    for (const node of graph.nodes) {
      const count = node.inputs.length;
      node.inputs.forEach((inp, index) => {
        const src = nodeById(graph, inp.id);
        if (!src) return;
        const a = outPort(src);
        const b = inputAnchor(node, index, count);
        const d = routedWire(a, b, graph.nodes, src.id, node.id);
        const isSel = selection.edge && selection.edge.to === node.id && selection.edge.index === index;
        const touches = selection.nodes.includes(node.id) || selection.nodes.includes(src.id);
        const group = s("g", { class: `edge${isSel ? " selected" : ""}${touches ? " related" : ""}`,
          "data-to": node.id, "data-index": index, "data-from": src.id });
        group.append(s("path", { class: "edge-hit", d }), s("path", { class: "edge-line", d, "marker-end": "url(#wire-arrow)" }));
        if (count > 1) {
          const lbl = s("g", { class: "edge-order", transform: `translate(${b.x},${b.y - 17})` });
          lbl.append(s("circle", { r: 7 }));
          const t = s("text", { "text-anchor": "middle", dy: "0.35em" });
          t.textContent = String(index + 1);
          lbl.append(t);
          group.append(lbl);
        }
        edgeLayer.append(group);
      });
    }
  }

  function renderView(view) {
    viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
    grid.setAttribute("patternTransform", `translate(${view.x},${view.y}) scale(${view.k})`);
    zoomLabel.textContent = `${Math.round(view.k * 100)}%`;
  }

  function renderBanner(state) {
    const v = state.validation;
    if (!state.graph.nodes.length || (v.status !== "invalid" && v.status !== "error")) {
      banner.hidden = true;
      return;
    }
    const problems = v.errors.length;
    const first = v.errors[0];
    const firstNode = first?.layer ? state.graph.nodes.find((n) => n.name === first.layer) : null;
    const text = v.status === "error" ? v.message
      : firstNode ? `${problems} problem${problems === 1 ? "" : "s"}: ${first.layer} — ${shortError(first.message, first.layer)}`
        : first?.message ?? "The model has a problem";
    banner.hidden = false;
    banner.replaceChildren(...[
      h("span", { class: "banner-icon" }, "⚠"),
      h("span", { class: "banner-text" }, truncate(text, 110)),
      firstNode ? h("button", { type: "button", class: "btn btn-link", onclick: () => {
        commands.select([firstNode.id]);
        app.canvas.reveal([firstNode.id]);
      } }, "Show") : null,
      h("button", { type: "button", class: "btn btn-link", onclick: () => app.showTab?.("summary") },
        v.suggestions.length ? `${v.suggestions.length} fix${v.suggestions.length === 1 ? "" : "es"}` : "Details"),
    ].filter(Boolean));
  }

  let last = {};
  function render(state) {
    if (!state.graph) return;
    const graphChanged = state.graph !== last.graph || state.catalog !== last.catalog;
    if (graphChanged || state.selection !== last.selection || state.validation !== last.validation) {
      renderNodes(state);
    }
    if (graphChanged || state.selection !== last.selection) renderEdges(state);
    if (state.view !== last.view) renderView(state.view);
    if (graphChanged || state.validation !== last.validation) renderBanner(state);
    empty.hidden = state.graph.nodes.length > 0;
    last = state;
  }

  // Keyboard: Tab / Shift+Tab walk the layers in model order (leaving the canvas at either end);
  // Enter moves into the inspector to edit the selected layer.
  svg.addEventListener("keydown", (e) => {
    const { graph, selection } = store.get();
    if (e.key === "Tab" && !e.ctrlKey && !e.altKey && graph.nodes.length) {
      const order = topoOrder(graph);
      const current = selection.nodes.length === 1 ? order.indexOf(selection.nodes[0]) : -1;
      const next = current === -1 ? (e.shiftKey ? order.length - 1 : 0) : current + (e.shiftKey ? -1 : 1);
      if (next < 0 || next >= order.length) return;
      e.preventDefault();
      commands.select([order[next]]);
      app.canvas.reveal([order[next]]);
    } else if (e.key === "Enter" && selection.nodes.length === 1) {
      e.preventDefault();
      document.querySelector("#inspector :is(input, select, textarea)")?.focus();
    }
  });

  store.subscribe(render);
  render(store.get());
  attachPointer(svg, app);
  return app.canvas;
}
