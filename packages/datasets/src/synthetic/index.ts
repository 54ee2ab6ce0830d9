// Synthetic FACS faces: the built-in data set of g2rl (see README "Synthetic faces").
export { syntheticRng, type SyntheticRng } from './rng.js';
export { SYNTHETIC_AUS, applyActionUnits, actionUnitField } from './action-units.js';
export { IBUG68_SIZE, MIRROR_IBUG68, canonicalNeutralShape } from './mean-shape.js';
export { type FaceIdentity, type HairStyle, type Rgb, HAIR_STYLES, identityShape, sampleIdentity } from './identity.js';
export { type FacePose, type Affine2d, poseMatrix, transformPoints } from './pose.js';
export { type FaceParams, type FaceScene, type SampleFaceParamsOptions, sampleFaceParams, sampleScene } from './face-params.js';
export { type IntensitySequence, EXPRESSIONS, sampleIntensitySequence } from './intensity-sequence.js';
export { type RestingFaceBiasOptions, sampleRestingFaceBias, withRestingFaceBias } from './resting-face-bias.js';
export { type ImageFormat, type RenderedFace, addPixelNoise, canonicalFaceLandmarks, faceLandmarks, renderFace, renderFaceSvg } from './render-face.js';
export {
  type SynthesizeDatasetOptions,
  type SynthesizedDataset,
  type SyntheticDatasetInfo,
  type SyntheticManifestEntry,
  SYNTHETIC_GENERATOR_VERSION,
  SYNTHETIC_CHECKSUMS,
  SYNTHETIC_INFO,
  SYNTHETIC_MANIFEST,
  readSyntheticManifest,
  synthesizeDataset,
} from './synthesize-dataset.js';
export { type ContactSheetOptions, contactSheet } from './contact-sheet.js';
