import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jobIdFor } from './job-id.js';

describe('jobIdFor', () => {
  it('ignores key order and is the SHA-256 of the canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(jobIdFor({ b: 1, a: 2 })).toBe(jobIdFor({ a: 2, b: 1 }));
    expect(jobIdFor({ a: 2, b: 1 })).toBe(createHash('sha256').update('{"a":2,"b":1}').digest('hex').slice(0, 32));
    expect(jobIdFor({ a: 1 })).not.toBe(jobIdFor({ a: 2 }));
  });
});
