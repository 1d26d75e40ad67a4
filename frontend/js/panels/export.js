// The Export panel (issue 6 "Export"): download SavedModel / TF.js / .keras / Python for a run,
// the parity report, and "try it" with the real @tensorflow/tfjs in the page.
// STUB: built by the export UI helper. See data.js for the panel contract.

import { h } from "../format.js";

/** Mount the Export panel (placeholder until the export UI lands). */
export function mount(root) {
  root.append(h("div", { class: "panel-stub" },
    h("div", { class: "panel-stub-title" }, "Export"),
    h("p", {}, "Train a model to download it as a SavedModel, TF.js or Keras file.")));
}
