// Pointer gestures on the canvas: select (click, shift-click, shift-drag box), move nodes, wire
// output → input by dragging between ports (either direction), pan (drag the background, the
// middle button, or space+drag) and zoom (wheel, around the pointer).

import { nodeById, moveNodes } from "../graph/graph.js";
import { NODE_H, NODE_W, inPort, outPort, wirePath } from "./geometry.js";

const DRAG_THRESHOLD = 4;

/** Install the gestures on the canvas `svg`. */
export function attachPointer(svg, app) {
  const { store, commands } = app;
  let gesture = null;
  let spaceDown = false;

  const isTyping = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  window.addEventListener("keydown", (e) => {
    if (e.code === "Space" && !isTyping(document.activeElement) && !e.repeat) {
      spaceDown = true;
      svg.classList.add("panning-ready");
      if (document.activeElement === svg || svg.matches(":hover")) e.preventDefault();
    }
  });
  window.addEventListener("keyup", (e) => {
    if (e.code === "Space") {
      spaceDown = false;
      svg.classList.remove("panning-ready");
    }
  });

  const nodeIdOf = (el) => el?.closest?.(".node")?.dataset.id ?? null;

  function targetAt(clientX, clientY) {
    const el = document.elementFromPoint(clientX, clientY);
    if (!el || !svg.contains(el)) return { nodeId: null, port: null };
    return { nodeId: nodeIdOf(el), port: el.closest(".port")?.dataset.port ?? null };
  }

  svg.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 && e.button !== 1) return;
    svg.focus({ preventScroll: true });
    const state = store.get();
    const el = e.target;
    const start = { x: e.clientX, y: e.clientY };
    const nodeId = nodeIdOf(el);
    const port = el.closest(".port")?.dataset.port;

    if (e.button === 1 || spaceDown) {
      gesture = { kind: "pan", start, view: state.view, moved: false };
    } else if (nodeId && port) {
      gesture = { kind: "wire", start, nodeId, port, hover: null };
      svg.classList.add("wiring");
    } else if (nodeId) {
      const additive = e.shiftKey || e.ctrlKey || e.metaKey;
      const current = state.selection.nodes;
      if (additive) {
        const next = current.includes(nodeId) ? current.filter((id) => id !== nodeId) : [...current, nodeId];
        commands.select(next);
        gesture = { kind: "none" };
      } else {
        if (!current.includes(nodeId)) commands.select([nodeId]);
        gesture = { kind: "move", start, ids: store.get().selection.nodes, before: state.graph, moved: false };
      }
    } else if (el.closest(".edge")) {
      const edgeEl = el.closest(".edge");
      commands.select([], { to: edgeEl.dataset.to, index: Number(edgeEl.dataset.index) });
      gesture = { kind: "none" };
    } else if (e.shiftKey) {
      gesture = { kind: "marquee", start, base: state.selection.nodes };
    } else {
      gesture = { kind: "pan", start, view: state.view, moved: false, clearOnClick: true };
    }
    if (gesture.kind !== "none") {
      svg.setPointerCapture(e.pointerId);
      e.preventDefault();
    }
  });

  svg.addEventListener("pointermove", (e) => {
    if (!gesture) return;
    const dxs = e.clientX - (gesture.start?.x ?? 0);
    const dys = e.clientY - (gesture.start?.y ?? 0);
    const far = Math.hypot(dxs, dys) >= DRAG_THRESHOLD;
    const { k } = store.get().view;
    if (gesture.kind === "pan") {
      if (!far && !gesture.moved) return;
      gesture.moved = true;
      svg.classList.add("panning");
      store.set({ view: { ...gesture.view, x: gesture.view.x + dxs, y: gesture.view.y + dys } }, "pan");
    } else if (gesture.kind === "move") {
      if (!far && !gesture.moved) return;
      gesture.moved = true;
      store.set({ graph: moveNodes(gesture.before, gesture.ids, dxs / k, dys / k) }, "drag");
    } else if (gesture.kind === "wire") {
      const graph = store.get().graph;
      const node = nodeById(graph, gesture.nodeId);
      if (!node) return;
      const p = app.canvas.toGraph(e.clientX, e.clientY);
      const d = gesture.port === "out" ? wirePath(outPort(node), p) : wirePath(p, inPort(node));
      app.canvas.preview.setAttribute("d", d);
      const hit = targetAt(e.clientX, e.clientY);
      const hover = hit.nodeId && hit.nodeId !== gesture.nodeId ? hit.nodeId : null;
      if (hover !== gesture.hover) {
        if (gesture.hover) app.canvas.nodeElement(gesture.hover)?.classList.remove("drop-target");
        if (hover) app.canvas.nodeElement(hover)?.classList.add("drop-target");
        gesture.hover = hover;
      }
    } else if (gesture.kind === "marquee") {
      const rect = svg.getBoundingClientRect();
      const x = Math.min(e.clientX, gesture.start.x) - rect.left;
      const y = Math.min(e.clientY, gesture.start.y) - rect.top;
      const w = Math.abs(dxs);
      const hgt = Math.abs(dys);
      Object.entries({ x, y, width: w, height: hgt, visibility: "visible" })
        .forEach(([key, v]) => app.canvas.marquee.setAttribute(key, v));
      const a = app.canvas.toGraph(Math.min(e.clientX, gesture.start.x), Math.min(e.clientY, gesture.start.y));
      const b = app.canvas.toGraph(Math.max(e.clientX, gesture.start.x), Math.max(e.clientY, gesture.start.y));
      const inside = store.get().graph.nodes
        .filter((n) => n.x < b.x && n.x + NODE_W > a.x && n.y < b.y && n.y + NODE_H > a.y)
        .map((n) => n.id);
      commands.select([...new Set([...gesture.base, ...inside])]);
    }
  });

  function finish(e, cancelled = false) {
    if (!gesture) return;
    const g = gesture;
    gesture = null;
    svg.classList.remove("panning", "wiring");
    if (g.kind === "move" && g.moved) {
      if (cancelled) store.set({ graph: g.before }, "drag cancelled");
      else commands.finishMove(g.before);
    } else if (g.kind === "pan" && !g.moved && g.clearOnClick) {
      commands.clearSelection();
    } else if (g.kind === "wire") {
      app.canvas.preview.setAttribute("d", "");
      if (g.hover) app.canvas.nodeElement(g.hover)?.classList.remove("drop-target");
      if (!cancelled) {
        const hit = targetAt(e.clientX, e.clientY);
        if (hit.nodeId && hit.nodeId !== g.nodeId) {
          if (g.port === "out") commands.connect(g.nodeId, hit.nodeId);
          else commands.connect(hit.nodeId, g.nodeId);
        }
      }
    } else if (g.kind === "marquee") {
      app.canvas.marquee.setAttribute("visibility", "hidden");
    }
  }

  svg.addEventListener("pointerup", (e) => finish(e));
  svg.addEventListener("pointercancel", (e) => finish(e, true));
  svg.addEventListener("lostpointercapture", (e) => {
    if (gesture && gesture.kind !== "none") finish(e, true);
  });
  window.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && gesture) finish(e, true);
  });

  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = svg.getBoundingClientRect();
    const factor = Math.exp(-Math.max(-100, Math.min(100, e.deltaY)) * 0.0025);
    commands.zoomBy(factor, { x: e.clientX - rect.left, y: e.clientY - rect.top });
  }, { passive: false });
}
