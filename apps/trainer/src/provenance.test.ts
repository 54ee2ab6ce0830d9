import { describe, expect, it } from 'vitest';
import type { Sample } from '@g2rl/datasets';
import { labelChecksum, packageVersions } from './provenance.js';

const sample = (id: string, intensities: number[]): Sample => ({
  id, subject: id.split('/')[0], frame: Number(id.split('/')[1]), image: `${id}.png`,
  landmarks: new Float32Array(0), scheme: 'disfa66', aus: [1, 2], intensities: Float32Array.from(intensities),
});

describe('labelChecksum', () => {
  it('is the SHA-256 of "id<TAB>au:value,…" lines sorted by id (missing = empty), as Python hashlib computes it', () => {
    // /usr/bin/python3: hashlib.sha256('\n'.join(sorted(['SN001/1\t1:2,2:', 'SN001/2\t1:0.5,2:3'])).encode()).hexdigest()
    const samples = [sample('SN001/2', [0.5, 3]), sample('SN001/1', [2, Number.NaN])];
    expect(labelChecksum(samples)).toBe('sha256:455bae89001f554038a84aa4261727cbdbec8139f37ba18527682d1d32eea400');
  });

  it('changes with any label and not with the order of samples', () => {
    const a = [sample('SN001/1', [2, 1]), sample('SN001/2', [0, 3])];
    expect(labelChecksum([...a].reverse())).toBe(labelChecksum(a));
    expect(labelChecksum([sample('SN001/1', [2, 1]), sample('SN001/2', [0, 4])])).not.toBe(labelChecksum(a));
  });
});

describe('packageVersions', () => {
  it('names the trainer, every package a result depends on, and Node', () => {
    const versions = packageVersions();
    for (const name of ['@g2rl/trainer', '@g2rl/datasets', '@g2rl/metrics', '@g2rl/models', '@tensorflow/tfjs']) expect(versions[name]).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions.node).toBe(process.versions.node);
  });
});
