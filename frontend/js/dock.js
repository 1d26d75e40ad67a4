// The bottom dock: tabs (Summary, Code, Data, Train, Export), each a panel module exporting
// `mount(root, store, app)` that may return {show(), hide()}. The dock can be resized (drag its
// top edge), collapsed and maximised; the open tab is in state.ui.tab.

import { h } from "./format.js";

/** Mount the dock in `root` with `panels`: [{id, label, module}] (module has mount()). */
export function mountDock(root, app, panels) {
  const { store } = app;
  const tabs = h("div", { class: "dock-tabs", role: "tablist", "aria-label": "Panels" });
  const body = h("div", { class: "dock-body" });
  const grip = h("div", { class: "dock-grip", title: "Drag to resize", role: "separator", "aria-orientation": "horizontal" });
  const sizeBtn = h("button", { type: "button", class: "icon-btn", title: "Maximise panel", "aria-label": "Maximise panel" }, "⤢");
  const foldBtn = h("button", { type: "button", class: "icon-btn", title: "Collapse panel", "aria-label": "Collapse panel" }, "▾");
  root.append(grip, h("div", { class: "dock-bar" }, tabs, h("div", { class: "dock-tools" }, sizeBtn, foldBtn)), body);

  const mounted = new Map();
  for (const panel of panels) {
    const tab = h("button", {
      type: "button", role: "tab", class: "dock-tab", id: `tab-${panel.id}`, "aria-controls": `panel-${panel.id}`,
      dataset: { tab: panel.id }, onclick: () => show(panel.id),
    }, panel.label, h("span", { class: "tab-badge", hidden: true }));
    const section = h("section", { class: `dock-panel panel-${panel.id}`, id: `panel-${panel.id}`, role: "tabpanel", "aria-labelledby": `tab-${panel.id}`, hidden: true });
    tabs.append(tab);
    body.append(section);
    const api = panel.module.mount(section, store, app) || {};
    mounted.set(panel.id, { tab, section, api });
  }

  function show(id) {
    const ui = store.get().ui;
    store.update("ui", { tab: id, dock: ui.dock === "closed" ? "open" : ui.dock }, "tab");
  }

  let current = null;
  function render(ui) {
    root.dataset.state = ui.dock;
    document.documentElement.style.setProperty("--dock-h", ui.dock === "closed" ? "40px" : ui.dock === "max" ? "72vh" : `${app.dockHeight || 260}px`);
    foldBtn.textContent = ui.dock === "closed" ? "▴" : "▾";
    foldBtn.title = ui.dock === "closed" ? "Expand panel" : "Collapse panel";
    sizeBtn.title = ui.dock === "max" ? "Restore panel size" : "Maximise panel";
    for (const [id, m] of mounted) {
      const active = id === ui.tab;
      m.tab.setAttribute("aria-selected", String(active));
      m.tab.tabIndex = active ? 0 : -1;
      m.section.hidden = !active || ui.dock === "closed";
    }
    const visible = ui.dock === "closed" ? null : ui.tab;
    if (visible !== current) {
      if (current) mounted.get(current)?.api.hide?.();
      current = visible;
      if (current) mounted.get(current)?.api.show?.();
    }
  }

  foldBtn.addEventListener("click", () => store.update("ui", { dock: store.get().ui.dock === "closed" ? "open" : "closed" }));
  sizeBtn.addEventListener("click", () => store.update("ui", { dock: store.get().ui.dock === "max" ? "open" : "max" }));
  tabs.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const ids = panels.map((p) => p.id);
    const i = ids.indexOf(store.get().ui.tab);
    const next = ids[(i + (e.key === "ArrowRight" ? 1 : ids.length - 1)) % ids.length];
    show(next);
    mounted.get(next).tab.focus();
  });

  grip.addEventListener("pointerdown", (e) => {
    grip.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const startH = root.getBoundingClientRect().height;
    const move = (ev) => {
      app.dockHeight = Math.round(Math.min(window.innerHeight * 0.8, Math.max(120, startH - (ev.clientY - startY))));
      if (store.get().ui.dock !== "open") store.update("ui", { dock: "open" });
      else render(store.get().ui);
    };
    const up = () => {
      grip.removeEventListener("pointermove", move);
      grip.removeEventListener("pointerup", up);
      app.canvas?.svg && store.set({ view: { ...store.get().view } }, "resize");
    };
    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", up);
  });

  /** Show a badge (e.g. a problem count) on a tab; empty hides it. */
  app.setTabBadge = (id, text, kind = "") => {
    const badge = mounted.get(id)?.tab.querySelector(".tab-badge");
    if (!badge) return;
    badge.textContent = text || "";
    badge.hidden = !text;
    badge.className = `tab-badge${kind ? ` badge-${kind}` : ""}`;
  };
  app.showTab = show;
  store.watch((s) => s.ui, render, { now: true });
}
