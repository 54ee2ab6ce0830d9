/**
 * Everything that fixes one rendered image, and how to draw it at random: who (identity),
 * what expression (AU intensities), where (pose), and the scene (background, light, noise).
 */
import { SYNTHETIC_AUS } from './action-units.js';
import { type FaceIdentity, type Rgb, sampleIdentity } from './identity.js';
import type { FacePose } from './pose.js';
import type { SyntheticRng } from './rng.js';

/** Scene of a recording session: kept for a subject, varied a little per frame. */
export interface FaceScene {
  /** Background gradient, top and bottom colours. */
  background: [Rgb, Rgb];
  clothes: Rgb;
  /** Direction the light comes from, degrees (0 = from the image left, 90 = from the top). */
  lightAngle: number;
  /** Light gradient contrast, 0 (flat) … 0.35. */
  lightStrength: number;
}

export interface FaceParams {
  /** Image side S in pixels (the image is S×S). */
  size: number;
  identity: FaceIdentity;
  /** Rendered AU intensities, length A = 12 in `SYNTHETIC_AUS` order, continuous in [0, 5]. */
  intensities: ArrayLike<number>;
  pose: FacePose;
  scene: FaceScene;
  /** Additive Gaussian pixel noise: standard deviation in 0–255 units, and a table offset. */
  noise: { sigma: number; offset: number };
  /** Gaussian blur sigma in pixels; 0 = sharp. */
  blur: number;
}

export interface SampleFaceParamsOptions {
  /** Image side S (px); default 160. */
  size?: number;
  /** Fixed identity (else one is drawn). */
  identity?: FaceIdentity;
  /** Fixed scene (else one is drawn). */
  scene?: FaceScene;
  /** Rendered intensities, length 12 (default all 0 = neutral). */
  intensities?: ArrayLike<number>;
  /** Largest |rotation| in degrees; default 15. */
  maxRotation?: number;
}

const BACKGROUNDS: readonly Rgb[] = [
  [200, 205, 210], [90, 100, 120], [230, 225, 210], [60, 70, 60], [150, 170, 190], [120, 90, 80], [30, 35, 45], [210, 190, 170],
];

/** Draw a session scene (background, clothes, light). */
export function sampleScene(rng: SyntheticRng): FaceScene {
  const top = rng.pick(BACKGROUNDS);
  const jitter = (c: Rgb, f: number): Rgb => c.map((v) => Math.max(0, Math.min(255, Math.round(v * f + rng.uniform(-15, 15))))) as unknown as Rgb;
  return {
    background: [jitter(top, 1), jitter(top, rng.uniform(0.6, 1.1))],
    clothes: [rng.int(20, 230), rng.int(20, 230), rng.int(20, 230)],
    lightAngle: rng.uniform(0, 360),
    lightStrength: rng.uniform(0.05, 0.35),
  };
}

/**
 * Draw the parameters of one image: identity and scene unless given, a random pose
 * (rotation within ±maxRotation, scale −10…+8 %, shift ±5 % of S across, ±4 % down), light jitter, noise σ ∈ [1, 6],
 * and half the time a slight blur (σ ∈ [0.4, 1.0] px).
 */
export function sampleFaceParams(rng: SyntheticRng, options: SampleFaceParamsOptions = {}): FaceParams {
  const size = options.size ?? 160;
  if (!Number.isInteger(size) || size < 48 || size > 2048) {
    throw new Error(`sampleFaceParams: size must be an integer in [48, 2048] px, got ${size}`);
  }
  const maxRotation = options.maxRotation ?? 15;
  const identity = options.identity ?? sampleIdentity(rng);
  const baseScene = options.scene ?? sampleScene(rng);
  const intensities = options.intensities ?? new Array(SYNTHETIC_AUS.length).fill(0);
  if (intensities.length !== SYNTHETIC_AUS.length) {
    throw new Error(`sampleFaceParams: intensities must have ${SYNTHETIC_AUS.length} values (AUs ${SYNTHETIC_AUS.join(',')}), got ${intensities.length}`);
  }
  const rotation = Math.max(-maxRotation, Math.min(maxRotation, rng.normal() * maxRotation * 0.45));
  // The canonical head spans y ∈ [−0.75, 0.8] with the jaw fully dropped: at 0.58·S per
  // unit around y = 0.5·S it fills the image top to bottom and stays inside it.
  const scale = size * 0.58 * rng.uniform(0.9, 1.08);
  const pose: FacePose = {
    rotation,
    scale,
    centerX: size * (0.5 + rng.uniform(-0.05, 0.05)),
    centerY: size * (0.5 + rng.uniform(-0.04, 0.04)),
  };
  const scene: FaceScene = {
    ...baseScene,
    lightAngle: baseScene.lightAngle + rng.uniform(-20, 20),
    lightStrength: Math.max(0, Math.min(0.4, baseScene.lightStrength + rng.uniform(-0.05, 0.05))),
  };
  const noise = { sigma: rng.uniform(1, 6), offset: rng.int(0, 1 << 30) };
  const blur = rng.chance(0.5) ? rng.uniform(0.4, 1.0) : 0;
  return { size, identity, intensities: Float32Array.from(intensities), pose, scene, noise, blur };
}
