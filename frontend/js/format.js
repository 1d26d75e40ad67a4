// Small text formatters shared by the canvas, the inspector and the panels.

/** "(None, 8, 8, 16)" from [null, 8, 8, 16]; lists of shapes joined; strings pass through. */
export function formatShape(shape) {
  if (shape === null || shape === undefined) return "";
  if (typeof shape === "string") return shape;
  if (Array.isArray(shape) && shape.some(Array.isArray)) return shape.map(formatShape).join(", ");
  if (Array.isArray(shape)) return `(${shape.map((d) => (d === null ? "None" : d)).join(", ")}${shape.length === 1 ? "," : ""})`;
  return String(shape);
}

/** 1056 → "1,056". */
export const formatCount = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");

/** 1056 → "1.1k", 2300000 → "2.3M" (node footers). */
export function formatCompact(n) {
  if (!Number.isFinite(n)) return "–";
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

/** Cut `text` to `max` characters with an ellipsis. */
export function truncate(text, max) {
  const s = String(text ?? "");
  return s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s;
}

/** A value as the inspector shows it in a text box: lists as "3, 3", objects as JSON. */
export function formatValue(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value) && value.every((v) => v === null || typeof v === "number")) {
    return value.map((v) => (v === null ? "None" : v)).join(", ");
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Text with `code` spans as nodes (catalog descriptions use Markdown backticks). */
export function richText(text) {
  return String(text ?? "").split(/`([^`]+)`/).map((part, i) => (i % 2 ? h("code", {}, part) : part));
}

/** Create an element: h("div", {class: "x", onclick}, child, "text", ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes. */
export function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(key, value);
  }
  return el;
}
