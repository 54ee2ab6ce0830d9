import { describe, expect, it } from 'vitest';
import { sampleFaceParams, sampleScene } from './face-params.js';
import { HAIR_STYLES, sampleIdentity } from './identity.js';
import { syntheticRng } from './rng.js';

describe('sampleFaceParams', () => {
  it('draws poses within the documented ranges and varies them', () => {
    const rng = syntheticRng(2);
    const rotations: number[] = [];
    for (let k = 0; k < 400; k++) {
      const p = sampleFaceParams(rng, { size: 160 });
      expect(Math.abs(p.pose.rotation)).toBeLessThanOrEqual(15);
      expect(p.pose.scale).toBeGreaterThanOrEqual(160 * 0.58 * 0.9 - 1e-9);
      expect(p.pose.scale).toBeLessThanOrEqual(160 * 0.58 * 1.08 + 1e-9);
      expect(Math.abs(p.pose.centerX - 80)).toBeLessThanOrEqual(8 + 1e-9);
      expect(p.noise.sigma).toBeGreaterThanOrEqual(1);
      expect(p.noise.sigma).toBeLessThanOrEqual(6);
      expect(p.blur === 0 || (p.blur >= 0.4 && p.blur <= 1)).toBe(true);
      rotations.push(p.pose.rotation);
    }
    expect(Math.max(...rotations) - Math.min(...rotations)).toBeGreaterThan(15);
  });

  it('keeps a given identity and scene and varies only the frame', () => {
    const rng = syntheticRng(3);
    const identity = sampleIdentity(rng);
    const scene = sampleScene(rng);
    const a = sampleFaceParams(rng, { identity, scene });
    const b = sampleFaceParams(rng, { identity, scene });
    expect(a.identity).toBe(identity);
    expect(a.scene.background).toEqual(scene.background);
    expect(a.pose).not.toEqual(b.pose);
  });

  it('varies identities: every hair style, a wide range of skin tones and proportions', () => {
    const rng = syntheticRng(4);
    const ids = Array.from({ length: 200 }, () => sampleIdentity(rng));
    expect(new Set(ids.map((i) => i.hairStyle))).toEqual(new Set(HAIR_STYLES));
    const lum = ids.map((i) => i.skin[0] + i.skin[1] + i.skin[2]);
    expect(Math.max(...lum) - Math.min(...lum)).toBeGreaterThan(400);
    const widths = ids.map((i) => i.faceWidth);
    expect(Math.max(...widths) - Math.min(...widths)).toBeGreaterThan(0.2);
  });

  it('rejects a bad size or intensity list', () => {
    expect(() => sampleFaceParams(syntheticRng(1), { size: 20 })).toThrow(/size must be an integer in \[48, 2048\] px, got 20/);
    expect(() => sampleFaceParams(syntheticRng(1), { intensities: [1, 2, 3] })).toThrow(/12 values/);
  });
});
