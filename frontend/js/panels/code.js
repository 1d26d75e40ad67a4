// The Code panel: the Python (Keras) code that rebuilds the current graph, from
// POST /api/models/code — read-only, with a copy button. Fetched when the panel is visible.

import { api } from "../api.js";
import { h } from "../format.js";
import { toTopology } from "../graph/document.js";
import { highlightPython } from "../highlight.js";
import { toast } from "../toast.js";

/** Mount the Code panel. */
export function mount(root, store) {
  const status = h("span", { class: "muted small code-status" });
  const copy = h("button", { type: "button", class: "btn btn-small", disabled: true }, "Copy");
  const code = h("code", { class: "language-python" });
  const pre = h("pre", { class: "code-view", tabindex: "0", "aria-label": "Python code" }, code);
  root.append(h("div", { class: "code-bar" }, h("span", { class: "code-title" }, "Python · Keras"), status, copy), pre);
  let visible = false;
  let shownFor = null;
  let seq = 0;

  async function refresh() {
    const graph = store.get().graph;
    if (!visible || graph === shownFor) return;
    shownFor = graph;
    if (!graph.nodes.length) {
      code.textContent = "# Add layers to the canvas to see the code.";
      copy.disabled = true;
      status.textContent = "";
      return;
    }
    const mine = (seq += 1);
    status.textContent = "updating…";
    try {
      const result = await api.post("/api/models/code", { model: toTopology(graph) });
      if (mine !== seq) return;
      code.replaceChildren(...highlightPython(result.code ?? ""));
      copy.disabled = !result.code;
      status.textContent = "";
      pre.classList.remove("stale");
    } catch (err) {
      if (mine !== seq) return;
      pre.classList.add("stale");
      copy.disabled = !code.textContent;
      status.textContent = `Cannot generate code: ${err.message}`;
    }
  }

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.textContent);
    } catch {
      const range = document.createRange();     // no clipboard permission: select the text instead
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.execCommand?.("copy");
    }
    toast("Code copied to the clipboard.", { kind: "success" });
  });

  let timer = null;
  store.watch((s) => s.graph, () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  });
  return {
    show() {
      visible = true;
      refresh();
    },
    hide() {
      visible = false;
    },
  };
}
