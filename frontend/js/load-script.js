// Load a classic (non-module) script once and resolve with the global it defines — for the UMD
// bundles the studio serves itself (plotly.js, @tensorflow/tfjs), fetched only when first needed.

const pending = new Map();

/** `loadScript("/vendor/plotly.min.js", "Plotly")` → window.Plotly (the script is added once). */
export function loadScript(src, globalName) {
  if (globalName && window[globalName]) return Promise.resolve(window[globalName]);
  if (!pending.has(src)) {
    pending.set(src, new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.async = true;
      el.onload = () => {
        if (!globalName || window[globalName]) resolve(globalName ? window[globalName] : undefined);
        else reject(new Error(`${src} loaded but did not define ${globalName}`));
      };
      el.onerror = () => {
        pending.delete(src);
        el.remove();
        reject(new Error(`Could not load ${src} from the studio server`));
      };
      document.head.append(el);
    }));
  }
  return pending.get(src);
}
