import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_QUALITY } from '../quality.js';
import { DEFAULT_DETECT_EVERY } from '../video/video-analysis.js';
import { LIVE_SHIFT_CHECK_EVERY, parseLiveConfig } from './live-config.js';

describe('parseLiveConfig', () => {
  it('defaults: the model and weights beside the page, auto backend, BlazeFace, the video default tracking', () => {
    expect(parseLiveConfig('')).toEqual({
      model: 'model', faceApi: 'face-api', wasm: './', backend: 'auto', detector: 'blazeface', detectEvery: DEFAULT_DETECT_EVERY, shiftCheckEvery: LIVE_SHIFT_CHECK_EVERY,
      minQuality: DEFAULT_MIN_QUALITY, maxFaces: 4, plotSeconds: 10, plotAus: null, keepFrames: 0,
    });
  });

  it('reads every parameter', () => {
    const c = parseLiveConfig('?model=/m&faceApi=/f&wasm=/w/&backend=wasm&detector=ssd&detectEvery=5&shiftCheckEvery=2&minQuality=0.2&maxFaces=2&plotSeconds=4&plotAus=6,12&keepFrames=30');
    expect(c).toEqual({ model: '/m', faceApi: '/f', wasm: '/w/', backend: 'wasm', detector: 'ssd', detectEvery: 5, shiftCheckEvery: 2, minQuality: 0.2, maxFaces: 2, plotSeconds: 4, plotAus: [6, 12], keepFrames: 30 });
  });

  it('names the parameter that is wrong', () => {
    expect(() => parseLiveConfig('?backend=gpu')).toThrow(/\?backend=gpu: expected one of auto, webgl, wasm, cpu/);
    expect(() => parseLiveConfig('?detectEvery=0')).toThrow(/\?detectEvery=0: expected an integer ≥ 1/);
    expect(() => parseLiveConfig('?minQuality=2')).toThrow(/minQuality/);
    expect(() => parseLiveConfig('?plotAus=6,x')).toThrow(/plotAus/);
    expect(() => parseLiveConfig('?keepFrames=-1')).toThrow(/keepFrames/);
  });
});
