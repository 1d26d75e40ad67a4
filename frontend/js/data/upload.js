// CSV upload: a drop zone and a file picker, a few import options (label column, task, missing
// values), the server's validation message when it refuses the file, and the import report
// (types per column, missing values and what was done, dropped rows and columns) when it accepts it.

import { h } from "../format.js";
import { uploadCsv } from "./datasets.js";

function reportView(descriptor) {
  const r = descriptor.report || {};
  const types = Object.entries(r.types || {});
  const missing = r.missing || [];
  const dropped = Object.entries(r.dropped_rows || {}).filter(([, n]) => n > 0);
  return h("div", { class: "upload-report", id: "upload-report" },
    h("div", { class: "upload-ok" }, "✓ Imported ", h("strong", {}, descriptor.name), ` — ${descriptor.size} rows, ${r.features ?? descriptor.input_shape?.[0]} features, ${descriptor.task}`,
      descriptor.num_classes ? ` (${descriptor.num_classes} classes)` : ""),
    h("ul", { class: "report-list small" },
      h("li", {}, `Header: ${r.header ? "yes" : "no"}${r.header_detection ? ` (${r.header_detection})` : ""}; delimiter "${r.delimiter === "\t" ? "tab" : r.delimiter}"`),
      r.label ? h("li", {}, `Label: column "${r.label.column}" → ${r.label.task}${r.label.task_detection ? ` (${r.label.task_detection})` : ""}`) : null,
      missing.length ? missing.map((m) => h("li", { class: "report-warn" }, `Missing in "${m.column}": ${m.count} (line${m.lines?.length > 1 ? "s" : ""} ${(m.lines || []).slice(0, 5).join(", ")}) — ${m.action}`)) : h("li", {}, "No missing values"),
      dropped.map(([why, n]) => h("li", { class: "report-warn" }, `Dropped ${n} row${n === 1 ? "" : "s"}: ${why.replace(/_/g, " ")}`)),
      (r.dropped_columns || []).map((c) => h("li", { class: "report-warn" }, `Dropped column ${typeof c === "object" ? `"${c.column ?? c.name}": ${c.reason ?? ""}` : `"${c}"`}`)),
      (r.notes || []).map((n) => h("li", {}, n))),
    types.length ? h("div", { class: "report-types" }, types.map(([col, type]) => h("span", { class: `type-chip type-${type}`, title: type }, col, h("em", {}, type)))) : null);
}

/** Mount the upload box in `el`; `onUploaded(descriptor)` after a successful import. */
export function mountUpload(el, onUploaded) {
  const file = h("input", { type: "file", accept: ".csv,.tsv,.txt,text/csv", id: "csv-file", class: "visually-hidden" });
  const pick = h("label", { for: "csv-file", class: "btn btn-small" }, "Choose a CSV…");
  const label = h("input", { type: "text", id: "csv-label", placeholder: "last column", "aria-label": "Label column" });
  const task = h("select", { id: "csv-task", "aria-label": "Task" }, ["auto", "classification", "regression"].map((t) => h("option", { value: t }, t)));
  const missing = h("select", { id: "csv-missing", "aria-label": "Missing values" }, [["impute", "impute (mean / most frequent)"], ["drop", "drop the row"], ["reject", "reject the file"]].map(([v, t]) => h("option", { value: v }, t)));
  const status = h("div", { class: "upload-status", role: "status", "aria-live": "polite" });
  const zone = h("div", { class: "drop-zone", id: "csv-drop", tabindex: "0", role: "button", "aria-label": "Drop a CSV file here or press Enter to choose one" },
    h("div", {}, h("strong", {}, "Upload a CSV"), h("span", { class: "muted small" }, " — drop it here or ")), pick, file);
  el.append(zone,
    h("div", { class: "upload-options" },
      h("label", { for: "csv-label" }, "Label column"), label,
      h("label", { for: "csv-task" }, "Task"), task,
      h("label", { for: "csv-missing" }, "Missing"), missing),
    status);

  async function send(f) {
    if (!f) return;
    status.replaceChildren(h("div", { class: "muted small" }, `Uploading ${f.name}…`));
    zone.classList.add("is-busy");
    try {
      const descriptor = await uploadCsv(f, { label: label.value.trim(), task: task.value, missing: missing.value });
      status.replaceChildren(reportView(descriptor));
      onUploaded(descriptor);
    } catch (err) {
      const where = err.details && (err.details.line || err.details.column)
        ? h("div", { class: "small" }, [err.details.column ? `column ${err.details.column}` : "", err.details.line ? `line ${err.details.line}` : ""].filter(Boolean).join(", "))
        : null;
      status.replaceChildren(h("div", { class: "notice notice-error upload-error", role: "alert" },
        h("strong", {}, `${f.name} was not imported: `), err.message, where));
    } finally {
      zone.classList.remove("is-busy");
      file.value = "";
    }
  }

  file.addEventListener("change", () => send(file.files[0]));
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      file.click();
    }
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      e.stopPropagation();
      zone.classList.add("is-over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    e.stopPropagation();
    zone.classList.remove("is-over");
    send(e.dataTransfer?.files?.[0]);
  });
}
