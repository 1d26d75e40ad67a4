// Keyboard shortcuts (one table drives both the handler and the "?" help overlay).

import { openDialog } from "./dialog.js";
import { h } from "./format.js";

const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? "⌘" : "Ctrl";

/** [keys shown, description, matcher(e), action(app), {global}] — global = works while typing. */
function table(app) {
  const c = app.commands;
  const mod = (e) => (isMac ? e.metaKey : e.ctrlKey);
  const key = (e, k) => e.key.toLowerCase() === k;
  return [
    ["Del / Backspace", "Delete the selected layers or connection", (e) => e.key === "Delete" || e.key === "Backspace", () => c.deleteSelection()],
    [`${MOD}+Z`, "Undo", (e) => mod(e) && !e.shiftKey && key(e, "z"), () => app.history.undo()],
    [`${MOD}+Shift+Z / ${MOD}+Y`, "Redo", (e) => mod(e) && ((e.shiftKey && key(e, "z")) || key(e, "y")), () => app.history.redo()],
    [`${MOD}+D`, "Duplicate the selection", (e) => mod(e) && key(e, "d"), () => c.duplicate()],
    [`${MOD}+C`, "Copy the selection", (e) => mod(e) && key(e, "c") && !window.getSelection()?.toString(), () => c.copy()],
    [`${MOD}+X`, "Cut the selection", (e) => mod(e) && key(e, "x"), () => c.cut()],
    [`${MOD}+V`, "Paste", (e) => mod(e) && key(e, "v"), () => c.paste()],
    [`${MOD}+A`, "Select every layer", (e) => mod(e) && key(e, "a"), () => c.selectAll()],
    [`${MOD}+S`, "Save the project", (e) => mod(e) && key(e, "s"), () => app.projects.save(), { global: true }],
    [`${MOD}+O`, "Open a project", (e) => mod(e) && key(e, "o"), () => app.projects.open(), { global: true }],
    ["Esc", "Clear the selection / close a dialog", (e) => e.key === "Escape", () => c.clearSelection()],
    ["Arrows", "Nudge the selection (Shift: ×10)", (e) => e.key.startsWith("Arrow") && !mod(e), (a, e) => {
      const step = e.shiftKey ? 80 : 8;
      const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
      c.nudge(...d);
    }],
    ["F", "Fit the model to the view", (e) => key(e, "f") && !mod(e), () => c.fitView()],
    ["L", "Auto-layout", (e) => key(e, "l") && !mod(e), () => c.autoLayout()],
    ["+ / −", "Zoom in / out", (e) => (e.key === "+" || e.key === "=" || e.key === "-") && !mod(e), (a, e) => c.zoomBy(e.key === "-" ? 1 / 1.2 : 1.2)],
    ["0", "Zoom to 100%", (e) => e.key === "0" && !mod(e), () => c.resetZoom()],
    ["Tab / Shift+Tab", "On the canvas: select the next / previous layer (Enter: edit it)", () => false, () => {}],
  ["/", "Search the layer palette", (e) => e.key === "/", () => app.focusPaletteSearch()],
    ["T", "Templates", (e) => key(e, "t") && !mod(e), () => app.openTemplates()],
    ["?", "This help", (e) => e.key === "?", () => app.openHelp()],
  ];
}

const EXTRA = [
  ["Drag a palette item", "Place a layer on the canvas (click or Enter: add it after the selection)"],
  ["Drag port → port", "Connect an output (bottom) to an input (top); merge layers take several"],
  ["Shift+click / Shift+drag", "Add to the selection / select with a box"],
  ["Drag the background", "Pan (also Space+drag or the middle button); the wheel zooms"],
];

/** Install the keyboard handler and `app.openHelp()`. */
export function installShortcuts(app) {
  const rows = table(app);
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.isComposing) return;
    if (document.querySelector("dialog[open]")) return;   // dialogs handle their own keys
    const inField = typing(e.target);
    for (const [, , match, action, opts] of rows) {
      if (!match(e)) continue;
      if (inField && !opts?.global) return;
      if (e.target.closest?.(".dock") && !opts?.global && !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      action(app, e);
      return;
    }
  });

  app.openHelp = () => {
    if (document.querySelector("dialog.dialog-help")) return;
    const item = ([keys, what]) => h("div", { class: "shortcut" },
      h("span", { class: "shortcut-keys" }, keys.split(" / ").map((k, i) => [i ? " / " : "", h("kbd", {}, k)])),
      h("span", { class: "shortcut-what" }, what));
    const list = h("div", { class: "shortcut-list" },
      h("div", { class: "shortcut-col" }, h("h3", {}, "Keys"), rows.map(item)),
      h("div", { class: "shortcut-col" }, h("h3", {}, "Mouse"), EXTRA.map(item)));
    openDialog({ title: "Keyboard shortcuts", body: list, className: "dialog-help" });
  };
}
