#!/usr/bin/env node
// Runs a TF.js Layers model (model.json + weight shards) with real @tensorflow/tfjs on the cpu backend.
//
//   node tfjs_predict.js <path to the @tensorflow/tfjs package directory>  < request.json  > reply.json
//
// request: {"model_json": "<path>", "inputs": [{"dtype": "float32"|"int32", "shape": [...], "b64": "<LE bytes>"}]}
// reply:   {"runtime": "tfjs <version> (cpu, node <version>)", "weights": ["<layer>/<weight>", ...],
//           "outputs": [{"dtype": ..., "shape": [...], "b64": "<LE bytes>"}]}
// Files are read with fs and handed to tfjs through tf.io.fromMemory (formats.md §1.7): plain
// @tensorflow/tfjs has no file:// handler. Everything tfjs logs goes to stderr; stdout carries
// only the reply, so a load or predict failure is a non-zero exit with tfjs's message on stderr.
'use strict';
const fs = require('fs');
const path = require('path');

console.log = console.warn = console.info = (...a) => process.stderr.write(a.join(' ') + '\n');

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

function toArrayBuffer(buf) {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

function loadArtifacts(modelJsonPath) {
  const mj = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
  const dir = path.dirname(modelJsonPath);
  const weightSpecs = [];
  const bufs = [];
  for (const group of mj.weightsManifest || []) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(bufs);
  return {
    modelTopology: mj.modelTopology, weightSpecs, weightData: toArrayBuffer(all),
    format: mj.format, generatedBy: mj.generatedBy, convertedBy: mj.convertedBy,
    userDefinedMetadata: mj.userDefinedMetadata,
  };
}

const TYPED = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };

function decodeInput(tf, spec) {
  const Ctor = TYPED[spec.dtype];
  if (!Ctor) throw new Error(`unsupported input dtype ${spec.dtype}`);
  const buf = Buffer.from(spec.b64, 'base64');
  const values = new Ctor(toArrayBuffer(buf));
  return tf.tensor(values, spec.shape, spec.dtype);
}

function encodeOutput(t) {
  const data = t.dataSync();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { dtype: t.dtype, shape: t.shape, b64: buf.toString('base64') };
}

async function main() {
  const tfjsDir = process.argv[2];
  if (!tfjsDir) throw new Error('usage: node tfjs_predict.js <@tensorflow/tfjs package dir> < request.json');
  const tf = require(path.resolve(tfjsDir));
  await tf.setBackend('cpu');
  await tf.ready();
  const req = JSON.parse(readStdin());
  const model = await tf.loadLayersModel(tf.io.fromMemory(loadArtifacts(req.model_json)));
  const xs = (req.inputs || []).map((s) => decodeInput(tf, s));
  let outputs = [];
  if (xs.length) {
    const y = model.predict(xs.length === 1 ? xs[0] : xs);
    outputs = (Array.isArray(y) ? y : [y]).map(encodeOutput);
  }
  const reply = {
    runtime: `tfjs ${tf.version.tfjs} (cpu, node ${process.versions.node})`,
    weights: model.weights.map((w) => w.originalName),
    outputs,
  };
  process.stdout.write(JSON.stringify(reply));
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
