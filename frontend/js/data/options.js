// Controls for a dataset's options, generated from its descriptor's `options` specs, with
// TensorFlow Playground's feel for the generated sets: a noise slider (0–50 %), a size slider, a
// seed with "Regenerate" (a new random seed), a shuffle switch.

import { h } from "../format.js";

const SIZE_MIN = 50;
const SIZE_MAX = 2000;

/**
 * Render controls for `specs` (descriptor.options) with `values` into `el`; `onChange(values)`
 * gets the options that differ from the defaults, after each change.
 */
export function renderOptions(el, specs, values, onChange) {
  const state = { ...values };
  const changed = () => {
    const out = {};
    for (const [name, spec] of Object.entries(specs)) {
      if (state[name] !== undefined && state[name] !== spec.default) out[name] = state[name];
    }
    onChange(out);
  };
  const value = (name) => (state[name] !== undefined ? state[name] : specs[name].default);
  const rows = [];
  for (const [name, spec] of Object.entries(specs)) {
    const id = `data-opt-${name}`;
    if (name === "noise") {
      const out = h("output", { for: id, class: "num small" }, `${Math.round(value(name) * 100)} %`);
      const range = h("input", { type: "range", id, min: String(spec.minimum ?? 0), max: String(spec.maximum ?? 0.5), step: "0.01", value: String(value(name)) });
      range.addEventListener("input", () => { out.textContent = `${Math.round(Number(range.value) * 100)} %`; });
      range.addEventListener("change", () => { state[name] = Number(range.value); changed(); });
      rows.push(h("div", { class: "opt-row" }, h("label", { for: id }, "Noise"), range, out));
    } else if (name === "num_samples") {
      const lo = Math.max(spec.minimum ?? 2, SIZE_MIN);
      const hi = Math.min(spec.maximum ?? SIZE_MAX, SIZE_MAX);
      const out = h("output", { for: id, class: "num small" }, String(value(name)));
      const range = h("input", { type: "range", id, min: String(lo), max: String(hi), step: "10", value: String(Math.min(hi, Math.max(lo, value(name)))) });
      range.addEventListener("input", () => { out.textContent = range.value; });
      range.addEventListener("change", () => { state[name] = Number(range.value); changed(); });
      rows.push(h("div", { class: "opt-row" }, h("label", { for: id }, "Examples"), range, out));
    } else if (spec.type === "boolean") {
      const box = h("input", { type: "checkbox", id, checked: Boolean(value(name)) });
      box.addEventListener("change", () => { state[name] = box.checked; changed(); });
      rows.push(h("div", { class: "opt-row opt-check" }, box, h("label", { for: id, title: spec.description || "" }, name === "shuffle" ? "Shuffle" : name)));
    } else if (name === "seed") {
      const box = h("input", { type: "number", id, min: String(spec.minimum ?? 0), step: "1", value: String(value(name)), class: "opt-seed" });
      const commit = () => {
        const v = Number(box.value);
        if (!Number.isInteger(v) || v < (spec.minimum ?? 0)) {
          box.setAttribute("aria-invalid", "true");
          return;
        }
        box.setAttribute("aria-invalid", "false");
        state[name] = v;
        changed();
      };
      box.addEventListener("change", commit);
      const regen = h("button", {
        type: "button", class: "btn btn-small", id: "data-regenerate", title: "Draw the data again with a new random seed",
        onclick: () => { box.value = String(Math.floor(Math.random() * 100000)); commit(); },
      }, "⟳ Regenerate");
      rows.push(h("div", { class: "opt-row" }, h("label", { for: id }, "Seed"), box, spec.description?.startsWith("Seed of the shuffle") ? null : regen));
    } else {
      const box = h("input", { type: "number", id, value: String(value(name)), step: spec.type === "integer" ? "1" : "any" });
      box.addEventListener("change", () => { state[name] = Number(box.value); changed(); });
      rows.push(h("div", { class: "opt-row" }, h("label", { for: id }, name), box));
    }
  }
  el.replaceChildren(...rows);
  el.hidden = rows.length === 0;
}
