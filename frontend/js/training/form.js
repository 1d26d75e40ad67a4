// The hyperparameter form of the Train panel. Values live in state.project.config (saved with the
// project); a field that fails its check keeps its text, is marked invalid and names the problem.
// While a run is live, the learning rate box applies a new rate to it (PATCH) on Enter / change.

import { h } from "../format.js";
import { effectiveConfig, LEARNING_RATES, LOSSES, METRICS, OPTIMIZERS } from "./config.js";

const num = (text) => (String(text).trim() === "" ? NaN : Number(text));

/** field → [label, parse(text) → value or throws Error(message)] */
const PARSERS = {
  learning_rate: (t) => {
    const v = num(t);
    if (!(v > 0) || v > 1e6) throw new Error("learning rate must be a number > 0");
    return v;
  },
  epochs: (t) => {
    const v = num(t);
    if (!Number.isInteger(v) || v < 1 || v > 100000) throw new Error("epochs must be a whole number from 1 to 100000");
    return v;
  },
  batch_size: (t) => {
    const v = num(t);
    if (!Number.isInteger(v) || v < 1 || v > 65536) throw new Error("batch size must be a whole number from 1 to 65536");
    return v;
  },
  validation_split: (t) => {
    const v = num(t);
    if (!(v >= 0 && v <= 0.9)) throw new Error("validation split must be between 0 and 0.9");
    return v;
  },
  seed: (t) => {
    const v = num(t);
    if (!Number.isInteger(v) || v < 0 || v > 2147483647) throw new Error("seed must be a whole number ≥ 0");
    return v;
  },
};

function options(values, selected, auto = null) {
  const out = [];
  if (auto) out.push(h("option", { value: "" }, auto));
  for (const v of values) out.push(h("option", { value: v, selected: v === selected }, v));
  return out;
}

/**
 * Mount the form in `root`. `onLiveLearningRate(value)` is called when the rate changes during a
 * live run. Returns {render(descriptor), setLive(live, learningRate), read(), valid()}.
 */
