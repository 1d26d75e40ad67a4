// Starting points: each template is a model document (Keras-2 Functional topology) the server
// validates as valid, with the dataset it is meant for. Positions come from the auto-layout.

/** A small builder: `b.layer("Dense", {units: 8}, ["input"])` appends a layer, returns its name. */
function builder(name) {
  const layers = [];
  const inputs = [];
  return {
    input(layerName, shape) {
      layers.push({ class_name: "InputLayer", name: layerName, config: { name: layerName, batch_input_shape: [null, ...shape], dtype: "float32", sparse: false }, inbound_nodes: [] });
      inputs.push([layerName, 0, 0]);
      return layerName;
    },
    layer(className, layerName, config, from) {
      const sources = Array.isArray(from) ? from : [from];
      layers.push({
        class_name: className, name: layerName, config: { name: layerName, ...config },
        inbound_nodes: [sources.map((src) => [src, 0, 0, {}])],
      });
      return layerName;
    },
    done(outputs) {
      return { class_name: "Functional", config: { name, layers, input_layers: inputs, output_layers: outputs.map((o) => [o, 0, 0]) } };
    },
  };
}

function mlp() {
  const b = builder("mlp_2d");
  let x = b.input("input", [2]);
  x = b.layer("Dense", "hidden_1", { units: 16, activation: "relu" }, x);
  x = b.layer("Dense", "hidden_2", { units: 16, activation: "relu" }, x);
  const out = b.layer("Dense", "output", { units: 1, activation: "sigmoid" }, x);
  return b.done([out]);
}

function cnn() {
  const b = builder("cnn_digits");
  let x = b.input("image", [8, 8, 1]);
  x = b.layer("Conv2D", "conv_1", { filters: 16, kernel_size: 3, padding: "same", activation: "relu" }, x);
  x = b.layer("MaxPooling2D", "pool_1", { pool_size: 2 }, x);
  x = b.layer("Conv2D", "conv_2", { filters: 32, kernel_size: 3, padding: "same", activation: "relu" }, x);
  x = b.layer("Flatten", "flatten", {}, x);
  x = b.layer("Dense", "dense", { units: 64, activation: "relu" }, x);
  const out = b.layer("Dense", "digit", { units: 10, activation: "softmax" }, x);
  return b.done([out]);
}

function lstm() {
  const b = builder("lstm_waves");
  let x = b.input("sequence", [32, 1]);
  x = b.layer("LSTM", "lstm", { units: 32 }, x);
  x = b.layer("Dense", "dense", { units: 16, activation: "relu" }, x);
  const out = b.layer("Dense", "wave", { units: 4, activation: "softmax" }, x);
  return b.done([out]);
}

function residual() {
  const b = builder("residual_digits");
  const x = b.input("image", [8, 8, 1]);
  const stem = b.layer("Conv2D", "stem", { filters: 16, kernel_size: 3, padding: "same", activation: "relu" }, x);
  let y = b.layer("Conv2D", "block_conv_1", { filters: 16, kernel_size: 3, padding: "same", activation: "relu" }, stem);
  y = b.layer("Conv2D", "block_conv_2", { filters: 16, kernel_size: 3, padding: "same" }, y);
  const sum = b.layer("Add", "skip_add", {}, [stem, y]);
  const act = b.layer("Activation", "block_relu", { activation: "relu" }, sum);
  const pool = b.layer("GlobalAveragePooling2D", "pool", {}, act);
  const out = b.layer("Dense", "digit", { units: 10, activation: "softmax" }, pool);
  return b.done([out]);
}

/** The templates: {id, title, description, dataset, model}. */
export const TEMPLATES = [
  { id: "mlp", title: "MLP for 2-D data", dataset: "spiral", build: mlp,
    description: "Two hidden Dense layers on 2-D points — the TensorFlow Playground network, for the spiral, circle or XOR sets." },
  { id: "cnn", title: "CNN for digits", dataset: "digits", build: cnn,
    description: "Two convolutions and a pooling layer on the 8×8 handwritten digits, then a softmax over 10 classes." },
  { id: "lstm", title: "LSTM for sequences", dataset: "waves", build: lstm,
    description: "An LSTM reads a 32-step signal and a softmax names its wave shape (4 classes)." },
  { id: "residual", title: "Residual block", dataset: "digits", build: residual,
    description: "A ResNet-style block: two convolutions added back to their input (a skip connection), on the digits." },
];

/** The model document of template `id` (a fresh copy). */
export function templateModel(id) {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new Error(`unknown template ${id}`);
  return t.build();
}
