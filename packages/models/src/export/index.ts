export { fileSystemIO, MODEL_JSON, WEIGHTS_BIN } from './fileSystemIO';
export { type ModelCard, type LandmarkScheme, checkModelCard } from './modelCard';
export {
  exportInferenceModel,
  loadInferenceModel,
  inferenceModelOf,
  type ModelCardInput,
  MODEL_CARD_JSON,
  MODELS_VERSION,
} from './exportInferenceModel';
export { writeFileAtomic } from './atomicWrite';
