// The inspector: the selected layer's config as a form generated from the catalog's field schema
// (defaults shown, inline validation), its name, its inputs, and the server's verdict on it.
// With nothing selected it shows the model; with several layers, what can be done with them.

import { categoryKey, entryOf, inputArity, isInputClass } from "./catalog.js";
import { fieldControl } from "./fields.js";
import { formatCount, formatShape, h, richText } from "./format.js";
import { inputShapeOf } from "./graph/document.js";
import { nodeById, reaches } from "./graph/graph.js";

const ADVANCED_TYPES = new Set(["initializer", "regularizer", "constraint", "json"]);
const HIDDEN_FIELDS = new Set(["name", "trainable", "dtype", "input_tensor"]);
// An Input is edited through one "shape" box (no batch axis) stored as Keras 2 `batch_input_shape`.
const INPUT_HIDDEN = new Set(["name", "batch_input_shape", "shape", "batch_shape", "batch_size", "input_shape", "sparse", "ragged", "optional", "input_tensor"]);

const INPUT_SHAPE_FIELD = {
  name: "shape", type: "shape", default: null, required: true, nullable: false,
  description: "the shape of one sample, without the batch dimension (e.g. 2, or 8, 8, 1)",
};

/** Mount the inspector in `root`. */
export function mountInspector(root, app) {
  const { store, commands } = app;
  const title = h("div", { class: "panel-title" }, "Inspector");
  const body = h("div", { class: "inspector-body" });
  root.append(title, body);
  let status = null;     // the per-node status block, refreshed on every validation
  let last = null;

  function render(state) {
    const { selection, graph, catalog, validation } = state;
    if (!graph || !catalog) return;
    const ids = selection.nodes;
    const node = ids.length === 1 ? nodeById(graph, ids[0]) : null;
    const formKey = node || (ids.length > 1 ? `multi:${ids.join(",")}`
      : selection.edge ? `edge:${selection.edge.to}:${selection.edge.index}` : "model");
    // The edge and model forms show graph-wide facts: they follow every graph (and validation) change.
    const followsGraph = !node && ids.length <= 1;
    const same = last && last.formKey === formKey && last.catalog === catalog
      && (!followsGraph || (last.graph === graph && (selection.edge || last.validation === validation)));
    if (same) {
      if (status) status.refresh(state);
      return;
    }
    if (same === false && formKey === "model" && last?.formKey === "model" && root.contains(document.activeElement)
        && document.activeElement.tagName === "INPUT" && last.graph === graph) {
      return;   // don't replace the model name box while it is being typed in
    }
    last = { formKey, catalog, graph, validation };
    const focusedField = document.activeElement && root.contains(document.activeElement)
      ? document.activeElement.dataset.field : null;
    status = null;
    if (node) body.replaceChildren(...nodeForm(node, state));
    else if (ids.length > 1) body.replaceChildren(...multiForm(ids, state));
    else if (selection.edge) body.replaceChildren(...edgeForm(selection.edge, state));
    else body.replaceChildren(...modelForm(state));
    if (status) status.refresh(state);
    if (focusedField) body.querySelector(`[data-field="${focusedField}"]:is(input,select,textarea)`)?.focus();
  }

  // ---- one layer
  function nodeForm(node, state) {
    const { catalog } = state;
    const entry = entryOf(catalog, node.class_name);
    const isInput = isInputClass(node.class_name);
    const arity = inputArity(catalog, node.class_name);
    const parts = [];

    parts.push(h("div", { class: `insp-head cat-${categoryKey(entry?.category ?? "other")}` },
      h("div", { class: "insp-class" }, isInput ? "Input" : node.class_name,
        entry ? h("span", { class: "chip" }, entry.category) : h("span", { class: "chip chip-warn" }, "unknown class")),
      entry?.description ? h("p", { class: "insp-desc" }, richText(entry.description)) : null));

    status = nodeStatus(node);
    parts.push(status.el);

    // Name (unique, Keras-valid).
    const nameError = h("div", { class: "field-error", role: "alert" });
    const nameInput = h("input", { type: "text", id: "insp-name", value: node.name, spellcheck: "false", autocomplete: "off", "data-field": "__name" });
    const commitName = () => {
      const value = nameInput.value.trim();
      if (value === node.name) return;
      nameError.textContent = "";
      if (!commands.rename(node.id, value)) {
        nameError.textContent = "Names are unique and use letters, digits and _ . / -";
        nameInput.value = node.name;
      }
    };
    nameInput.addEventListener("change", commitName);
    nameInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commitName();
      }
    });
    parts.push(h("div", { class: "field" }, h("div", { class: "field-head" }, h("label", { for: "insp-name", class: "field-label" }, "name")), nameInput, nameError));

    // Inputs (ordered for merges).
    if (arity.max > 0) parts.push(inputsBlock(node, state, arity));

    // Config fields from the catalog.
    const fields = isInput
      ? [INPUT_SHAPE_FIELD, ...(entry?.fields || []).filter((f) => !INPUT_HIDDEN.has(f.name))]
      : (entry?.fields || []).filter((f) => !HIDDEN_FIELDS.has(f.name));
    const basic = [];
    const advanced = [];
    for (const field of fields) {
      const control = isInput && field === INPUT_SHAPE_FIELD
        ? fieldControl(field, inputShapeOf(node.config) ?? undefined, (value) => {
          commands.setField(node.id, "batch_input_shape", value === undefined ? null : [null, ...value]);
        }, { idPrefix: "insp" })
        : fieldControl(field, node.config[field.name], (value) => commands.setField(node.id, field.name, value), { idPrefix: "insp" });
      const isAdvanced = ADVANCED_TYPES.has(field.type) && !field.required;
      (isAdvanced ? advanced : basic).push(control);
    }
    if (!entry && !isInput) {
      parts.push(h("p", { class: "muted" }, "The studio's catalog has no schema for this class; its config is kept as imported:"),
        h("pre", { class: "config-json" }, JSON.stringify(node.config, null, 2)));
    }
    parts.push(h("div", { class: "insp-fields" }, basic));
    if (advanced.length) {
      const details = h("details", { class: "insp-advanced" }, h("summary", {}, `Advanced (${advanced.length})`), advanced);
      if (advanced.some((el) => el.classList.contains("is-set"))) details.open = true;
      parts.push(details);
    }
    const extra = Object.keys(node.config).filter((k) => !fields.some((f) => f.name === k) && !(isInput && k === "batch_input_shape"));
    if (entry && extra.length) {
      parts.push(h("p", { class: "muted small" }, `Also set (not in the catalog's schema): ${extra.join(", ")}`));
    }
    parts.push(h("div", { class: "insp-actions" },
      h("button", { type: "button", class: "btn", onclick: () => commands.duplicate() }, "Duplicate"),
      h("button", { type: "button", class: "btn btn-danger", onclick: () => commands.deleteSelection() }, "Delete")));
    return parts;
  }

  function inputsBlock(node, state, arity) {
    const { graph } = state;
    const rows = node.inputs.map((inp, i) => {
      const src = nodeById(graph, inp.id);
      return h("li", { class: "input-row" },
        h("span", { class: "input-index" }, String(i + 1)),
        h("button", { type: "button", class: "link", onclick: () => commands.select([inp.id]) }, src?.name ?? "?"),
        arity.max > 1 ? h("button", { type: "button", class: "icon-btn small", title: "Move up", "aria-label": "Move input up", disabled: i === 0, onclick: () => commands.reorderInput(node.id, i, -1) }, "↑") : null,
        arity.max > 1 ? h("button", { type: "button", class: "icon-btn small", title: "Move down", "aria-label": "Move input down", disabled: i === node.inputs.length - 1, onclick: () => commands.reorderInput(node.id, i, 1) }, "↓") : null,
        h("button", { type: "button", class: "icon-btn small", title: "Disconnect", "aria-label": `Disconnect ${src?.name ?? "input"}`, onclick: () => commands.disconnect(node.id, i) }, "×"));
    });
    // Connect from the keyboard too: any layer that would not make a cycle.
    let adder = null;
    if (node.inputs.length < arity.max || arity.max === 1) {
      const candidates = graph.nodes.filter((n) => n.id !== node.id && !reaches(graph, node.id, n.id)
        && !node.inputs.some((i) => i.id === n.id));
      if (candidates.length) {
        adder = h("select", { class: "input-adder", id: "insp-add-input", "aria-label": "Connect an input from" },
          h("option", { value: "" }, arity.max === 1 && node.inputs.length ? "Replace the input with…" : "Connect an input from…"),
          candidates.map((n) => h("option", { value: n.id }, n.name)));
        adder.addEventListener("change", () => {
          if (adder.value) commands.connect(adder.value, node.id);
        });
      }
    }
    const need = arity.max === Infinity ? `${arity.min} or more` : arity.min === arity.max ? String(arity.min) : `${arity.min}–${arity.max}`;
    return h("div", { class: "insp-inputs" },
      h("div", { class: "field-head" }, h("span", { class: "field-label" }, "inputs"), h("span", { class: "muted small" }, `takes ${need}`)),
      rows.length ? h("ol", { class: "input-list" }, rows)
        : h("p", { class: "muted small" }, "Not connected: drag from another layer's output port (bottom) to this layer's input port (top)."),
      adder);
  }

  function nodeStatus(node) {
    const el = h("div", { class: "insp-status" });
    return {
      el,
      refresh(state) {
        const v = state.validation;
        const layer = v.byName.get(node.name);
        const errors = v.errorsByName?.get(node.name) ?? (layer?.error ? [layer.error] : []);
        const suggestions = v.suggestions.filter((sg) => sg.layer === node.name);
        const stats = h("div", { class: "insp-stats" },
          h("div", {}, h("span", { class: "muted" }, "output"), h("code", { class: "insp-shape" }, formatShape(layer?.output_shape) || (v.status === "pending" ? "…" : "–"))),
          h("div", {}, h("span", { class: "muted" }, "params"), h("code", { class: "insp-params" }, Number.isFinite(layer?.params) ? formatCount(layer.params) : "–")));
        el.replaceChildren(stats,
          ...errors.map((message) => h("div", { class: "notice notice-error insp-error" }, message)),
          ...suggestions.map((sg) => suggestionRow(sg, commands)));
      },
    };
  }

  // ---- several layers / a connection / the model
  function multiForm(ids) {
    return [
      h("div", { class: "insp-head" }, h("div", { class: "insp-class" }, `${ids.length} layers selected`)),
      h("p", { class: "muted" }, "Drag to move them together; Ctrl+C / Ctrl+V copies them with their connections."),
      h("div", { class: "insp-actions" },
        h("button", { type: "button", class: "btn", onclick: () => commands.duplicate() }, "Duplicate"),
        h("button", { type: "button", class: "btn", onclick: () => commands.fitView(ids) }, "Zoom to selection"),
        h("button", { type: "button", class: "btn btn-danger", onclick: () => commands.deleteSelection() }, "Delete")),
    ];
  }

  function edgeForm(edge, state) {
    const to = nodeById(state.graph, edge.to);
    const from = to ? nodeById(state.graph, to.inputs[edge.index]?.id) : null;
    return [
      h("div", { class: "insp-head" }, h("div", { class: "insp-class" }, "Connection")),
      h("p", {}, h("b", {}, from?.name ?? "?"), " → ", h("b", {}, to?.name ?? "?"),
        to && to.inputs.length > 1 ? h("span", { class: "muted" }, ` (input ${edge.index + 1} of ${to.inputs.length})`) : null),
      h("div", { class: "insp-actions" },
        h("button", { type: "button", class: "btn btn-danger", onclick: () => commands.deleteSelection() }, "Delete connection")),
    ];
  }

  function modelForm(state) {
    const { graph, validation } = state;
    const nameInput = h("input", { type: "text", id: "model-name", value: graph.name, spellcheck: "false", "data-field": "__model_name" });
    nameInput.addEventListener("change", () => commands.renameModel(nameInput.value));
    const report = validation.report;
    return [
      h("div", { class: "insp-head" }, h("div", { class: "insp-class" }, "Model")),
      h("div", { class: "field" }, h("div", { class: "field-head" }, h("label", { for: "model-name", class: "field-label" }, "model name")), nameInput),
      h("dl", { class: "insp-facts" },
        h("dt", {}, "layers"), h("dd", {}, String(graph.nodes.length)),
        h("dt", {}, "parameters"), h("dd", {}, report && Number.isFinite(report.total_params) ? formatCount(report.total_params) : "–"),
        h("dt", {}, "status"), h("dd", {}, validation.status === "ok" ? "valid" : validation.status === "invalid" ? `${validation.errors.length} problem(s)` : validation.status)),
      h("p", { class: "muted small" }, "Select a layer to edit it. Press ? for keyboard shortcuts."),
    ];
  }

  store.subscribe(render);
  render(store.get());
}

/** A suggestion with its one-click fix (shared by the inspector and the Summary panel). */
export function suggestionRow(sg, commands) {
  const canApply = sg.fix && typeof sg.fix === "object" && ["insert", "replace", "remove", "set"].includes(sg.fix.action);
  return h("div", { class: "notice notice-suggest suggestion", dataset: { layer: sg.layer ?? "" } },
    h("span", { class: "suggest-icon" }, "💡"),
    h("span", { class: "suggest-text" }, sg.message),
    canApply ? h("button", { type: "button", class: "btn btn-small btn-primary apply-fix", onclick: () => commands.applyFix(sg.fix) }, "Apply") : null);
}
