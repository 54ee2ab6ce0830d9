export { fileSystemIO, MODEL_JSON, WEIGHTS_BIN } from './file-system-io.js';
export { type ModelCard, type LandmarkScheme, checkModelCard } from './model-card.js';
export {
  exportInferenceModel,
  loadInferenceModel,
  type LoadInferenceModelOptions,
  inferenceModelOf,
  type ModelCardInput,
  MODEL_CARD_JSON,
  MODELS_VERSION,
} from './export-inference-model.js';
export { foldBatchNorms } from './fold-batch-norms.js';
