/**
 * Backbone configurations: an encoder of residual stages and a decoder that brings the
 * features back to stride 4, so that `H = S / 4` (docs/method.md §2).
 */

/** One encoder stage: `blocks` residual blocks, the first with stride `stride`. */
export interface StageConfig {
  /** Block width. A bottleneck block outputs `4 × filters` channels, a basic block `filters`. */
  filters: number;
  blocks: number;
  stride: 1 | 2;
}

/** Everything that defines a backbone; the presets below are instances. */
export interface BackboneConfig {
  /** preset name written into model cards ('small', 'paper', or your own) */
  name: string;
  /** S: the input is B×S×S×3, RGB in [0, 1] */
  inputSize: number;
  /** first convolution (+ BN + ReLU), then an optional 3×3/2 max pool */
  stem: { filters: number; kernelSize: number; stride: 1 | 2; maxPool: boolean };
  /** 'basic': two 3×3 convs; 'bottleneck': 1×1 → 3×3 → 1×1 (×4), as in ResNet-50 */
  block: 'basic' | 'bottleneck';
  stages: StageConfig[];
  /**
   * Decoder: one entry of `filters` per ×2 upsampling step, as many steps as it takes to go
   * from the encoder's output stride back to stride 4.
   * 'nearest': UpSampling2D ×2 → Conv3×3 → BN → ReLU; 'deconv': Conv2DTranspose 4×4/2 → BN → ReLU.
   * `skips`: add the encoder feature map of the same resolution after each step (a 1×1 conv
   * projects it first when the widths differ).
   */
  decoder: { upsampling: 'nearest' | 'deconv'; filters: number[]; skips: boolean };
}

/**
 * `small`: the CPU default (~1M parameters): 128×128 input, 32×32 heatmaps, basic residual
 * encoder (48, 96, 192) and a nearest-upsampling decoder with skips (96, 64).
 */
export const SMALL_BACKBONE: BackboneConfig = {
  name: 'small',
  inputSize: 128,
  stem: { filters: 32, kernelSize: 3, stride: 2, maxPool: false },
  block: 'basic',
  stages: [
    { filters: 48, blocks: 1, stride: 2 },
    { filters: 96, blocks: 1, stride: 2 },
    { filters: 192, blocks: 1, stride: 2 },
  ],
  decoder: { upsampling: 'nearest', filters: [96, 64], skips: true },
};

/**
 * `paper`: ResNet-50-style bottleneck encoder (3, 4, 6, 3 blocks) on 256×256 input and the
 * "simple baselines" decoder (three 4×4/2 deconvolutions of 256) giving 64×64 heatmaps.
 */
export const PAPER_BACKBONE: BackboneConfig = {
  name: 'paper',
  inputSize: 256,
  stem: { filters: 64, kernelSize: 7, stride: 2, maxPool: true },
  block: 'bottleneck',
  stages: [
    { filters: 64, blocks: 3, stride: 1 },
    { filters: 128, blocks: 4, stride: 2 },
    { filters: 256, blocks: 6, stride: 2 },
    { filters: 512, blocks: 3, stride: 2 },
  ],
  decoder: { upsampling: 'deconv', filters: [256, 256, 256], skips: false },
};

export const BACKBONE_PRESETS = { small: SMALL_BACKBONE, paper: PAPER_BACKBONE } as const;
export type BackbonePreset = keyof typeof BACKBONE_PRESETS;

/** The decoder always ends at stride 4: heatmaps are `H = S / 4` (docs/method.md §2). */
export const HEATMAP_STRIDE = 4;

/** The input size S and heatmap size H (= S / 4) of a preset or config. */
export function backboneSizes(preset: BackbonePreset | BackboneConfig): { inputSize: number; heatmapSize: number } {
  const config = resolveBackboneConfig(preset);
  return { inputSize: config.inputSize, heatmapSize: config.inputSize / HEATMAP_STRIDE };
}

/** Encoder output stride of a config: stem stride × max-pool × every stage stride. */
export function encoderStride(config: BackboneConfig): number {
  let stride = config.stem.stride * (config.stem.maxPool ? 2 : 1);
  for (const stage of config.stages) stride *= stage.stride;
  return stride;
}

/**
 * Returns the config for a preset name, or checks a custom config and returns it.
 * Throws naming the field that is wrong.
 */
export function resolveBackboneConfig(preset: BackbonePreset | BackboneConfig): BackboneConfig {
  if (typeof preset === 'string') {
    const config = BACKBONE_PRESETS[preset as BackbonePreset];
    if (!config) {
      throw new Error(
        `createBackbone(preset): unknown preset "${preset}"; expected one of ` +
          `${Object.keys(BACKBONE_PRESETS).map((p) => `'${p}'`).join(', ')} or a BackboneConfig`,
      );
    }
    return config;
  }
  const config = preset;
  const positiveInt = (value: unknown, field: string) => {
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new Error(`BackboneConfig.${field}: expected a positive integer, got ${String(value)}`);
    }
  };
  positiveInt(config.inputSize, 'inputSize');
  positiveInt(config.stem?.filters, 'stem.filters');
  positiveInt(config.stem?.kernelSize, 'stem.kernelSize');
  if (config.block !== 'basic' && config.block !== 'bottleneck') {
    throw new Error(`BackboneConfig.block: expected 'basic' or 'bottleneck', got ${String(config.block)}`);
  }
  if (!Array.isArray(config.stages) || config.stages.length === 0) {
    throw new Error('BackboneConfig.stages: expected at least one stage');
  }
  config.stages.forEach((stage, i) => {
    positiveInt(stage.filters, `stages[${i}].filters`);
    positiveInt(stage.blocks, `stages[${i}].blocks`);
    if (stage.stride !== 1 && stage.stride !== 2) {
      throw new Error(`BackboneConfig.stages[${i}].stride: expected 1 or 2, got ${String(stage.stride)}`);
    }
  });
  const stride = encoderStride(config);
  const steps = Math.log2(stride / 4);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new Error(`BackboneConfig: the encoder stride is ${stride}; it must be 4 × a power of 2`);
  }
  if (!config.decoder || config.decoder.filters.length !== steps) {
    throw new Error(
      `BackboneConfig.decoder.filters: the encoder stride is ${stride}, so the decoder needs ` +
        `${steps} ×2 steps to reach stride 4; got ${config.decoder?.filters.length ?? 'none'}`,
    );
  }
  config.decoder.filters.forEach((f, i) => positiveInt(f, `decoder.filters[${i}]`));
  if (config.inputSize % stride !== 0) {
    throw new Error(`BackboneConfig.inputSize: ${config.inputSize} is not a multiple of the encoder stride ${stride}`);
  }
  return config;
}
