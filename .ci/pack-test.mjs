#!/usr/bin/env node
// Packaging test: proves that each publishable package installs from its npm tarball,
// alone in a project outside the workspace, and works through both `import` and `require`.
//
//   1. `pnpm pack` every non-private packages/* (pnpm turns `workspace:` ranges into
//      version ranges; checked in the tarball's package.json, with the files the exports
//      map, main/module/types name, and the README).
//   2. An empty project in a temp dir outside the workspace; plain `npm install` of all
//      tarballs together (+ @tensorflow/tfjs, the peer dependency, from the npm registry).
//   3. Per package two small node scripts, one ESM (`import`), one CJS (`require`): the
//      exports named in CHECKS must exist, and one real function is called.
//
// Usage: node .ci/pack-test.mjs [@g2rl/name ...]   (default: every publishable package;
// the named packages' workspace dependencies are packed and installed too).
// Env: G2RL_PACK_KEEP=1 keeps the temp dir. Build first (`pnpm build`): dist/ is packed.
// Last line: `pack-test: N passed, M failed`; exit code 1 if M > 0.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TFJS = '@tensorflow/tfjs@4.22.0';

/**
 * What each package must provide. Owners: adjust your entry here.
 * - `exports`: names that must be exported (from ARCHITECTURE.md), checked first, so an
 *   unfinished package fails with "missing exports: …".
 * - `subpaths`: `{ './geometry': ['name', …] }`, imported/required and checked the same way.
 * - `call`: a script body that calls one real function; runs in ESM and in CJS, may
 *   `await`. In scope: `pkg` (the package), `sub` (subpath modules by key), `tf` (when
 *   `tfjs: true`, already on the cpu backend), `assert(condition, message)`,
 *   `close(actual, expected, tolerance, what)`.
 * - `skip()`: a reason to skip on this machine, or null.
 */
