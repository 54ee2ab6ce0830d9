// Video speed and memory (`pnpm bench video` at the root, or `node bench/video.bench.mjs`):
// a 640×480, 25 fps, 10 s clip with one face (a slow zoom over Grace Hopper's photo, made
// by ffmpeg), on native and on wasm: end to end with tracking (the default --detect-every),
// the detector on every frame, and the model alone (its batched crops: the limit); each in
// its own process, with its peak RSS and where the time goes. `--memory` adds the RSS of a
// 1-minute against a 10-minute clip through the whole CLI (`--memory-only`: just that) (every 25th frame analysed, all decoded).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const HOPPER = join(here, '..', 'test', 'fixtures', 'grace-hopper.jpg');
const dir = join(tmpdir(), 'g2rl-video-bench');
mkdirSync(dir, { recursive: true });

function clip(seconds) {
  const path = join(dir, `hopper-${seconds}s.mp4`);
  if (!existsSync(path)) {
    const frames = seconds * 25;
    // the zoom repeats every 10 s, so a long clip keeps a face in view
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', HOPPER, '-vf',
      `scale=1200:-2,zoompan=z='1+0.5*mod(on\\,250)/250':d=${frames}:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=640x480:fps=25`,
      '-frames:v', String(frames), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', path]);
  }
  return path;
}

async function child(mode, backend, file, every) {
  const { createNodePipeline, VideoAnalysis, decodeVideoFrames, locateFfmpeg } = await import('../dist/node.js');
  const { pipeline, backend: active } = await createNodePipeline({ backend });
  const timers = { detect: 0, landmarks: 0, model: 0 };
  const wrap = (name, key) => { const f = pipeline[name].bind(pipeline); pipeline[name] = async (...a) => { const t = performance.now(); try { return await f(...a); } finally { timers[key] += performance.now() - t; } }; };
  wrap('detectBoxes', 'detect'); wrap('checkFaces', 'landmarks'); wrap('analyze', 'model');
  let frames = 0;
  const started = performance.now();
  if (mode === 'model') {
    const tf = await import('@tensorflow/tfjs');
    const S = pipeline.codec.inputSize;
    const input = tf.randomUniform([8, S, S, 3]);
    for (; frames < 256; frames += 8) { const y = pipeline.model.predict(input); await y.data(); y.dispose(); }
    input.dispose();
  } else {
    const tools = locateFfmpeg();
    const analysis = new VideoAnalysis(pipeline, { detectEvery: mode === 'every-frame' ? 1 : Number(process.env.DETECT_EVERY ?? 10), maxFaces: 10, minQuality: 0.1 });
    // the detector on every frame is slow: its rate is measured on the first 2 s (50 frames)
    const end = mode === 'every-frame' ? 2 : undefined;
    for await (const _ of analysis.run(decodeVideoFrames(file, tools, { every, end }))) frames++;
  }
  const seconds = (performance.now() - started) / 1000;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mode, backend: active, frames, fps: frames / seconds, seconds, rssMb, profileMs: Object.fromEntries(Object.entries(timers).map(([k, v]) => [k, v / Math.max(1, frames)])) }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6] ?? 1));
} else {
  const load = () => (spawnSync('uptime', { encoding: 'utf8' }).stdout.match(/load average: ([\d.]+)/)?.[1] ?? '?');
  const short = clip(10);
  const runs = [];
  const repeat = Number(process.env.REPEAT ?? 1);
  for (const backend of process.argv.includes('--memory-only') ? [] : ['native', 'wasm']) {
    for (const mode of ['tracking', 'every-frame', 'model']) {
      for (let r = 0; r < repeat; r++) {
        const before = load();
        const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, backend, short], { encoding: 'utf8', env: { ...process.env, G2RL_TFJS_WARNINGS: '' } });
        const line = out.stdout.trim().split('\n').pop();
        try { runs.push({ ...JSON.parse(line), load: before }); } catch { console.log(`${backend} ${mode}: failed\n${out.stderr}`); }
        const last = runs.at(-1);
        if (last) console.log(`${backend.padEnd(6)} ${mode.padEnd(11)} ${last.fps.toFixed(1).padStart(6)} frames/s  (${last.frames} frames in ${last.seconds.toFixed(1)} s, peak RSS ${last.rssMb.toFixed(0)} MB, load ${before}; ms/frame: detect ${last.profileMs.detect.toFixed(1)}, landmarks+check ${last.profileMs.landmarks.toFixed(1)}, model ${last.profileMs.model.toFixed(1)})`);
      }
    }
  }
  if (process.argv.includes('--memory') || process.argv.includes('--memory-only')) {
    // the whole CLI (decode, tracking, model, partial file, calibration pass), peak RSS from /usr/bin/time
    const cli = join(here, '..', 'dist', 'cli.js');
    for (const seconds of [60, 600]) {
      const file = clip(seconds);
      const out = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, cli, file, '--every', '25', '--backend', 'wasm', '-q', '--out', join(dir, `memory-${seconds}.csv`)], { encoding: 'utf8' });
      const [kb, wall] = out.stderr.trim().split('\n').pop().split(' ').map(Number);
      console.log(`memory: g2rl-analyze on a ${seconds / 60}-minute clip (${seconds * 25} frames decoded, every 25th analysed): peak RSS ${(kb / 1024).toFixed(0)} MB in ${wall.toFixed(0)} s`);
    }
  }
}
