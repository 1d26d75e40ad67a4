// One form control per catalog field type, with inline validation (type, min/max, choices) before
// anything is sent to the server. Types: int, float, bool, string, enum, int_list, shape,
// activation, initializer, regularizer, constraint, json.

import { formatValue, h, richText } from "./format.js";

/** Deep equality for JSON values. */
export function sameValue(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const INT = /^[-+]?\d+$/;

function checkRange(field, n, what = "") {
  if (Number.isFinite(field.min) && n < field.min) return `${what}must be ≥ ${field.min}`;
  if (Number.isFinite(field.max) && n > field.max) return `${what}must be ≤ ${field.max}`;
  return null;
}

function parseIntList(text, field, allowNone) {
  const cleaned = text.trim().replace(/^[[(]|[\])]$/g, "");
  if (!cleaned) return { error: "enter one or more integers, e.g. 3 or 3, 3" };
  const parts = cleaned.split(/[\s,x×]+/).filter(Boolean);
  const values = [];
  for (const part of parts) {
    if (allowNone && /^(none|null|\?)$/i.test(part)) {
      values.push(null);
      continue;
    }
    if (!INT.test(part)) return { error: `"${part}" is not an integer` };
    const n = Number(part);
    const range = checkRange(field, n, "each value ");
    if (range) return { error: range };
    values.push(n);
  }
  return { values };
}

/**
 * Parse what the user typed for `field`. Returns {value} (undefined = back to the default) or
 * {error: message}. Empty input means "the default" for optional fields, null for nullable ones.
 */
export function parseField(field, raw) {
  const type = field.type;
  if (type === "bool") return { value: Boolean(raw) };
  const text = typeof raw === "string" ? raw.trim() : raw;
  if (text === "" || text === null || text === undefined) {
    if (field.required && (field.default === null || field.default === undefined)) return { error: "required" };
    return { value: undefined };
  }
  switch (type) {
    case "int": {
      if (!INT.test(text)) return { error: "must be a whole number" };
      const n = Number(text);
      return checkRange(field, n) ? { error: checkRange(field, n) } : { value: n };
    }
    case "float": {
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: "must be a number" };
      return checkRange(field, n) ? { error: checkRange(field, n) } : { value: n };
    }
    case "enum": {
      if (text === "__null__") return { value: null };
      const match = (field.choices || []).find((c) => String(c) === text);
      if (match === undefined && field.choices?.length) return { error: `must be one of ${field.choices.join(", ")}` };
      return { value: match ?? text };
    }
    case "int_list": {
      const parsed = parseIntList(text, field, false);
      if (parsed.error) return parsed;
      return { value: parsed.values.length === 1 ? parsed.values[0] : parsed.values };
    }
    case "shape": {
      const parsed = parseIntList(text, { ...field, min: 1 }, true);
      return parsed.error ? parsed : { value: parsed.values };
    }
    case "json": {
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: "must be valid JSON (strings in double quotes)" };
      }
    }
    case "activation":
    case "initializer":
    case "regularizer":
    case "constraint": {
      if (/^none$/i.test(text) && (field.nullable || type !== "activation")) return { value: null };
      if (text.startsWith("{")) {
        try {
          const obj = JSON.parse(text);
          if (!obj || typeof obj.class_name !== "string") return { error: 'an object needs "class_name" (and "config")' };
          return { value: obj };
        } catch {
          return { error: "must be a name or a JSON object" };
        }
      }
      if (type === "activation" && field.choices?.length && !field.choices.includes(text)) {
        return { error: `unknown activation: choose one of ${field.choices.join(", ")}` };
      }
      return { value: text };
    }
    default:
      return { value: text };
  }
}

/** Which controls a field uses: "checkbox", "select", or "text" (with a datalist of choices). */
function controlKind(field) {
  if (field.type === "bool") return "checkbox";
  if (field.type === "enum") return "select";
  if (field.type === "activation" && field.choices?.length) return "select";
  if (field.type === "json") return "textarea";
  return "text";
}

let datalistSeq = 0;

/**
 * A labelled control for `field` showing `value` (undefined = default). `onCommit(value)` is called
 * with a parsed, valid value (undefined = reset to the default); invalid input shows its message inline.
 */