const CHECKS = {
  '@g2rl/common': {
    exports: ['mulberry32', 'mixSeed', 'permutation', 'seededPermutation', 'normalFrom', 'seededUniform'],
    subpaths: { './random': ['mulberry32', 'seededPermutation'], './fs': ['writeFileAtomic', 'writeFileAtomicSync'] },
    call: `
      const next = pkg.mulberry32(42);
      assert(next() === 0.6011037519201636, 'mulberry32(42) first draw');
      const { mkdtempSync, readFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const file = join(mkdtempSync(join(tmpdir(), 'g2rl-common-')), 'a.txt');
      await sub['./fs'].writeFileAtomic(file, ['a', 'b']);
      assert(readFileSync(file, 'utf8') === 'ab', 'atomic write wrote ab');`,
  },
  '@g2rl/queue': {
    exports: ['parseRedisUrl', 'redactRedisUrl', 'jobIdFor', 'publishResult', 'readCompleteResult', 'openJobQueue', 'startWorker', 'formatQueueStatus'],
    subpaths: { './testing': ['startTestRedis'] },
    call: `
      const t = pkg.parseRedisUrl('rediss://:pw@host:6380/2');
      assert(t.redacted === 'rediss://:***@host:6380/2', 'redacted ' + t.redacted);
      assert(t.connection.port === 6380 && t.connection.db === 2 && t.connection.tls, 'connection options');
      assert(pkg.jobIdFor({ a: 1, b: 2 }) === pkg.jobIdFor({ b: 2, a: 1 }), 'job ids ignore key order');`,
  },
  '@g2rl/heatmaps': {
    exports: [
      'AU_CATALOGUE', 'DISFA_AUS', 'BP4D_AUS', 'auInfo', 'LANDMARK_SCHEMES', 'interOcularDistance',
      'geometryFeatures', 'auPoints', 'auPointFlip', 'defaultSigma', 'imageToHeatmap', 'heatmapToImage',
      'encodeHeatmaps', 'encodeHeatmapsBatch', 'decodeHeatmaps', 'decodeHeatmapsBatch',
    ],
    call: `
      // One AU (two points) at intensity 3 on a 16×16 map: decode gives back 3.
      const options = { height: 16, width: 16 };
      const { heatmaps } = pkg.encodeHeatmaps(new Float32Array([5, 6, 10, 9]), new Float32Array([3]), options);
      assert(heatmaps.length === 16 * 16 * 2, 'heatmaps length ' + heatmaps.length);
      const decoded = pkg.decodeHeatmaps(heatmaps, { ...options, channels: 2 });
      close(decoded.intensities[0], 3, 0.05, 'decoded intensity');
      assert(pkg.DISFA_AUS.length === 12, 'DISFA_AUS has 12 AUs');`,
  },
  '@g2rl/graph': {
    exports: ['pairwiseDistances', 'euclideanAdjacency', 'normalizeAdjacency'],
    call: `
      const a = pkg.euclideanAdjacency([[0, 0], [3, 0], [0, 4]], { k: 2, tau: 5 });
      close(a.data[1], Math.exp(-9 / 25), 1e-6, 'A[0][1]');
      const n = pkg.normalizeAdjacency(a);
      close(n.data[4], 1 / (1 + Math.exp(-9 / 25) + Math.exp(-1)), 1e-6, 'Â[1][1]');`,
  },
  '@g2rl/metrics': {
    exports: ['icc', 'mae', 'mse', 'pearson', 'auReport', 'formatReport'],
    call: `
      const sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]];
      close(pkg.icc(sf, 'ICC(3,1)'), 0.71, 0.005, 'Shrout & Fleiss ICC(3,1)');
      const text = pkg.formatReport(pkg.auReport([[1], [2], [4]], [[1], [2], [3]], [12]), 'text');
      assert(text.includes('AU12'), 'report names AU12');`,
  },
  '@g2rl/backend': {
    exports: ['initBackend', 'registerWasmTrainingKernels'],
    tfjs: true,
    call: `
      const result = await pkg.initBackend({ prefer: 'cpu', quiet: true });
      assert(result.name === 'cpu', 'initBackend chose ' + result.name);
      assert(tf.getBackend() === 'cpu', 'tf backend is ' + tf.getBackend());
      // wasm from the installed binaries, with the filter-gradient kernel wasm lacks:
      // x = ones 1×4×4×2, 3×3 'same' → dW[1,1,c,0] = 16 output pixels, dW[0,0,c,0] = 9.
      const wasm = await pkg.initBackend({ prefer: 'wasm', quiet: true });
      assert(wasm.name === 'wasm' && tf.getBackend() === 'wasm', 'wasm: tf backend is ' + tf.getBackend());
      const dw = tf.grad((w) => tf.conv2d(tf.ones([1, 4, 4, 2]), w, 1, 'same').sum())(tf.ones([3, 3, 2, 1])).dataSync();
      close(dw[8], 16, 1e-5, 'dW[1,1,0,0]');
      close(dw[0], 9, 1e-5, 'dW[0,0,0,0]');`,
  },
  '@g2rl/backend-native': {
    exports: ['registerNativeBackend', 'isNativeAvailable', 'nativeStatus'],
    tfjs: true,
    call: `
      // Built at install when oneDNN and a compiler are there; otherwise it says why.
      if (!pkg.isNativeAvailable()) {
        const status = pkg.nativeStatus();
        assert(typeof status.reason === 'string' && status.reason.length > 0, 'unavailable without a reason');
      } else {
        const name = pkg.registerNativeBackend();
        await tf.setBackend(name);
        // 3×3 'same' convolution of ones with ones: 4 in a corner, 9 in the middle.
        const y = tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same').dataSync();
        close(y[0], 4, 1e-6, 'corner');
        close(y[5], 9, 1e-6, 'middle');
        await tf.setBackend('cpu');
      }`,
    skip() {
      const missing = ['/usr/include/oneapi/dnnl/dnnl.h'].filter((path) => !existsSync(path));
      for (const tool of ['g++', 'make', 'python3']) {
        if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
      }
      return missing.length ? `build prerequisites absent: ${missing.join(', ')}` : null;
    },
  },
  '@g2rl/losses': {
    exports: ['heatmapLoss', 'geometryLoss', 'g2rlLoss'],
    tfjs: true,
    call: `
      // geometryLoss = mean over B·D of the squared differences: (1 + 4) / 2.
      const before = tf.memory().numTensors;
      const g = tf.tensor2d([[1, 2]]);
      const gHat = tf.zeros([1, 2]);
      const loss = pkg.geometryLoss(g, gHat);
      close((await loss.data())[0], 2.5, 1e-6, 'geometryLoss');
      tf.dispose([g, gHat, loss]);
      assert(tf.memory().numTensors === before, 'tensors leaked');`,
  },
  '@g2rl/models': {
    exports: [
      'createBackbone', 'GCNLayer', 'createGeometryEncoder', 'KnowledgeProjection', 'G2RLTrainer',
      'exportInferenceModel', 'loadInferenceModel', 'fileSystemIO',
    ],
    subpaths: { './geometry': ['createGeometryEncoder', 'GCNLayer'] },
    tfjs: true,
    call: `
      const encoder = pkg.createGeometryEncoder({ nodes: 4, adjacency: 'static' });
      const input = tf.zeros([1, 4, 2]);
      const output = encoder.predict(input);
      assert(output.shape.join() === '1,128', 'G shape ' + output.shape + ', expected 1,128 (B × D, D = 128 by default)');
      tf.dispose([input, output]);`,
  },
  '@g2rl/face': {
    exports: [
      'decodeImage', 'encodePng', 'similarityTransform', 'invertAffine', 'applyAffine', 'alignmentTemplate',
      'alignFace', 'createFaceDetector',
    ],
    call: `
      // sharp round trip of a 2×1 RGB image: proves the native dependency installed.
      const image = { data: new Uint8Array([255, 0, 0, 0, 0, 255]), width: 2, height: 1, channels: 3 };
      const decoded = await pkg.decodeImage(new Uint8Array(await pkg.encodePng(image)));
      assert(decoded.width === 2 && decoded.height === 1, 'decoded size ' + decoded.width + '×' + decoded.height);
      assert(Array.from(decoded.data).join() === '255,0,0,0,0,255', 'decoded pixels ' + Array.from(decoded.data));`,
  },
  '@g2rl/model-small-synthetic': {
    exports: ['modelDir', 'MODEL_FILES', 'readModelCard'],
    call: `
      const { existsSync, statSync } = await import('node:fs');
      const { join } = await import('node:path');
      const card = pkg.readModelCard();
      assert(card.aus.length === 12, 'card has ' + card.aus.length + ' AUs');
      let bytes = 0;
      for (const f of pkg.MODEL_FILES) { assert(existsSync(join(pkg.modelDir, f)), f + ' shipped'); bytes += statSync(join(pkg.modelDir, f)).size; }
      assert(bytes <= 5 * 1024 * 1024, 'model is ' + bytes + ' bytes (≤ 5 MB)');`,
  },
  '@g2rl/analyzer': {
    exports: ['createAnalyzer', 'AnalyzerError', 'DEFAULT_MIN_QUALITY', 'csvHeader', 'decodeNodeInput'],
    call: `
      // The newcomer's first command, from the installed tarballs: npx g2rl-analyze on a real
      // photo (face-api's demo photo, installed with it), default model, offline.
      const { spawnSync } = await import('node:child_process');
      const { join } = await import('node:path');
      const photo = join(process.cwd(), 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample2.jpg');
      const run = spawnSync('npx', ['--no-install', 'g2rl-analyze', photo], { encoding: 'utf8', cwd: process.cwd() });
      assert(run.status === 0, 'npx g2rl-analyze exited ' + run.status + ': ' + run.stderr);
      const [header, row] = run.stdout.trim().split('\\n');
      assert(header.split(',').includes('AU12_r'), 'CSV header has AU12_r: ' + header.slice(0, 80));
      assert(row && row.startsWith(photo), 'a CSV row for the photo');
      assert(!/TensorFlow\\.js in Node\\.js/.test(run.stderr + run.stdout), 'no tfjs banner');`,
  },
  '@g2rl/datasets': {
    exports: [
      'synthesizeDataset', 'readManifest', 'readDisfa', 'readBp4d', 'disfaFolds', 'bp4dFera2015Split',
      'subjectKFold', 'BatchLoader',
    ],
    call: `
      const samples = ['a', 'a', 'b', 'c', 'd'].map((subject, i) => ({ id: String(i), subject }));
      const folds = pkg.subjectKFold(samples, 2, 1);
      assert(Array.isArray(folds) && folds.length === 2, 'subjectKFold gave ' + JSON.stringify(folds));
      // A batch built in a worker thread: proves dist/loader-worker.js is packed and found
      // from the installed package, through import and require alike.
      const face = await import('@g2rl/face');
      const fs = await import('node:fs');
      const os = await import('node:os');
      const path = await import('node:path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'g2rl-pack-datasets-'));
      const image = path.join(dir, 'face.png');
      fs.writeFileSync(image, await face.encodePng({ data: new Uint8Array(64 * 64 * 3).fill(128), width: 64, height: 64, channels: 3 }));
      const landmarks = face.alignmentTemplate('ibug68', 64);
      const faces = [0, 1].map((i) => ({ id: 's' + i, subject: 'p' + i, frame: i, image, landmarks, scheme: 'ibug68', aus: [1, 12], intensities: new Float32Array([1, 2]) }));
      const loader = new pkg.BatchLoader({ samples: faces, batchSize: 2, size: 32, workers: 1, augment: true });
      const batch = await loader.nextBatch();
      await loader.close();
      fs.rmSync(dir, { recursive: true, force: true });
      assert(batch.images.length === 2 * 32 * 32 * 3 && batch.heatmaps.length === 2 * 8 * 8 * 4, 'batch shapes ' + batch.images.length + ', ' + batch.heatmaps.length);`,
  },
};

