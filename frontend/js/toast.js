// Short notifications in the bottom-right corner (errors stay longer and can be dismissed).

let host = null;

function ensureHost() {
  if (host) return host;
  host = document.createElement("div");
  host.className = "toasts";
  host.setAttribute("role", "status");
  host.setAttribute("aria-live", "polite");
  document.body.append(host);
  return host;
}

/** Show `message`; kind is "info", "success" or "error". Returns a function that removes it. */
export function toast(message, { kind = "info", timeout } = {}) {
  const el = document.createElement("div");
  el.className = `toast toast-${kind}`;
  const text = document.createElement("span");
  text.textContent = message;
  const close = document.createElement("button");
  close.className = "toast-close";
  close.type = "button";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  el.append(text, close);
  ensureHost().append(el);
  const remove = () => el.remove();
  close.addEventListener("click", remove);
  const ms = timeout ?? (kind === "error" ? 9000 : 3200);
  if (ms > 0) setTimeout(remove, ms);
  return remove;
}

/** Show an error (an ApiError carries the server's message) as a toast. */
export function toastError(err, prefix = "") {
  const message = err?.message || String(err);
  return toast(prefix ? `${prefix}: ${message}` : message, { kind: "error" });
}
