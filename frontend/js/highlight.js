// A small Python highlighter for the Code panel: text nodes and coloured spans, never HTML parsing
// of the source.

import { h } from "./format.js";

const PY_TOKEN = new RegExp([
  String.raw`(?<comment>#[^\n]*)`,
  String.raw`(?<string>"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`,
  String.raw`(?<keyword>\b(?:import|from|as|def|return|if|else|elif|for|in|not|and|or|is|None|True|False|with|class|lambda|pass|raise|try|except)\b)`,
  String.raw`(?<number>\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\b)`,
  String.raw`(?<call>\b[A-Za-z_]\w*(?=\())`,
].join("|"), "g");

/** Python source as a list of nodes (spans with class py-comment / py-string / ...). */
export function highlightPython(source) {
  const out = [];
  let at = 0;
  for (const m of source.matchAll(PY_TOKEN)) {
    if (m.index > at) out.push(document.createTextNode(source.slice(at, m.index)));
    const kind = Object.entries(m.groups).find(([, v]) => v !== undefined)[0];
    out.push(h("span", { class: `py-${kind}` }, m[0]));
    at = m.index + m[0].length;
  }
  if (at < source.length) out.push(document.createTextNode(source.slice(at)));
  return out;
}
