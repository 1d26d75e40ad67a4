// The layer palette: generated from the catalog, grouped by category in the catalog's order,
// searchable. Drag an item onto the canvas to place it; click it (or press Enter) to add it after
// the selected layer.

import { categoryKey } from "./catalog.js";
import { h } from "./format.js";

const DRAG_THRESHOLD = 5;

/** Mount the palette in `root`. */
export function mountPalette(root, app) {
  const { store, commands } = app;
  const search = h("input", {
    type: "search", class: "palette-search", placeholder: "Search layers  ( / )", "aria-label": "Search layers",
    autocomplete: "off", spellcheck: "false",
  });
  const list = h("div", { class: "palette-list", role: "list" });
  const none = h("p", { class: "palette-none", hidden: true }, "No layer matches.");
  root.append(h("div", { class: "panel-title" }, "Layers"), search, list, none);
  const collapsed = new Set();

  function itemFor(entry) {
    const label = entry.class_name === "InputLayer" ? "Input" : entry.class_name;
    const item = h("button", {
      type: "button", class: `palette-item cat-${categoryKey(entry.category)}`, role: "listitem",
      title: `${entry.class_name}${entry.description ? ` — ${entry.description.replace(/`/g, "")}` : ""}\nDrag onto the canvas, or click to add after the selection.`,
      dataset: { class: entry.class_name },
    }, h("span", { class: "palette-swatch" }), h("span", { class: "palette-label" }, label));
    item.addEventListener("click", (e) => {
      if (item.dataset.dragged === "1") {
        item.dataset.dragged = "";
        return;
      }
      e.preventDefault();
      commands.addLayer(entry.class_name);
    });
    item.addEventListener("pointerdown", (e) => startDrag(e, item, entry.class_name, label));
    return item;
  }

  function render() {
    const catalog = store.get().catalog;
    if (!catalog) return;
    const query = search.value.trim().toLowerCase();
    list.replaceChildren();
    let shown = 0;
    for (const category of catalog.categories) {
      const entries = catalog.layers.filter((l) => l.category === category
        && (!query || l.class_name.toLowerCase().includes(query) || (l.class_name === "InputLayer" && "input".includes(query))
          || (l.description || "").toLowerCase().includes(query) || category.toLowerCase().includes(query)));
      if (!entries.length) continue;
      shown += entries.length;
      const open = Boolean(query) || !collapsed.has(category);
      const header = h("button", {
        type: "button", class: "palette-group-title", "aria-expanded": String(open), dataset: { category },
        onclick: () => {
          if (collapsed.has(category)) collapsed.delete(category); else collapsed.add(category);
          render();
        },
      }, h("span", { class: "chevron" }, open ? "▾" : "▸"), category, h("span", { class: "count" }, String(entries.length)));
      const group = h("div", { class: `palette-group cat-${categoryKey(category)}`, dataset: { category } }, header);
      if (open) group.append(h("div", { class: "palette-items" }, entries.map(itemFor)));
      list.append(group);
    }
    none.hidden = shown > 0;
  }

  // ---- drag onto the canvas (pointer events, so mouse, pen and touch behave the same)
  function startDrag(e, item, className, label) {
    if (e.button !== 0) return;
    const start = { x: e.clientX, y: e.clientY };
    let ghost = null;
    const move = (ev) => {
      if (!ghost && Math.hypot(ev.clientX - start.x, ev.clientY - start.y) < DRAG_THRESHOLD) return;
      if (!ghost) {
        ghost = h("div", { class: `drag-ghost ${item.className}` }, label);
        document.body.append(ghost);
        document.body.classList.add("dragging-layer");
      }
      ghost.style.transform = `translate(${ev.clientX + 8}px, ${ev.clientY + 8}px)`;
      const over = overCanvas(ev);
      app.canvas.svg.classList.toggle("drop-ok", over);
    };
    const up = (ev) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", cancel);
      if (!ghost) return;
      ghost.remove();
      document.body.classList.remove("dragging-layer");
      app.canvas.svg.classList.remove("drop-ok");
      item.dataset.dragged = "1";
      setTimeout(() => { item.dataset.dragged = ""; }, 0);
      if (overCanvas(ev)) {
        const p = app.canvas.toGraph(ev.clientX, ev.clientY);
        commands.addLayer(className, { x: p.x - 90, y: p.y - 30 });
      }
    };
    const cancel = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", cancel);
      ghost?.remove();
      document.body.classList.remove("dragging-layer");
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", cancel);
  }

  function overCanvas(ev) {
    const el = document.elementFromPoint(ev.clientX, ev.clientY);
    return Boolean(el && (app.canvas.svg.contains(el) || el.closest?.(".canvas-wrap")));
  }

  search.addEventListener("input", render);
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const first = list.querySelector(".palette-item");
      if (first) {
        e.preventDefault();
        commands.addLayer(first.dataset.class);
        search.value = "";      // ready for the next layer's name
        render();
      }
    } else if (e.key === "/") {
      e.preventDefault();
      search.select();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      list.querySelector(".palette-item")?.focus();
    } else if (e.key === "Escape") {
      search.value = "";
      render();
      app.canvas.svg.focus();
    }
  });
  list.addEventListener("keydown", (e) => {
    if (!e.target.classList.contains("palette-item")) return;
    const items = [...list.querySelectorAll(".palette-item")];
    const i = items.indexOf(e.target);
    if (e.key === "ArrowDown") items[i + 1]?.focus();
    else if (e.key === "ArrowUp") (items[i - 1] ?? search).focus();
    else return;
    e.preventDefault();
  });

  app.focusPaletteSearch = () => {
    search.focus();
    search.select();
  };
  store.watch((s) => s.catalog, render, { now: true });
}
