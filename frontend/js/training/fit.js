// Does the model's input fit the chosen dataset? A warning with one-click fixes (load the template
// made for this data, or set the Input's shape), shown before Train so that the server's 400
// ("the model's input … takes samples of shape …") is not the first the user hears of it.

import { h, formatShape } from "../format.js";
import { nodeByName } from "../graph/graph.js";
import { importDocument } from "../io.js";
import { TEMPLATES, templateModel } from "../templates.js";

const sameShape = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The model's single input {name, shape} from the validation report (null: none, several, or unknown). */
export function modelInput(report) {
  const inputs = (report?.layers || []).filter((l) => l.class_name === "InputLayer" && Array.isArray(l.output_shape));
  if (inputs.length !== 1) return null;
  return { name: inputs[0].name, shape: inputs[0].output_shape.slice(1) };
}

/** The first template whose Input takes samples of `shape` (or null). */
export function templateFor(shape) {
  for (const t of TEMPLATES) {
    const layers = templateModel(t.id)?.config?.layers || [];
    const input = layers.find((l) => l.class_name === "InputLayer");
    const batchShape = input?.config?.batch_input_shape;
    if (Array.isArray(batchShape) && sameShape(batchShape.slice(1), shape)) return t;
  }
  return null;
}

/** {input, dataShape} when the model's input and the dataset `descriptor` disagree, else null. */
export function inputMismatch(state, descriptor) {
  const dataShape = descriptor?.input_shape;
  if (!Array.isArray(dataShape) || state.validation?.status !== "ok") return null;
  const input = modelInput(state.validation.report);
  if (!input || sameShape(input.shape, dataShape)) return null;
  return { input, dataShape };
}

/** Fill `el` with the mismatch warning for `descriptor` (emptied and hidden when the model fits). */
export function renderFitNotice(el, app, descriptor) {
  const state = app.store.get();
  // While the server checks an edit, keep what is shown (no flicker); its answer decides.
  if (state.validation?.status === "pending" && descriptor?.id === el.dataset.dataset) return;
  el.dataset.dataset = descriptor?.id ?? "";
  const bad = inputMismatch(state, descriptor);
  el.hidden = !bad;
  if (!bad) {
    el.replaceChildren();
    return;
  }
  const { input, dataShape } = bad;
  const template = templateFor(dataShape);
  const setShape = () => {
    const node = nodeByName(app.store.get().graph, input.name);
    if (node) app.commands.setField(node.id, "batch_input_shape", [null, ...dataShape]);
  };
  const loadTemplate = () => importDocument(app, templateModel(template.id), `the ${template.title} template`,
    { message: `Loaded the template “${template.title}” for ${descriptor.id}.` });
  el.replaceChildren(...[
    h("span", { class: "suggest-text" },
      `The model's input '${input.name}' takes samples of shape ${formatShape(input.shape)}, but ${descriptor.id} has `
      + `samples of shape ${formatShape(dataShape)}.`),
    template ? h("button", { type: "button", class: "btn btn-small fit-template", onclick: loadTemplate }, `Load “${template.title}”`) : null,
    h("button", { type: "button", class: "btn btn-small fit-shape", onclick: setShape }, `Set input to ${formatShape(dataShape)}`),
  ].filter(Boolean));
}
