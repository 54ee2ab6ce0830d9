import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackboneConfig, encoderStride, resolveBackboneConfig } from './config.js';
import { createBackbone } from './create-backbone.js';
import { modelCost } from './model-cost.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const outputShape = (model: tf.LayersModel, layer: string) => model.getLayer(layer).output as tf.SymbolicTensor;

describe("createBackbone('small')", () => {
  const model = createBackbone('small', { keypoints: 24, seed: 1 });

  it('follows the small spec: 128² input, stride-4 features M (64 ch) and K heatmaps', () => {
    expect(model.inputs[0].shape).toEqual([null, 128, 128, 3]);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 32, 32, 64],
      [null, 32, 32, 24],
    ]);
    expect(outputShape(model, 'stem_relu').shape).toEqual([null, 64, 64, 32]);
    expect(outputShape(model, 'enc1_block1_out').shape).toEqual([null, 32, 32, 48]);
    expect(outputShape(model, 'enc2_block1_out').shape).toEqual([null, 16, 16, 96]);
    expect(outputShape(model, 'enc3_block1_out').shape).toEqual([null, 8, 8, 192]);
    expect(outputShape(model, 'dec2_add').shape).toEqual([null, 16, 16, 96]);
    // enc1 (48 ch) is projected to 64 by a 1×1 conv before the last Add
    expect(outputShape(model, 'dec1_skip_conv').shape).toEqual([null, 32, 32, 64]);
  });

  it('has about 1M parameters', () => {
    expect(model.countParams()).toBeGreaterThan(0.8e6);
    expect(model.countParams()).toBeLessThan(1.2e6);
  });

  it('runs: B×128×128×3 → [B×32×32×64, B×32×32×24], without leaking', () => {
    const x = tf.zeros([1, 128, 128, 3]);
    const before = tf.memory().numTensors;
    const outputs = model.predict(x) as tf.Tensor[];
    expect(outputs.map((o) => o.shape)).toEqual([
      [1, 32, 32, 64],
      [1, 32, 32, 24],
    ]);
    tf.dispose(outputs);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is seeded', () => {
    const again = createBackbone('small', { keypoints: 24, seed: 1 });
    const other = createBackbone('small', { keypoints: 24, seed: 2 });
    const kernel = (m: tf.LayersModel) => Array.from(m.getLayer('stem_conv').getWeights()[0].dataSync());
    expect(kernel(again)).toEqual(kernel(model));
    expect(kernel(other)).not.toEqual(kernel(model));
  });
});

describe("createBackbone('paper')", () => {
  it('is a ResNet-50-style encoder (16 bottlenecks, 2048 ch at stride 32) with a deconv decoder to 64²', () => {
    const model = createBackbone('paper', { keypoints: 24 });
    expect(model.inputs[0].shape).toEqual([null, 256, 256, 3]);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 64, 64, 256],
      [null, 64, 64, 24],
    ]);
    expect(outputShape(model, 'enc4_block3_out').shape).toEqual([null, 8, 8, 2048]);
    expect(model.layers.filter((l) => l.name.endsWith('_out'))).toHaveLength(3 + 4 + 6 + 3);
    // ResNet-50 without its classifier has 23.5M parameters; + 3 deconvs of 256 ≈ 34M
    expect(model.countParams()).toBeGreaterThan(33e6);
    expect(model.countParams()).toBeLessThan(35e6);
    model.dispose();
  });
});

describe('modelCost', () => {
  it('counts parameters and FLOPs of a hand-worked tiny backbone', () => {
    const tiny: BackboneConfig = {
      name: 'mini',
      inputSize: 8,
      stem: { filters: 2, kernelSize: 3, stride: 2, maxPool: false },
      block: 'basic',
      stages: [{ filters: 2, blocks: 1, stride: 2 }],
      decoder: { upsampling: 'nearest', filters: [], skips: true },
    };
    const model = createBackbone(tiny, { keypoints: 1 });
    const cost = modelCost(model);
    // stem 4×4×2 out (32 elements); block 2×2×2 out (8 elements); head 2×2×1 (4 elements)
    const convParams = 3 * 3 * 3 * 2 + 3 * 3 * 2 * 2 + 3 * 3 * 2 * 2 + 1 * 1 * 2 * 2;
    const bnParams = 4 * 4 * 2; // 4 batch norms (stem, a, b, shortcut) × (γ, β, mean, variance) × 2 channels
    const headParams = 2 * 1 + 1;
    expect(cost.params).toBe(convParams + bnParams + headParams);
    expect(cost.trainableParams).toBe(convParams + bnParams / 2 + headParams);
    const convFlops = 2 * 32 * 9 * 3 + 2 * 8 * 9 * 2 + 2 * 8 * 9 * 2 + 2 * 8 * 1 * 2;
    const bnFlops = 2 * (32 + 8 + 8 + 8);
    const reluFlops = 32 + 8 + 8; // stem, block a, block out
    const addFlops = 8;
    const headFlops = 2 * 4 * 2 + 4;
    expect(cost.flops).toBe(convFlops + bnFlops + reluFlops + addFlops + headFlops);
    expect(cost.trainingFlops).toBe(3 * cost.flops);
  });

  it('gives the small preset ~0.42 GFLOPs per image', () => {
    const cost = modelCost(createBackbone('small', { keypoints: 24 }));
    expect(cost.flops / 1e9).toBeGreaterThan(0.35);
    expect(cost.flops / 1e9).toBeLessThan(0.5);
  });
});

describe('resolveBackboneConfig', () => {
  it('knows the presets and their strides', () => {
    expect(encoderStride(resolveBackboneConfig('small'))).toBe(16);
    expect(encoderStride(resolveBackboneConfig('paper'))).toBe(32);
  });

  it('names the field that is wrong', () => {
    expect(() => resolveBackboneConfig('large' as never)).toThrow(/unknown preset "large"; expected one of 'small', 'paper'/);
    const bad = { ...resolveBackboneConfig('small'), decoder: { upsampling: 'nearest' as const, filters: [64], skips: true } };
    expect(() => resolveBackboneConfig(bad)).toThrow(/decoder\.filters: the encoder stride is 16, so the decoder needs 2/);
    expect(() => resolveBackboneConfig({ ...bad, inputSize: 0 })).toThrow(/BackboneConfig\.inputSize/);
    expect(() => createBackbone('small', { keypoints: 0 })).toThrow(/createBackbone\(options\.keypoints\)/);
  });
});
