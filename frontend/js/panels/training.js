// The Train panel (issue 6 "Training"): hyperparameters, Train / Pause / Resume / Step / Stop,
// live learning-rate edits, live plotly charts from the Socket.IO stream (vendor/socket.io),
// decision boundary, confusion matrix, norms, run list and comparison.
// STUB: built by the data/training UI helper. See data.js for the panel contract; the run
// settings belong in state.project.config ({optimizer, learning_rate, loss, metrics, epochs,
// batch_size, validation_split, seed}) so they are saved with the project, and
// app.getModel() returns the current model document (Keras-2 topology) for POST /api/runs.

import { h } from "../format.js";

/** Mount the Train panel (placeholder until the training dashboard lands). */
export function mount(root) {
  root.append(h("div", { class: "panel-stub" },
    h("div", { class: "panel-stub-title" }, "Train"),
    h("p", {}, "Hyperparameters, live loss charts and run history arrive with the training dashboard.")));
}
