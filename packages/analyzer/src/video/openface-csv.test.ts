import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseVideoCsvLine, videoCsvHeader, videoCsvLine, videoJsonLine, type VideoRow } from './openface-csv.js';

const face: VideoRow = { frame: 3, faceId: 1, timestamp: 0.08, confidence: 0.8123, success: 1, landmarks: Float32Array.from({ length: 136 }, (_, i) => i + 0.25), aus: Float32Array.from({ length: 12 }, (_, a) => a / 4) };

describe('OpenFace-style video rows', () => {
  it("has OpenFace 2's names and order (two-digit AUs)", () => {
    const h = videoCsvHeader([1, 2, 4, 12, 25], 68);
    expect(h.slice(0, 6)).toEqual(['frame', 'face_id', 'timestamp', 'confidence', 'success', 'x_0']);
    expect(h[5 + 67]).toBe('x_67');
    expect(h[5 + 68]).toBe('y_0');
    expect(h.slice(-5)).toEqual(['AU01_r', 'AU02_r', 'AU04_r', 'AU12_r', 'AU25_r']);
  });

  it('writes and reads back a face row and a no-face row', () => {
    const line = videoCsvLine(face, 68, 12);
    expect(line.split(',').slice(0, 5)).toEqual(['3', '1', '0.08', '0.812', '1']);
    expect(line.split(',')[5 + 68]).toBe((1.25).toFixed(1)); // y_0 = landmark 0's y
    const back = parseVideoCsvLine(line, 68, 12, 'x.csv:2');
    expect(back.aus![3]).toBeCloseTo(0.75, 5);
    expect(back.landmarks![1]).toBeCloseTo(1.3, 5);
    const none = videoCsvLine({ frame: 4, faceId: 0, timestamp: 0.12, confidence: 0, success: 0, landmarks: null, aus: null }, 68, 12);
    expect(none.split(',')).toHaveLength(5 + 136 + 12);
    expect(parseVideoCsvLine(none, 68, 12, 'x')).toMatchObject({ success: 0, aus: null, landmarks: null });
    expect(() => parseVideoCsvLine('1,2,3', 68, 12, 'x.csv:9')).toThrow(/x\.csv:9: 3 fields, expected 153/);
    expect(() => parseVideoCsvLine(line.replace(/^3,/, 'three,'), 68, 12, 'x.csv:9')).toThrow(/field 1 is "three"/);
  });

  it('timestamps: exact to the microsecond, no trailing zeros', () => {
    expect(formatTimestamp(0.04)).toBe('0.04');
    expect(formatTimestamp(1001 / 30000)).toBe('0.033367');
    expect(formatTimestamp(12)).toBe('12');
  });

  it('JSON lines carry the same fields', () => {
    const json = JSON.parse(videoJsonLine(face, [1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26]));
    expect(json).toMatchObject({ frame: 3, face_id: 1, timestamp: 0.08, confidence: 0.812, success: 1 });
    expect(json.landmarks).toHaveLength(68);
    expect(json.aus.AU26_r).toBe(2.75);
  });
});