export function fieldControl(field, value, onCommit, { idPrefix = "f" } = {}) {
  const id = `${idPrefix}-${field.name}`;
  const isSet = value !== undefined;
  const shown = isSet ? value : field.default;
  const kind = controlKind(field);
  const error = h("div", { class: "field-error", id: `${id}-error`, role: "alert" });
  const hint = field.default !== undefined && field.default !== null
    ? `default: ${formatValue(field.default)}` : field.required ? "required" : "default: none";
  let control;

  let lastRaw = null;
  const commit = (raw) => {
    if (raw === lastRaw) return;     // Enter fires both keydown and change
    const parsed = parseField(field, raw);
    if (parsed.error) {
      error.textContent = `${field.name} ${parsed.error}`;
      control.setAttribute("aria-invalid", "true");
      wrap.classList.add("has-error");
      return;
    }
    error.textContent = "";
    control.removeAttribute("aria-invalid");
    wrap.classList.remove("has-error");
    lastRaw = raw;
    let next = parsed.value;
    if (next !== undefined && sameValue(next, field.default) && !field.required) next = undefined;
    if (!sameValue(next, value)) onCommit(next);
  };

  if (kind === "checkbox") {
    control = h("input", { type: "checkbox", id, checked: Boolean(shown) });
    control.addEventListener("change", () => commit(control.checked));
  } else if (kind === "select") {
    const choices = [...(field.choices || [])];
    const options = [];
    if (field.nullable || shown === null) options.push(h("option", { value: "__null__" }, "none"));
    for (const c of choices) options.push(h("option", { value: String(c) }, String(c)));
    if (shown !== null && shown !== undefined && !choices.map(String).includes(String(shown)) && typeof shown !== "object") {
      options.push(h("option", { value: String(shown) }, String(shown)));
    }
    control = h("select", { id }, options);
    control.value = shown === null || shown === undefined ? (field.nullable ? "__null__" : String(choices[0] ?? "")) : String(shown);
    control.addEventListener("change", () => commit(control.value === "__null__" ? (field.type === "enum" ? "__null__" : "none") : control.value));
  } else if (kind === "textarea") {
    control = h("textarea", { id, rows: 2, spellcheck: "false", placeholder: hint });
    control.value = isSet ? JSON.stringify(value) : "";
    control.addEventListener("change", () => commit(control.value));
  } else {
    const listId = field.choices?.length ? `dl-${(datalistSeq += 1)}` : null;
    control = h("input", {
      type: "text", id, spellcheck: "false", autocomplete: "off", list: listId,
      inputmode: field.type === "int" || field.type === "float" ? "decimal" : null,
      placeholder: field.default !== null && field.default !== undefined ? formatValue(field.default) : (field.nullable ? "none" : ""),
    });
    control.value = isSet ? formatValue(value) : "";
    control.addEventListener("change", () => commit(control.value));
    control.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commit(control.value);
      } else if (e.key === "Escape") {
        control.value = isSet ? formatValue(value) : "";
        error.textContent = "";
        wrap.classList.remove("has-error");
        control.blur();
      }
    });
    // Validate while typing (no commit) so mistakes show before leaving the field.
    control.addEventListener("input", () => {
      const parsed = parseField(field, control.value);
      error.textContent = parsed.error ? `${field.name} ${parsed.error}` : "";
      wrap.classList.toggle("has-error", Boolean(parsed.error));
    });
    if (listId) {
      const datalist = h("datalist", { id: listId }, field.choices.map((c) => h("option", { value: String(c) })));
      control._datalist = datalist;
    }
  }
  control.setAttribute("aria-describedby", `${id}-error`);
  control.dataset.field = field.name;

  const reset = isSet && !field.required ? h("button", {
    type: "button", class: "field-reset", title: `Reset to the default (${formatValue(field.default) || "none"})`,
    "aria-label": `Reset ${field.name}`, onclick: () => onCommit(undefined),
  }, "↺") : null;
  const label = h("label", { for: id, class: "field-label", title: field.description || "" },
    field.name.replace(/_/g, " "), field.required ? h("span", { class: "req", title: "required" }, "*") : null);
  const wrap = h("div", { class: `field field-${kind}${isSet ? " is-set" : ""}`, dataset: { field: field.name } },
    kind === "checkbox" ? h("div", { class: "field-check" }, control, label, reset) : [h("div", { class: "field-head" }, label, reset), control],
    control._datalist ?? null,
    kind === "checkbox" ? null : h("div", { class: "field-hint", title: field.description ? field.description.replace(/`/g, "") : null },
      hint, field.description ? [" · ", richText(field.description)] : null),
    error);
  return wrap;
}
