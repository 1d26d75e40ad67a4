// The Data panel (issue 6 "Data"): the dataset picker over GET /api/datasets, a preview of the
// chosen set (scatter for 2-D points, image grid, table, sentences, sequences), Playground-style
// noise / size / seed controls for the generated sets, and CSV upload with the server's messages
// and import report. The choice (with its options) is the project's dataset:
// state.project.dataset = "spiral" or {id: "spiral", options: {noise: 0.2}}.

import { h } from "../format.js";
import { toastError } from "../toast.js";
import { datasetRef, datasetValue, deleteDataset, listDatasets, previewDataset } from "../data/datasets.js";
import { renderOptions } from "../data/options.js";
import { previewSummary, renderPreview } from "../data/preview.js";
import { mountUpload } from "../data/upload.js";
import { renderFitNotice } from "../training/fit.js";

const GROUPS = [
  ["points", "2-D points"], ["image", "Images"], ["table", "Tables"], ["text", "Text"], ["sequence", "Sequences"],
];

/** Mount the Data panel. */
export function mount(root, store, app) {
  const list = h("div", { class: "data-list", role: "listbox", "aria-label": "Datasets", id: "data-list" });
  const title = h("h3", { class: "data-title" });
  const summary = h("div", { class: "data-summary small muted" });
  const optionsEl = h("div", { class: "data-options", id: "data-options" });
  const previewEl = h("div", { class: "data-preview", id: "data-preview" });
  const info = h("div", { class: "data-info small" });
  const uploadEl = h("div", { class: "data-upload" });
  const fitEl = h("div", { class: "notice notice-suggest fit-notice", id: "data-fit", role: "status", hidden: true });
  root.append(h("div", { class: "data-layout" },
    h("aside", { class: "data-side" }, list),
    h("div", { class: "data-center" }, h("div", { class: "data-head" }, title, summary), fitEl, optionsEl, previewEl),
    h("aside", { class: "data-right" }, info, uploadEl)));

  let datasets = [];
  let visible = false;
  let shownKey = null;
  let shownOptions = null;
  let seq = 0;

  const currentRef = () => datasetRef(store.get().project.dataset);

  function choose(id, options = {}) {
    store.update("project", { dataset: datasetValue({ id, options }) }, "dataset");
  }

  function renderList() {
    const ref = currentRef();
    const groups = [];
    const kinds = new Map(GROUPS);
    const uploads = datasets.filter((d) => d.source === "upload");
    for (const [kind, label] of GROUPS) {
      const items = datasets.filter((d) => d.kind === kind && d.source !== "upload");
      if (items.length) groups.push([label, items]);
    }
    const others = datasets.filter((d) => d.source !== "upload" && !kinds.has(d.kind));
    if (others.length) groups.push(["Other", others]);
    if (uploads.length) groups.push(["Uploaded", uploads]);
    list.replaceChildren(...groups.map(([label, items]) => h("div", { class: "data-group" },
      h("div", { class: "data-group-title" }, label),
      items.map((d) => {
        const selected = ref?.id === d.id;
        return h("div", { class: `data-item${selected ? " is-selected" : ""}`, dataset: { id: d.id } },
          h("button", {
            type: "button", class: "data-pick", role: "option", "aria-selected": String(selected), dataset: { id: d.id },
            title: d.description || d.name, onclick: () => choose(d.id),
          }, h("span", { class: "data-name" }, d.name), h("span", { class: "data-meta muted small" }, `${d.task === "regression" ? "regression" : `${d.num_classes} classes`} · ${d.size.toLocaleString("en-US")}`)),
          d.source === "upload" ? h("button", {
            type: "button", class: "icon-btn small data-delete", title: `Delete ${d.name}`, "aria-label": `Delete ${d.name}`,
            onclick: async () => {
              try {
                await deleteDataset(d.id);
                if (currentRef()?.id === d.id) store.update("project", { dataset: null });
                await load();
              } catch (err) {
                toastError(err, "Could not delete the dataset");
              }
            },
          }, "×") : null);
      }))));
    if (!groups.length) list.replaceChildren(h("p", { class: "muted small" }, "No datasets."));
  }

  function renderInfo(d) {
    if (!d) {
      info.replaceChildren(h("p", { class: "muted" }, "Pick a dataset on the left, or upload a CSV below."));
      return;
    }
    const facts = [
      ["task", d.task], ["input shape", `(${d.input_shape.join(", ")})`], ["examples", d.size.toLocaleString("en-US")],
      d.class_names ? ["classes", d.class_names.join(", ")] : null,
      d.license ? ["licence", d.license] : null,
    ].filter(Boolean);
    info.replaceChildren(...[
      d.description ? h("p", { class: "data-desc" }, d.description) : null,
      h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      d.citation ? h("p", { class: "muted data-cite" }, d.citation) : null,
    ].filter(Boolean));
  }

  async function renderChosen() {
    const ref = currentRef();
    const d = ref ? datasets.find((x) => x.id === ref.id) : null;
    renderList();
    renderInfo(d);
    renderFitNotice(fitEl, app, d);
    if (!d) {
      title.textContent = ref ? `Unknown dataset "${ref.id}"` : "No dataset chosen";
      summary.textContent = "";
      optionsEl.replaceChildren();
      previewEl.replaceChildren(h("p", { class: "muted" }, ref ? "This project's dataset is not on the server (was it deleted?). Pick another one." : "Choose a dataset to see its examples."));
      shownKey = null;
      return;
    }
    title.textContent = d.name;
    // Re-create the controls only when the options changed from elsewhere (another set, a project
    // opened), not after the user's own change: the slider being dragged keeps its focus.
    const optionsKey = JSON.stringify([d.id, ref.options]);
    if (optionsKey !== shownOptions) {
      shownOptions = optionsKey;
      renderOptions(optionsEl, d.options || {}, ref.options, (changed) => {
        shownOptions = JSON.stringify([d.id, changed]);
        choose(d.id, changed);
      });
    }
    if (!visible) return;
    const key = JSON.stringify(ref);
    if (key === shownKey) return;
    shownKey = key;
    const mine = (seq += 1);
    previewEl.classList.add("is-loading");
    try {
      const preview = await previewDataset(d.id, ref.options);
      if (mine !== seq) return;
      summary.textContent = previewSummary(preview);
      await renderPreview(previewEl, preview);
      previewEl.dataset.dataset = d.id;
    } catch (err) {
      if (mine !== seq) return;
      shownKey = null;
      previewEl.replaceChildren(h("div", { class: "notice notice-error" }, `No preview: ${err.message}`));
    } finally {
      if (mine === seq) previewEl.classList.remove("is-loading");
    }
  }

  async function load(force = false) {
    try {
      datasets = await listDatasets(force);
    } catch (err) {
      list.replaceChildren(h("div", { class: "notice notice-error" }, `The datasets did not load: ${err.message}`));
      return;
    }
    await renderChosen();
  }

  mountUpload(uploadEl, async (descriptor) => {
    datasets = await listDatasets(true);
    choose(descriptor.id);
  });

  store.watch((s) => s.project.dataset, () => renderChosen());
  store.watch((s) => s.validation, () => {
    const ref = currentRef();
    renderFitNotice(fitEl, app, ref ? datasets.find((x) => x.id === ref.id) : null);
  });
  load();

  return {
    show() {
      visible = true;
      shownKey = null;
      renderChosen();
    },
    hide() {
      visible = false;
    },
  };
}