// ---------------------------------------------------------------------------------------

function packagesToTest(requested) {
  const all = new Map();
  for (const dir of readdirSync(join(ROOT, 'packages')).sort()) {
    const manifestPath = join(ROOT, 'packages', dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (!manifest.private) all.set(manifest.name, { name: manifest.name, dir: join(ROOT, 'packages', dir), manifest });
  }
  if (requested.length === 0) return [...all.values()];
  const chosen = new Set();
  const visit = (name) => {
    const entry = all.get(name);
    if (!entry) throw new Error(`pack-test: no publishable package named ${name} (have: ${[...all.keys()].join(', ')})`);
    if (chosen.has(name)) return;
    chosen.add(name);
    for (const dep of Object.keys({ ...entry.manifest.dependencies, ...entry.manifest.peerDependencies })) {
      if (all.has(dep)) visit(dep);
    }
  };
  requested.forEach(visit);
  return [...all.values()].filter((entry) => chosen.has(entry.name));
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  return result;
}

/** The lines of a failed node run that say what went wrong (not the stack). */
function errorSummary(output) {
  const lines = output.trim().split('\n');
  const start = lines.findIndex((line) => /missing exports|assertion failed|Error\b|^\s*code: /.test(line));
  if (start < 0) return tail(output, 6);
  const picked = lines.slice(start).filter((line) => !/^\s+at /.test(line) && line.trim() && !/^Node\.js v/.test(line));
  return picked.slice(0, 6).join('\n');
}

function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** `pnpm pack` one package; returns the tarball path, or throws with a reason. */
function pack(entry, destination) {
  const result = run('pnpm', ['pack', '--pack-destination', destination], { cwd: entry.dir });
  if (result.status !== 0) throw new Error(`pnpm pack failed:\n${tail(result.stderr + result.stdout)}`);
  const base = `${entry.name.replace(/^@/, '').replace('/', '-')}-${entry.manifest.version}.tgz`;
  const tarball = join(destination, base);
  if (!existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball}:\n${tail(result.stdout)}`);
  return tarball;
}

/**
 * Checks the packed manifest and file list. Returns the packed manifest and the problems
 * that still let the tarball install (missing files, README); throws for those that would
 * break the joint npm install (`workspace:` ranges).
 */
function inspectTarball(entry, tarball, scratch) {
  const listing = run('tar', ['-tzf', tarball]);
  if (listing.status !== 0) throw new Error(`tar could not list ${tarball}: ${listing.stderr}`);
  const files = new Set(listing.stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, '')));
  const out = join(scratch, entry.name.replace('/', '__'));
  mkdirSync(out, { recursive: true });
  const extract = run('tar', ['-xzf', tarball, '-C', out, 'package/package.json']);
  if (extract.status !== 0) throw new Error(`tarball has no package/package.json: ${extract.stderr}`);
  const manifest = JSON.parse(readFileSync(join(out, 'package', 'package.json'), 'utf8'));
  const fatal = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) fatal.push(`${field}.${dep} is still "${range}"`);
      else if (dep.startsWith('@g2rl/') && field !== 'devDependencies' && !/^[\^~]?\d+\.\d+\.\d+/.test(range)) {
        fatal.push(`${field}.${dep} is "${range}", expected a version range such as ^0.1.0`);
      }
    }
  }
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  for (const field of ['main', 'module', 'types']) if (manifest[field]) targets.add(manifest[field].replace(/^\.\//, ''));
  if (fatal.length) throw new Error(fatal.join('; '));
  const problems = [];
  const missing = [...targets].filter((path) => !files.has(path));
  if (missing.length) problems.push(`files named in package.json but not in the tarball: ${missing.join(', ')} (run \`pnpm build\` first?)`);
  if (!files.has('README.md')) problems.push('README.md is not in the tarball');
  return { manifest, problems };
}

/** The ESM and CJS check scripts for one package. */
function checkScripts(name, check) {
  const subpaths = Object.entries(check.subpaths ?? {});
  const helpers = `
    const assert = (condition, message) => { if (!condition) throw new Error('assertion failed: ' + message); };
    const close = (actual, expected, tolerance, what) =>
      assert(Math.abs(actual - expected) <= tolerance, what + ' = ' + actual + ', expected ' + expected + ' ± ' + tolerance);
    const missing = (module, names) => names.filter((n) => module[n] === undefined);
    const gaps = [
      ...missing(pkg, ${JSON.stringify(check.exports)}).map((n) => ${JSON.stringify(name)} + ': ' + n),
      ${subpaths.map(([key, names], i) => `...missing(sub${i}, ${JSON.stringify(names)}).map((n) => ${JSON.stringify(name + key.slice(1))} + ': ' + n),`).join('\n')}
    ];
    if (gaps.length) {
      console.error('missing exports (package not done yet?): ' + gaps.join(', '));
      process.exit(2);
    }
    const sub = { ${subpaths.map(([key], i) => `${JSON.stringify(key)}: sub${i}`).join(', ')} };
    ${check.tfjs ? "await tf.setBackend('cpu'); await tf.ready();" : ''}
    ${check.call}
    console.log('ok');`;
  const esm = [
    `import * as pkg from ${JSON.stringify(name)};`,
    ...subpaths.map(([key], i) => `import * as sub${i} from ${JSON.stringify(name + key.slice(1))};`),
    check.tfjs ? "import * as tf from '@tensorflow/tfjs';" : '',
    helpers,
  ].join('\n');
  const cjs = [
    `const pkg = require(${JSON.stringify(name)});`,
    ...subpaths.map(([key], i) => `const sub${i} = require(${JSON.stringify(name + key.slice(1))});`),
    check.tfjs ? "const tf = require('@tensorflow/tfjs');" : '',
    `(async () => {${helpers}\n})().catch((error) => { console.error(error && error.stack || error); process.exit(1); });`,
  ].join('\n');
  return { esm, cjs };
}

/**
 * The environment for plain npm: without what pnpm sets for its own scripts (package and
 * lifecycle variables, its node-gyp, frozen-lockfile) so npm acts as in a user's shell;
 * registry / CA / proxy settings are kept.
 */
function npmEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|pnpm_|PNPM_)/.test(key)) continue;
    if (['npm_config_frozen_lockfile', 'npm_config_node_gyp', 'npm_command', 'npm_execpath', 'npm_config_user_agent', 'NODE_PATH'].includes(key)) continue;
    env[key] = value;
  }
  return env;
}

