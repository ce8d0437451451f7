#!/usr/bin/env node
// Run one forward pass of an ONNX model with onnxruntime-node (CPU EP).
//
//   node onnx_forward.mjs --model FILE.onnx --input IN.bin --shape 1,3,1024,1024 \
//        --output OUT.bin [--threads N] [--input-name input] [--output-name output]
//
// IN.bin  : raw little-endian float32 tensor with the given shape (C order).
// OUT.bin : raw little-endian float32 data of the output tensor (C order).
// stdout  : one JSON line {"output":"...","dims":[...],"ms":...,"load_ms":...,"threads":N}
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

function die(msg) {
  process.stderr.write(`onnx_forward: ${msg}\n`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      shape: { type: 'string' },
      output: { type: 'string' },
      threads: { type: 'string' },
      'input-name': { type: 'string', default: 'input' },
      'output-name': { type: 'string', default: 'output' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (e) {
  die(e.message);
}
if (args.help || !args.model || !args.input || !args.shape || !args.output) {
  process.stderr.write(
    'usage: node onnx_forward.mjs --model FILE.onnx --input IN.bin --shape 1,3,1024,1024 ' +
      '--output OUT.bin [--threads N] [--input-name input] [--output-name output]\n',
  );
  process.exit(args.help ? 0 : 2);
}

const dims = args.shape.split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n <= 0) die(`bad --shape entry '${s}'`);
  return n;
});
const count = dims.reduce((a, b) => a * b, 1);

const buf = readFileSync(args.input);
if (buf.length !== count * 4) {
  die(`${args.input} has ${buf.length} bytes, shape [${dims}] needs ${count * 4}`);
}
// Copy into an aligned Float32Array (Buffer may be unaligned / pooled). x86/ARM are LE.
const data = new Float32Array(count);
new Uint8Array(data.buffer).set(buf);

const sessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' };
let threads = null;
if (args.threads !== undefined) {
  threads = Number(args.threads);
  if (!Number.isInteger(threads) || threads <= 0) die(`bad --threads '${args.threads}'`);
  sessionOptions.intraOpNumThreads = threads;
  sessionOptions.interOpNumThreads = 1;
}

const t0 = performance.now();
const session = await ort.InferenceSession.create(args.model, sessionOptions);
const loadMs = performance.now() - t0;

if (!session.inputNames.includes(args['input-name'])) {
  die(`model has no input '${args['input-name']}' (inputs: ${session.inputNames.join(', ')})`);
}
if (!session.outputNames.includes(args['output-name'])) {
  die(`model has no output '${args['output-name']}' (outputs: ${session.outputNames.join(', ')})`);
}

const feeds = { [args['input-name']]: new ort.Tensor('float32', data, dims) };
const t1 = performance.now();
const results = await session.run(feeds, [args['output-name']]);
const runMs = performance.now() - t1;

const out = results[args['output-name']];
if (out.type !== 'float32') die(`output '${args['output-name']}' is ${out.type}, not float32`);
const od = out.data;
writeFileSync(args.output, Buffer.from(od.buffer, od.byteOffset, od.byteLength));

process.stdout.write(
  JSON.stringify({
    output: args['output-name'],
    dims: out.dims,
    ms: Math.round(runMs * 10) / 10,
    load_ms: Math.round(loadMs * 10) / 10,
    threads,
  }) + '\n',
);
