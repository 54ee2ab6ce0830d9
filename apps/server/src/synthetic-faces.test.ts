// Does the serving path (face-api detection + 68 landmarks) work on the synthetic faces the
// demo model is trained on? Real detection on seeded renders from @g2rl/datasets, with the
// landmark error against the renderer's ground truth, normalised by the inter-ocular
// distance (the usual NME).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderFace, sampleFaceParams, syntheticRng } from '@g2rl/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageResult } from './analysis-types.js';
import { createServer, type G2rlServer } from './server.js';
import { SPEC, writeFixedModel } from './test-support.js';

function eyeCentre(points: ArrayLike<number>, from: number, to: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let n = from; n <= to; n++) {
    x += points[2 * n]!;
    y += points[2 * n + 1]!;
  }
  return [x / (to - from + 1), y / (to - from + 1)];
}

describe('face detection on synthetic faces', () => {
  let server: G2rlServer;
  let base: string;
  let modelDir: string;
  beforeAll(async () => {
    modelDir = mkdtempSync(join(tmpdir(), 'g2rl-synthetic-'));
    await writeFixedModel(modelDir, SPEC);
    server = await createServer({ modelDir, port: 0 });
    base = await server.listen();
    await server.pool.ready;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('finds each rendered face, with landmarks within 0.2 inter-ocular distances on average', async () => {
    const rng = syntheticRng(11);
    const errors: number[] = [];
    for (let i = 0; i < 4; i++) {
      const intensities = Array.from({ length: 12 }, () => (rng.uniform(0, 1) < 0.4 ? rng.uniform(0, 5) : 0));
      const rendered = await renderFace(sampleFaceParams(rng, { size: 256, intensities }), 'png');
      const response = await fetch(`${base}/v1/analyze`, { method: 'POST', body: rendered.png as never, headers: { 'content-type': 'image/png' } });
      expect(response.status).toBe(200);
      const result = (await response.json()) as ImageResult;
      expect(result.faces.length).toBe(1);
      const found = result.faces[0]!.landmarks!.flat();
      const truth = rendered.landmarks;
      const [ax, ay] = eyeCentre(truth, 36, 41);
      const [bx, by] = eyeCentre(truth, 42, 47);
      const interOcular = Math.hypot(ax - bx, ay - by);
      let sum = 0;
      for (let n = 0; n < 68; n++) sum += Math.hypot(found[2 * n]! - truth[2 * n]!, found[2 * n + 1]! - truth[2 * n + 1]!);
      errors.push(sum / 68 / interOcular);
    }
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    console.log(`synthetic faces: face-api landmark NME (inter-ocular) per face ${errors.map((e) => e.toFixed(3)).join(', ')}; mean ${mean.toFixed(3)}`);
    expect(mean).toBeLessThan(0.2);
  });
});