function runNode(script, cwd, timeoutMs = 120_000) {
  return new Promise((resolvePromise) => {
    const env = { ...process.env };
    delete env.NODE_PATH;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ ok: code === 0, output: signal ? `killed by ${signal} after ${timeoutMs / 1000}s\n${output}` : output });
    });
  });
}

async function main() {
  const started = Date.now();
  const entries = packagesToTest(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'g2rl-pack-test-'));
  if (work.startsWith(ROOT)) throw new Error(`pack-test: temp dir ${work} is inside the workspace`);
  const results = new Map(); // name → { status: 'pass'|'fail'|'skip', detail }
  const fail = (name, detail) => results.set(name, { status: 'fail', detail });
  console.log(`pack-test: packing ${entries.length} packages into ${work}`);

  const installable = [];
  for (const entry of entries) {
    const check = CHECKS[entry.name];
    if (!check) {
      fail(entry.name, `no entry in CHECKS (${fileURLToPath(import.meta.url)}): add one`);
      continue;
    }
    const skipReason = check.skip?.();
    if (skipReason) {
      results.set(entry.name, { status: 'skip', detail: skipReason });
      continue;
    }
    try {
      const tarball = pack(entry, join(work, 'tarballs'));
      const { manifest, problems } = inspectTarball(entry, tarball, join(work, 'inspect'));
      installable.push({ ...entry, tarball, packed: manifest, problems: problems.map((p) => `tarball: ${p}`) });
    } catch (error) {
      fail(entry.name, `pack: ${error.message}`);
    }
  }

  // A tarball whose @g2rl dependency is not installed alongside would make npm fetch that
  // name from the registry: leave it out instead.
  let changed = true;
  while (changed) {
    changed = false;
    const present = new Set(installable.map((entry) => entry.name));
    for (let i = installable.length - 1; i >= 0; i--) {
      const entry = installable[i];
      const absent = Object.keys({ ...entry.packed.dependencies, ...entry.packed.peerDependencies })
        .filter((dep) => dep.startsWith('@g2rl/') && !present.has(dep));
      if (absent.length) {
        fail(entry.name, `depends on ${absent.join(', ')}, which could not be packed (see above)`);
        installable.splice(i, 1);
        changed = true;
      }
    }
  }

  const project = join(work, 'project');
  if (installable.length) {
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'g2rl-pack-test', version: '0.0.0', private: true }, null, 2));
    const installStart = Date.now();
    const install = run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', TFJS, ...installable.map((e) => e.tarball)],
      { cwd: project, env: npmEnvironment() },
    );
    if (install.status !== 0) {
      for (const entry of installable) fail(entry.name, `npm install of the tarballs failed:\n${tail(install.stderr + install.stdout)}`);
      installable.length = 0;
    } else {
      console.log(`pack-test: npm installed ${installable.length} tarballs + ${TFJS} in ${((Date.now() - installStart) / 1000).toFixed(1)}s`);
    }
  }

  const queue = [...installable];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const { esm, cjs } = checkScripts(entry.name, CHECKS[entry.name]);
      const base = entry.name.replace('@', '').replace('/', '-');
      writeFileSync(join(project, `check-${base}.mjs`), esm);
      writeFileSync(join(project, `check-${base}.cjs`), cjs);
      const problems = [...entry.problems];
      for (const kind of ['mjs', 'cjs']) {
        const result = await runNode(join(project, `check-${base}.${kind}`), project);
        if (!result.ok) problems.push(`${kind === 'mjs' ? 'import (ESM)' : 'require (CJS)'}: ${errorSummary(result.output)}`);
      }
      results.set(entry.name, problems.length ? { status: 'fail', detail: problems.join('\n') } : { status: 'pass', detail: 'import + require' });
    }
  };
  await Promise.all([worker(), worker()]);

  let passed = 0;
  let failed = 0;
  for (const entry of entries) {
    const { status, detail } = results.get(entry.name);
    if (status === 'pass') passed++;
    if (status === 'fail') failed++;
    const text = detail.replace(/\n/g, '\n        ');
    console.log(`${status.toUpperCase().padEnd(5)} ${entry.name}: ${text}`);
  }
  if (process.env.G2RL_PACK_KEEP) console.log(`pack-test: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`pack-test: took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`pack-test: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  console.log('pack-test: 0 passed, 1 failed');
  process.exitCode = 1;
});
