// The parity report of an export (parity.json inside it): the engine's outputs on probe inputs next
// to the runtime's outputs on the exported files (TensorFlow, Keras or tfjs), as a pass/fail badge
// with the largest absolute difference and the versions used.

import { h } from "../format.js";

/** Largest allowed |difference| for a "match" badge. */
export const PARITY_TOL = 1e-4;

/** A short element describing `parity` (the parsed parity.json). */
export function parityView(parity) {
  const ref = parity?.reference || {};
  const samples = Array.isArray(parity?.inputs?.[0]) ? parity.inputs[0].length : null;
  if (!ref.runtime) {
    return h("div", { class: "parity parity-none", dataset: { state: "unverified" } },
      h("span", { class: "pill" }, "not verified"), " ", h("span", { class: "small muted" }, ref.reason || "no reference runtime"));
  }
  const diff = ref.max_abs_diff;
  const ok = Number.isFinite(diff) && diff <= PARITY_TOL;
  return h("div", { class: `parity ${ok ? "parity-ok" : "parity-bad"}`, dataset: { state: ok ? "match" : "differs", maxDiff: String(diff) } },
    h("span", { class: `pill ${ok ? "pill-ok" : "pill-bad"}` }, ok ? "✓ outputs match" : "✗ outputs differ"), " ",
    h("span", { class: "small" }, `max |diff| ${Number.isFinite(diff) ? diff.toExponential(1) : "–"}`,
      samples ? ` on ${samples} probe inputs` : "", ` · ${ref.runtime}`, parity.engine_version ? ` vs engine ${parity.engine_version}` : ""));
}
