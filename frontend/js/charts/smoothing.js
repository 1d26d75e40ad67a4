// Exponential moving average with TensorBoard's de-biasing (the first values are not pulled to 0);
// non-finite values pass through and do not disturb the average.

/** Smooth `values` with weight `w` in [0, 1) (0 = unchanged). */
export function smooth(values, w) {
  if (!(w > 0)) return values.slice();
  const out = new Array(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n += 1;
    out[i] = last / (1 - w ** n);
  }
  return out;
}

/** Offer `text` as a file download named `name`. */
export function downloadText(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
