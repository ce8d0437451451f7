#!/usr/bin/env node
// Reference alpha masks from @imgly/background-removal-node 1.4.5 (default "medium" ISNet).
//
//   node reference_masks.mjs --out DIR [--repeat N] [--dump DIR] IMG...
//
// For each IMG writes DIR/<stem>.png: an 8-bit single-channel (greyscale) PNG, lossless,
// at the photo's full resolution, holding exactly the alpha channel removeBackground()
// produces. Prints one JSON line per image with the per-call times in ms.
//
//   --repeat N  run removeBackground N times per image in this process (the first call of the
//               process also loads the model); checks the runs give identical masks.
//   --dump DIR  also write DIR/<stem>.input.bin (the float32 [1,3,1024,1024] tensor the package
//               fed to ONNX) and DIR/<stem>.prob.bin (float32 [1,1,1024,1024] output 'output'),
//               captured from onnxruntime-node, for stage-by-stage parity debugging.
//
// Works offline: the model ships inside the npm package (dist/<sha256 chunks> + resources.json)
// and is read through a file:// publicPath resolved from this script's location (the package's
// own default is relative to the current working directory).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { removeBackground } from '@imgly/background-removal-node';

function die(msg) {
  process.stderr.write(`reference_masks: ${msg}\n`);
  process.exit(2);
}

let args, files;
try {
  ({ values: args, positionals: files } = parseArgs({
    options: {
      out: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      dump: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  }));
} catch (e) {
  die(e.message);
}
if (args.help || !args.out || files.length === 0) {
  process.stderr.write('usage: node reference_masks.mjs --out DIR [--repeat N] [--dump DIR] IMG...\n');
  process.exit(args.help ? 0 : 2);
}
const repeat = Number(args.repeat);
if (!Number.isInteger(repeat) || repeat < 1) die(`bad --repeat '${args.repeat}'`);

const require = createRequire(import.meta.url);
// The package's "exports" hide package.json; its CommonJS entry is <pkg>/dist/index.cjs.
const distDir = path.dirname(require.resolve('@imgly/background-removal-node'));
const pkgDir = path.dirname(distDir);
const readVersion = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
const pkgVersion = readVersion(pkgDir);
if (pkgVersion !== '1.4.5') die(`expected @imgly/background-removal-node 1.4.5, found ${pkgVersion}`);

const config = {
  publicPath: pathToFileURL(distDir).href + '/',
  model: 'medium', // the package default, stated explicitly
  // Raw RGBA: the default 'image/png' output goes through sharp .png({quality: 80}), which turns
  // on libimagequant palette quantisation, i.e. it is lossy and would alter the alpha values.
  output: { format: 'image/x-rgba8' },
};

// Optional capture of the exact ONNX input/output (the package calls session.run(feeds, {})).
let captured = null;
if (args.dump) {
  mkdirSync(args.dump, { recursive: true });
  const proto = ort.InferenceSession.prototype;
  const origRun = proto.run;
  proto.run = async function (feeds, ...rest) {
    const out = await origRun.call(this, feeds, ...rest);
    captured = { input: feeds.input, output: out.output };
    return out;
  };
}

mkdirSync(args.out, { recursive: true });
const versions = {
  '@imgly/background-removal-node': pkgVersion,
  'onnxruntime-node': readVersion(path.join(pkgDir, '..', '..', 'onnxruntime-node')),
  sharp: readVersion(path.join(pkgDir, '..', '..', 'sharp')),
};
process.stderr.write(`reference_masks: ${JSON.stringify(versions)}\n`);

// Lossless 8-bit greyscale PNG. sharp alone would write 1-channel raw input as RGB unless told
// 'b-w'. If ImageMagick's `convert` is on PATH, re-encode smaller (~40% less) and keep that only
// if it decodes to exactly the same bytes.
async function writeMaskPng(mask, width, height, outPath) {
  await sharp(mask, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toFile(outPath);
  const tmp = `${outPath}.opt.png`;
  const r = spawnSync('convert', [
    outPath, '-strip',
    '-define', 'png:compression-level=9', '-define', 'png:compression-filter=5',
    '-define', 'png:compression-strategy=1', '-define', 'png:color-type=0',
    '-define', 'png:bit-depth=8', tmp,
  ]);
  if (r.status === 0 && existsSync(tmp)) {
    if ((await isExactGreyPng(tmp, mask, width, height)) &&
        statSync(tmp).size < statSync(outPath).size) {
      renameSync(tmp, outPath);
    }
  }
  rmSync(tmp, { force: true });
  if (!(await isExactGreyPng(outPath, mask, width, height))) die(`${outPath}: PNG round-trip mismatch`);
}

async function isExactGreyPng(file, mask, width, height) {
  const meta = await sharp(file).metadata();
  if (meta.format !== 'png' || meta.channels !== 1 || meta.depth !== 'uchar') return false;
  // sharp's raw output re-expands greyscale to sRGB unless kept in 'b-w'.
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return info.channels === 1 && info.width === width && info.height === height && mask.equals(data);
}

function f32bytes(t) {
  const d = t.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

for (const file of files) {
  const stem = path.basename(file, path.extname(file));
  const bytes = readFileSync(file);
  const meta = await sharp(bytes).metadata();
  if (!(meta.channels === 3 || meta.channels === 4)) {
    // The package's preprocessing assumes 4 bytes per pixel after decoding; 1- or 2-channel
    // (greyscale) images are silently mis-read by it, so refuse rather than record garbage.
    die(`${file}: ${meta.channels}-channel image is not supported by the reference`);
  }
  const times = [];
  let mask = null;
  let width = 0;
  let height = 0;
  for (let r = 0; r < repeat; r++) {
    // A Blob with a type: the package rejects untyped Blobs/Buffers ("Unsupported format: ").
    const blob = new Blob([bytes], { type: 'application/octet-stream' });
    const t0 = performance.now();
    const result = await removeBackground(blob, config);
    const rgba = new Uint8Array(await result.arrayBuffer());
    times.push(Math.round(performance.now() - t0));
    const params = Object.fromEntries(
      result.type.split(';').slice(1).map((kv) => kv.split('=').map((s) => s.trim())),
    );
    width = Number(params.width);
    height = Number(params.height);
    if (rgba.length !== width * height * 4) die(`${file}: unexpected output size ${rgba.length}`);
    const alpha = Buffer.alloc(width * height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[4 * i + 3];
    if (mask && !mask.equals(alpha)) die(`${file}: run ${r + 1} differs from run 1`);
    mask = alpha;
  }
  if (width !== meta.width || height !== meta.height) {
    die(`${file}: mask is ${width}x${height}, photo is ${meta.width}x${meta.height}`);
  }
  const outPath = path.join(args.out, `${stem}.png`);
  await writeMaskPng(mask, width, height, outPath);
  if (args.dump && captured) {
    writeFileSync(path.join(args.dump, `${stem}.input.bin`), f32bytes(captured.input));
    writeFileSync(path.join(args.dump, `${stem}.prob.bin`), f32bytes(captured.output));
  }
  let sum = 0;
  for (let i = 0; i < mask.length; i++) sum += mask[i];
  process.stdout.write(
    JSON.stringify({
      image: file,
      mask: outPath,
      width,
      height,
      mean_alpha: Math.round((sum / mask.length) * 100) / 100,
      ms: times,
    }) + '\n',
  );
}
