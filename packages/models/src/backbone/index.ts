export {
  type BackboneConfig,
  type BackbonePreset,
  type StageConfig,
  BACKBONE_PRESETS,
  SMALL_BACKBONE,
  PAPER_BACKBONE,
  encoderStride,
  resolveBackboneConfig,
} from './config';
export { createBackbone, type BackboneOptions, FEATURES_OUTPUT, HEATMAPS_OUTPUT } from './createBackbone';
export { modelCost, type ModelCost, type LayerCost } from './modelCost';
