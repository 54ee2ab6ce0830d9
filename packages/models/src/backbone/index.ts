export {
  type BackboneConfig,
  type BackbonePreset,
  type StageConfig,
  BACKBONE_PRESETS,
  SMALL_BACKBONE,
  PAPER_BACKBONE,
  encoderStride,
  backboneSizes,
  HEATMAP_STRIDE,
  resolveBackboneConfig,
} from './config.js';
export { createBackbone, type BackboneOptions, FEATURES_OUTPUT, HEATMAPS_OUTPUT } from './create-backbone.js';
export { modelCost, type ModelCost, type LayerCost } from './model-cost.js';
export { BatchNormRelu, type BatchNormReluArgs, FUSED_BATCH_NORM_KERNEL, FUSED_BATCH_NORM_GRAD_KERNEL } from './batch-norm-relu.js';
