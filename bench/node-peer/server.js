'use strict';
// The server a user would write instead of Verge's edge agent: fastify + sharp + onnxruntime-node.
// Same API as the agent (POST /image with the raw image bytes, Custom Vision JSON answer) and the
// same preprocessing, read from the package's manifest.json (DESIGN.md "Model package").
//
//   node server.js --model <package folder> [--port 0] [--threads N]
//
// Prints "ready: ... port N, M ms after start" once it serves. Listens on 127.0.0.1 only.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const ort = require('onnxruntime-node');
const sharp = require('sharp');
const fastify = require('fastify');

const started = Date.now();
const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    port: { type: 'string', default: '0' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    'max-body-bytes': { type: 'string', default: String(4 * 1024 * 1024) },
  },
});
if (!args.model) {
  console.error('usage: node server.js --model <package folder> [--port N] [--threads N]');
  process.exit(2);
}

const manifest = JSON.parse(fs.readFileSync(path.join(args.model, 'manifest.json'), 'utf8'));
const input = manifest.input;
const width = input.width;
const height = input.height;
const nchw = (input.layout || 'NCHW') === 'NCHW';
const bgr = input.channels === 'BGR';
const fit = { stretch: 'fill', 'center-crop': 'cover', letterbox: 'contain' }[input.resize || 'stretch'];
const softmax = (manifest.output && manifest.output.activation) !== 'none';

// value = (byte / scale - mean[c]) / std[c], per model channel c, as a lookup table like the agent's
const lookup = [0, 1, 2].map((c) => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = (v / input.scale - input.mean[c]) / input.std[c];
  return table;
});

function toTensor(rgb) {
  const pixels = width * height;
  const data = new Float32Array(3 * pixels);
  const source = bgr ? [2, 1, 0] : [0, 1, 2]; // model channel c reads this offset of an RGB pixel
  for (let p = 0, s = 0; p < pixels; p++, s += 3) {
    for (let c = 0; c < 3; c++) {
      const value = lookup[c][rgb[s + source[c]]];
      data[nchw ? c * pixels + p : s + c] = value;
    }
  }
  return new ort.Tensor('float32', data, nchw ? [1, 3, height, width] : [1, height, width, 3]);
}

function probabilities(scores) {
  if (!softmax) return Array.from(scores);
  const max = Math.max(...scores);
  const exps = Array.from(scores, (s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function badRequest(reply, status, error, message) {
  return reply.code(status).send({ error, message });
}

async function main() {
  const session = await ort.InferenceSession.create(path.join(args.model, manifest.file || 'model.onnx'), {
    intraOpNumThreads: Number(args.threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inputName = input.name || session.inputNames[0];
  const outputName = (manifest.output && manifest.output.name) || session.outputNames[0];

  const app = fastify({ logger: false, bodyLimit: Number(args['max-body-bytes']) });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body));

  app.post('/image', async (request, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      return badRequest(reply, 400, 'image_empty', 'expected the image bytes in the body, found none');
    }
    let rgb;
    try {
      rgb = await sharp(body, { limitInputPixels: 40_000_000 })
        .removeAlpha()
        .toColourspace('srgb')
        .resize(width, height, { fit, kernel: 'linear', background: { r: 0, g: 0, b: 0 } })
        .raw()
        .toBuffer();
    } catch (e) {
      return badRequest(reply, 400, 'image_corrupt', 'expected a JPEG, PNG or BMP image: ' + e.message);
    }
    const result = await session.run({ [inputName]: toTensor(rgb) });
    const probs = probabilities(result[outputName].data);
    const predictions = probs
      .map((p, i) => ({ probability: p, tagId: String(i), tagName: manifest.labels[i], boundingBox: null }))
      .sort((a, b) => b.probability - a.probability);
    return {
      created: new Date().toISOString(),
      id: crypto.randomUUID(),
      iteration: manifest.version,
      project: manifest.name,
      predictions,
    };
  });

  // warm-up, as the agent's smoke inference does, so the first device does not pay for it
  await session.run({ [inputName]: toTensor(Buffer.alloc(width * height * 3)) });
  await app.listen({ host: '127.0.0.1', port: Number(args.port) });
  const port = app.server.address().port;
  console.log(`ready: model ${manifest.name} version ${manifest.version}, onnxruntime-node ${ort.env.versions.common}, `
    + `sharp ${sharp.versions.sharp}, threads intra-op ${args.threads}, port ${port}, ${Date.now() - started} ms after start`);

  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error('node-peer: ' + (e.stack || e));
  process.exit(1);
});
