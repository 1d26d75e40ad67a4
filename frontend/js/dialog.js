// Modal dialogs on the native <dialog> element (focus handling and Esc come for free).

import { h } from "./format.js";

/** Open a modal: {title, body: Node|Node[], actions: [{label, kind, onclick}]}; returns close(). */
export function openDialog({ title, body, actions = [], className = "" }) {
  const close = () => {
    if (dialog.open) dialog.close();
    dialog.remove();
  };
  const dialog = h("dialog", { class: `dialog ${className}`, "aria-label": title },
    h("div", { class: "dialog-head" }, h("h2", {}, title),
      h("button", { type: "button", class: "icon-btn", "aria-label": "Close", onclick: close }, "×")),
    h("div", { class: "dialog-body" }, body),
    actions.length ? h("div", { class: "dialog-actions" }, actions.map((a) => h("button", {
      type: "button", class: `btn ${a.kind ? `btn-${a.kind}` : ""}`, onclick: () => a.onclick(close),
    }, a.label))) : null);
  dialog.addEventListener("close", () => dialog.remove());
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) close();   // a click on the backdrop
  });
  document.body.append(dialog);
  dialog.showModal();
  return close;
}
