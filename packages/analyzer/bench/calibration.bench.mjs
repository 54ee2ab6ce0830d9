// Does per-person calibration help? Synthetic sequences (the shipped model's own domain)
// whose identities have a resting-face bias (@g2rl/datasets withRestingFaceBias: rendered =
// true + bias, labels = true), analysed with the true landmarks (so only calibration varies).
// Settings (mode × percentile × smoothing) are chosen on the tuning identities and reported
// on held-out identities: mean ICC(3,1) over AUs and MAE, each pooled over all frames.
// `node bench/calibration.bench.mjs [identities=16] [frames=120]`; also as `pnpm bench calibration` at the root.
import { SYNTHETIC_AUS, renderFace, sampleFaceParams, sampleIdentity, sampleIntensitySequence, sampleRestingFaceBias, sampleScene, syntheticRng, withRestingFaceBias } from '@g2rl/datasets';
import { icc, mae } from '@g2rl/metrics';

import { calibrateSeries, createAnalyzer, smoothSeries } from '../dist/node.js';

const identities = Number(process.argv[2] ?? 16);
const frames = Number(process.argv[3] ?? 120);
const A = SYNTHETIC_AUS.length;
const analyzer = await createAnalyzer({ detector: false });
if (JSON.stringify(analyzer.card.aus) !== JSON.stringify(SYNTHETIC_AUS)) throw new Error('the model AUs are not the synthetic AUs');
const people = [];
const started = Date.now();
for (let s = 0; s < identities; s++) {
  const rng = syntheticRng(9000 + s);
  const identity = sampleIdentity(rng);
  const scene = sampleScene(rng);
  const sequence = sampleIntensitySequence(rng, frames);
  const bias = sampleRestingFaceBias(rng, { maxLevel: 1.5 });
  const truth = new Float32Array(frames * A);
  const predicted = new Float32Array(frames * A);
  for (let f = 0; f < frames; f += 8) {
    const batch = [];
    for (let g = f; g < Math.min(frames, f + 8); g++) {
      const labels = sequence.labels.subarray(g * A, g * A + A);
      truth.set(labels, g * A);
      const params = sampleFaceParams(rng, { size: 160, identity, scene, intensities: withRestingFaceBias(sequence.continuous.subarray(g * A, g * A + A), bias) });
      const rendered = await renderFace(params, 'png');
      batch.push({ image: rendered.png, landmarks: rendered.landmarks });
    }
    const results = await analyzer.analyzeBatch(batch.map((b) => b.image), batch.map((b) => ({ landmarks: b.landmarks })));
    results.forEach((r, i) => { if (r instanceof Error) throw r; predicted.set(r.faces[0].aus.map((a) => a.intensity), (f + i) * A); });
  }
  people.push({ truth, predicted, bias });
}
console.log(`${identities} identities × ${frames} frames rendered and analysed in ${((Date.now() - started) / 1000).toFixed(0)} s (backend ${analyzer.backend}); mean |bias| ${(people.reduce((s, p) => s + p.bias.reduce((t, v) => t + v, 0), 0) / (identities * A)).toFixed(2)} levels`);

function score(group, mode, p, smooth) {
  const pred = [];
  const truth = [];
  for (const person of group) {
    const adjusted = smoothSeries(calibrateSeries(person.predicted, A, mode, p), A, smooth);
    for (let t = 0; t < frames; t++) { pred.push(Array.from(adjusted.subarray(t * A, t * A + A))); truth.push(Array.from(person.truth.subarray(t * A, t * A + A))); }
  }
  let iccSum = 0, maeSum = 0;
  for (let a = 0; a < A; a++) {
    const x = pred.map((r) => r[a]);
    const y = truth.map((r) => r[a]);
    const value = icc(x.map((v, i) => [v, y[i]]), 'ICC(3,1)');
    iccSum += Number.isFinite(value) ? value : 0;
    maeSum += mae(x, y);
  }
  return { icc: iccSum / A, mae: maeSum / A };
}

const half = Math.floor(identities / 2);
const tuning = people.slice(0, half);
const heldOut = people.slice(half);
const candidates = [];
for (const mode of ['none', 'video', 'online']) for (const p of mode === 'none' ? [0] : [5, 10, 20]) for (const smooth of [1, 3, 5]) candidates.push({ mode, p, smooth });
const rows = candidates.map((c) => ({ ...c, tune: score(tuning, c.mode, c.p, c.smooth), held: score(heldOut, c.mode, c.p, c.smooth) }));
const best = [...rows].sort((a, b) => b.tune.icc - a.tune.icc)[0];
console.log('| calibrate | percentile | smooth | tuning ICC | tuning MAE | held-out ICC | held-out MAE |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.mode} | ${r.mode === 'none' ? '—' : r.p} | ${r.smooth} | ${r.tune.icc.toFixed(3)} | ${r.tune.mae.toFixed(3)} | ${r.held.icc.toFixed(3)} | ${r.held.mae.toFixed(3)} |`);
console.log(`best on the tuning identities: --calibrate ${best.mode} (percentile ${best.p}) --smooth ${best.smooth}: held-out ICC ${best.held.icc.toFixed(3)}, MAE ${best.held.mae.toFixed(3)}`);
analyzer.dispose();
