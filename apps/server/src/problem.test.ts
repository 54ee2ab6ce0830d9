import { describe, expect, it } from 'vitest';
import { PROBLEM_KINDS, PROBLEM_TYPE_BASE, ProblemError, isProblemBody, kindOf, problemBody } from './problem.js';
import { describeStart, sniffImageFormat } from './sniff.js';

describe('problem details', () => {
  it('builds RFC 9457 bodies whose type names the kind', () => {
    const body = problemBody('no-face', 'nothing found', '/v1/analyze');
    expect(body).toEqual({ type: `${PROBLEM_TYPE_BASE}no-face`, title: PROBLEM_KINDS['no-face'].title, status: 422, detail: 'nothing found', instance: '/v1/analyze' });
    expect(isProblemBody(body)).toBe(true);
    expect(kindOf(body)).toBe('no-face');
    expect(kindOf({ ...body, type: 'about:blank' })).toBe('internal');
  });

  it('carries status and headers on the thrown error', () => {
    const error = new ProblemError('queue-full', 'busy', { 'Retry-After': '1' });
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({ 'Retry-After': '1' });
    expect(error.toBody().detail).toBe('busy');
  });

  it('uses a 4xx status for every input problem and 5xx only for server states', () => {
    for (const [kind, { status }] of Object.entries(PROBLEM_KINDS)) {
      const serverSide = ['queue-full', 'not-ready', 'shutting-down', 'timeout', 'internal'].includes(kind);
      expect(serverSide ? status >= 500 : status >= 400 && status < 500).toBe(true);
    }
  });
});

describe('sniffImageFormat', () => {
  it('knows JPEG, PNG and WebP by their signatures only', () => {
    expect(sniffImageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('jpeg');
    expect(sniffImageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffImageFormat(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffImageFormat(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageFormat(Uint8Array.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array(0))).toBeUndefined();
  });

  it('describes the first bytes for error messages', () => {
    expect(describeStart(Buffer.from('<html>'))).toBe('starts with bytes 3c 68 74 6d 6c 3e');
    expect(describeStart(new Uint8Array(0))).toBe('is empty');
  });
});
