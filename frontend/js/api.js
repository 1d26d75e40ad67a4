// fetch wrapper for the studio's REST API: JSON in, JSON out, errors as ApiError carrying the
// server's own message ({"error", "details"}) so the UI can show it to the user verbatim.

/** An API call that failed: `status` (0 = the server could not be reached), the server's message. */
export class ApiError extends Error {
  constructor(status, message, details = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.details = details;
  }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `request("POST", "/api/models/validate", {model})` → the parsed JSON body, or throws ApiError. */
export async function request(method, path, body = undefined, { signal } = {}) {
  const init = { method, headers: { Accept: "application/json" }, signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, `Cannot reach the studio server (${method} ${path}): ${err.message || err}`);
  }
  const data = await readBody(response);
  if (!response.ok) {
    const message = data && typeof data === "object" && typeof data.error === "string"
      ? data.error
      : `${method} ${path} failed: HTTP ${response.status}`;
    throw new ApiError(response.status, message, data && typeof data === "object" ? data.details ?? null : null);
  }
  return data;
}

export const api = {
  get: (path, opts) => request("GET", path, undefined, opts),
  post: (path, body, opts) => request("POST", path, body ?? {}, opts),
  put: (path, body, opts) => request("PUT", path, body ?? {}, opts),
  patch: (path, body, opts) => request("PATCH", path, body ?? {}, opts),
  delete: (path, opts) => request("DELETE", path, undefined, opts),
};
