// Builds small models in real TensorFlow.js, saves them the way tfjs-node's file:// handler lays them
// out (model.json + weights.bin, via tf.io.withSaveHandler) and records tfjs's own predictions.
//
//   node tfjs_make_models.js <@tensorflow/tfjs package dir> <out dir>
//
// Writes <out>/<name>/model.json, <out>/<name>/weights.bin and <out>/predictions.json:
//   {"<name>": {"inputs": [{dtype, shape, b64}], "outputs": [{dtype, shape, b64}]}}
'use strict';
const fs = require('fs');
const path = require('path');

const tf = require(path.resolve(process.argv[2]));
const OUT = process.argv[3];
console.log = console.warn = console.info = (...a) => process.stderr.write(a.join(' ') + '\n');

async function save(model, dir) {
  fs.mkdirSync(dir, {recursive: true});
  await model.save(tf.io.withSaveHandler(async (art) => {
    const mj = {
      modelTopology: art.modelTopology, format: art.format, generatedBy: art.generatedBy,
      convertedBy: art.convertedBy, weightsManifest: [{paths: ['weights.bin'], weights: art.weightSpecs}],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(mj));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(art.weightData));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
}

// Seeded, non-trivial weights: non-zero biases, positive BatchNormalization variances.
function randomize(model, seed) {
  let s = seed;
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (!ws.length) continue;
    layer.setWeights(ws.map((w) => {
      s += 1;
      if (w.originalName.includes('variance')) return tf.randomUniform(w.shape, 0.5, 1.5, 'float32', s);
      const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 4;
      return tf.randomNormal(w.shape, 0, 1 / Math.sqrt(fanIn), 'float32', s);
    }));
  }
}

function enc(t) {
  const d = t.dataSync();
  return {dtype: t.dtype, shape: t.shape, b64: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64')};
}

function seqCnn() {
  // tfjs's own Sequential form: no InputLayer entry, batch_input_shape on the first layer.
  const m = tf.sequential({name: 'tfjs_seq_cnn'});
  m.add(tf.layers.conv2d({inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: 'relu', padding: 'same'}));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.maxPooling2d({poolSize: 2}));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({rate: 0.2}));
  m.add(tf.layers.dense({units: 4, activation: 'softmax'}));
  return [m, [tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 11)]];
}

function fnRnn() {
  // LSTM/GRU with tfjs's default recurrent_activation (Keras-2 hard_sigmoid), GRU reset_after=false,
  // Bidirectional and TimeDistributed (wrapper weight naming), two inputs and two outputs.
  const tok = tf.input({shape: [6], dtype: 'int32', name: 'tok'});
  const aux = tf.input({shape: [3], name: 'aux'});
  const e = tf.layers.embedding({inputDim: 10, outputDim: 4}).apply(tok);
  const l = tf.layers.lstm({units: 5, returnSequences: true}).apply(e);
  const b = tf.layers.bidirectional({layer: tf.layers.lstm({units: 2, returnSequences: true}), mergeMode: 'concat'}).apply(l);
  const td = tf.layers.timeDistributed({layer: tf.layers.dense({units: 3, activation: 'relu'})}).apply(b);
  const g = tf.layers.gru({units: 3}).apply(td);
  const c = tf.layers.concatenate().apply([g, tf.layers.dense({units: 3, activation: 'tanh'}).apply(aux)]);
  const y1 = tf.layers.dense({units: 2, activation: 'sigmoid', name: 'y1'}).apply(c);
  const y2 = tf.layers.leakyReLU({alpha: 0.15, name: 'y2'}).apply(tf.layers.add().apply([g, aux]));
  const m = tf.model({inputs: [tok, aux], outputs: [y1, y2], name: 'tfjs_fn_rnn'});
  const tokIn = tf.tensor2d([[1, 2, 3, 4, 5, 6], [0, 9, 8, 7, 1, 1], [3, 3, 3, 3, 3, 3]], [3, 6], 'int32');
  return [m, [tokIn, tf.randomNormal([3, 3], 0, 1, 'float32', 12)]];
}

function nested() {
  const inner = tf.sequential({name: 'inner_seq', layers: [
    tf.layers.dense({inputShape: [4], units: 6, activation: 'relu', name: 'inner_d1'}),
    tf.layers.dense({units: 3, name: 'inner_d2'})]});
  const fi = tf.input({shape: [3], name: 'f_in'});
  const innerFn = tf.model({inputs: fi, outputs: tf.layers.dense({units: 2, name: 'f_d'}).apply(fi), name: 'inner_fn'});
  const x = tf.input({shape: [4], name: 'x'});
  const h = inner.apply(x);
  const m = tf.model({inputs: x, outputs: [innerFn.apply(h), tf.layers.dense({units: 1, name: 'head'}).apply(h)],
                      name: 'tfjs_nested'});
  return [m, [tf.randomNormal([3, 4], 0, 1, 'float32', 13)]];
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const results = {};
  const builders = {seq_cnn: seqCnn, fn_rnn: fnRnn, nested};
  let seed = 100;
  for (const [name, build] of Object.entries(builders)) {
    const [model, xs] = build();
    randomize(model, (seed += 100));
    await save(model, path.join(OUT, name));
    const y = model.predict(xs.length === 1 ? xs[0] : xs);
    results[name] = {inputs: xs.map(enc), outputs: (Array.isArray(y) ? y : [y]).map(enc)};
  }
  fs.writeFileSync(path.join(OUT, 'predictions.json'), JSON.stringify(results));
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