export function createTrainingForm(root, store, { onLiveLearningRate }) {
  let descriptor = null;
  let live = false;
  const errors = new Map();
  const controls = {};

  const optimizer = h("select", { id: "train-optimizer" });
  const lr = h("input", { id: "train-learning_rate", type: "text", inputmode: "decimal", list: "train-lr-list", autocomplete: "off" });
  const lrList = h("datalist", { id: "train-lr-list" }, LEARNING_RATES.map((v) => h("option", { value: String(v) })));
  const loss = h("select", { id: "train-loss" });
  const metric = h("select", { id: "train-metrics" });
  const epochs = h("input", { id: "train-epochs", type: "number", min: "1", step: "1" });
  const batch = h("input", { id: "train-batch_size", type: "number", min: "1", step: "1" });
  const split = h("input", { id: "train-validation_split", type: "number", min: "0", max: "0.9", step: "0.05" });
  const seed = h("input", { id: "train-seed", type: "number", min: "0", step: "1" });
  const dice = h("button", { type: "button", class: "icon-btn small", title: "New random seed", "aria-label": "New random seed" }, "⟳");
  Object.assign(controls, { optimizer, learning_rate: lr, loss, metrics: metric, epochs, batch_size: batch, validation_split: split, seed });

  const lrHint = h("div", { class: "field-hint small", id: "train-lr-hint" });
  const field = (name, label, control, extra = null) => h("div", { class: "tfield", dataset: { field: name } },
    h("label", { for: control.id }, label), h("div", { class: "tfield-row" }, control, extra),
    h("div", { class: "field-error small", id: `train-${name}-error`, role: "alert" }));
  root.append(h("div", { class: "train-form" },
    field("optimizer", "Optimizer", optimizer),
    field("learning_rate", "Learning rate", lr),
    field("loss", "Loss", loss),
    field("metrics", "Metric", metric),
    field("epochs", "Epochs", epochs),
    field("batch_size", "Batch size", batch),
    field("validation_split", "Validation split", split),
    field("seed", "Seed", seed, dice)), lrList, lrHint);

  function current() {
    return effectiveConfig(store.get().project.config, descriptor);
  }

  function setError(name, message) {
    const box = root.querySelector(`#train-${name}-error`);
    if (message) errors.set(name, message);
    else errors.delete(name);
    if (box) box.textContent = message || "";
    controls[name].setAttribute("aria-invalid", message ? "true" : "false");
  }

  function save(name, value) {
    const config = { ...current(), [name]: value };
    store.update("project", { config }, "train settings");
  }

  function commit(name) {
    const control = controls[name];
    let value;
    try {
      if (name === "optimizer") value = control.value;
      else if (name === "loss") value = control.value || null;
      else if (name === "metrics") value = control.value ? [control.value] : null;
      else value = PARSERS[name](control.value);
    } catch (err) {
      setError(name, err.message);
      return;
    }
    setError(name, "");
    if (JSON.stringify(current()[name]) !== JSON.stringify(value)) save(name, value);
    if (name === "learning_rate" && live) onLiveLearningRate(value);
  }

  // Enter commits at once; the "change" that follows (or a blur) does not commit the same text again.
  const committed = new Map();
  const commitOnce = (name) => {
    if (committed.get(name) === controls[name].value) return;
    committed.set(name, controls[name].value);
    commit(name);
  };
  for (const name of Object.keys(controls)) {
    const control = controls[name];
    control.addEventListener("change", () => commitOnce(name));
    control.addEventListener("input", () => committed.delete(name));
    if (control.tagName === "INPUT") {
      control.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commitOnce(name);
        }
      });
    }
  }
  dice.addEventListener("click", () => {
    seed.value = String(Math.floor(Math.random() * 100000));
    commit("seed");
  });

  function fill() {
    const config = current();
    const task = descriptor?.task === "regression" ? "regression" : "classification";
    const other = task === "regression" ? "classification" : "regression";
    optimizer.replaceChildren(...options(OPTIMIZERS, config.optimizer));
    loss.replaceChildren(
      h("option", { value: "" }, "auto (from the data and the output layer)"),
      h("optgroup", { label: task }, options(LOSSES[task], config.loss)),
      h("optgroup", { label: other }, options(LOSSES[other], config.loss)));
    if (config.loss && ![...LOSSES.classification, ...LOSSES.regression].includes(config.loss)) {
      loss.append(h("option", { value: config.loss, selected: true }, config.loss));
    }
    const chosen = Array.isArray(config.metrics) ? config.metrics[0] : null;
    metric.replaceChildren(
      h("option", { value: "" }, task === "regression" ? "auto (mae)" : "auto (accuracy)"),
      ...options(METRICS[task], chosen), ...options(METRICS[other].filter((m) => !METRICS[task].includes(m)), chosen));
    if (chosen && ![...METRICS.classification, ...METRICS.regression].includes(chosen)) metric.append(h("option", { value: chosen, selected: true }, chosen));
    const text = { learning_rate: config.learning_rate, epochs: config.epochs, batch_size: config.batch_size, validation_split: config.validation_split, seed: config.seed };
    for (const [name, value] of Object.entries(text)) {
      if (document.activeElement === controls[name] || errors.has(name)) continue;
      controls[name].value = value === null || value === undefined ? "" : String(value);
    }
  }

  store.watch((s) => s.project.config, () => fill());

  return {
    /** Re-render for a (new) dataset descriptor. */
    render(desc) {
      descriptor = desc;
      fill();
    },
    /** Mark the form as steering a live run (`learningRate` is the run's current rate). */
    setLive(isLive, learningRate = null) {
      live = isLive;
      root.classList.toggle("is-live", isLive);
      for (const [name, control] of Object.entries(controls)) {
        if (name !== "learning_rate") control.disabled = isLive;
      }
      dice.disabled = isLive;
      lrHint.textContent = isLive
        ? `Live: press Enter to apply a new rate from the next batch${learningRate !== null ? ` (now ${learningRate})` : ""}.`
        : "";
    },
    /** The settings to train with, or null (with the errors shown) if a field is invalid. */
    read() {
      for (const name of Object.keys(PARSERS)) commit(name);
      return errors.size ? null : current();
    },
  };
}
