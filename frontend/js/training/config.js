// The run settings (POST /api/runs "config"): the fields, their choices, and defaults that suit
// the dataset (a higher learning rate and more epochs for Playground's 2-D sets, fewer for images).
// `loss` / `metrics` null = the server picks them from the dataset's task and the model's output.

export const OPTIMIZERS = ["adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "adamw"];

export const LOSSES = {
  classification: ["sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
    "binary_focal_crossentropy", "hinge", "squared_hinge", "categorical_hinge", "kl_divergence"],
  regression: ["mse", "mae", "huber", "log_cosh", "mean_squared_logarithmic_error", "mape", "poisson"],
};

export const METRICS = {
  classification: ["accuracy", "auc", "precision", "recall"],
  regression: ["mae", "mse", "root_mean_squared_error", "mape"],
};

/** TensorFlow Playground's learning-rate steps (offered as suggestions; any positive number works). */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

export const FIELD_NAMES = ["optimizer", "learning_rate", "loss", "metrics", "epochs", "batch_size", "validation_split", "seed"];

/** Sensible settings for a dataset descriptor (or null: generic defaults). */
export function defaultsFor(descriptor) {
  const kind = descriptor?.kind;
  const base = { optimizer: "adam", learning_rate: 0.01, loss: null, metrics: null, epochs: 20, batch_size: 32, validation_split: 0.2, seed: 0 };
  if (kind === "points") return { ...base, learning_rate: 0.03, epochs: 30, batch_size: 16 };
  if (kind === "image") return { ...base, learning_rate: 0.003, epochs: 8 };
  if (kind === "text" || kind === "sequence") return { ...base, learning_rate: 0.005, epochs: 10 };
  if (descriptor?.source === "upload" && Number.isFinite(descriptor.validation_split)) {
    return { ...base, validation_split: descriptor.validation_split };
  }
  return base;
}

/** The settings a run gets: the project's saved config over the dataset's defaults. */
export function effectiveConfig(saved, descriptor) {
  const out = defaultsFor(descriptor);
  for (const name of FIELD_NAMES) if (saved && saved[name] !== undefined) out[name] = saved[name];
  return out;
}
