/**
 * Who a synthetic face is: proportions (applied to the landmarks) and looks (skin, hair,
 * brows, eyes, lips). Fixed for every frame of a subject; the expression and the pose vary.
 */
import { canonicalNeutralShape, IBUG68_SIZE } from './mean-shape.js';
import type { SyntheticRng } from './rng.js';

/** RGB colour, channels 0–255. */
export type Rgb = readonly [number, number, number];

export type HairStyle = 'short' | 'long' | 'curly' | 'bald' | 'sidePart' | 'bun';
export const HAIR_STYLES: readonly HairStyle[] = ['short', 'long', 'curly', 'bald', 'sidePart', 'bun'];

/** Proportions are factors around 1 or offsets around 0, in canonical face units. */
export interface FaceIdentity {
  faceWidth: number; // x-scale of the head, 0.88–1.12
  jawWidth: number; // extra x-scale of the lower jaw (points 3–13), 0.86–1.1
  chinLength: number; // chin drop, −0.035…+0.045
  faceHeight: number; // y-scale of the whole face, 0.93–1.07
  eyeSize: number; // scale of each eye about its centre, 0.95–1.3
  eyeOpenness: number; // extra vertical eye opening, 0.8–1.3
  eyeSpacing: number; // outward shift of each eye, −0.02…+0.025
  browHeight: number; // brow lift above the eyes, −0.02…+0.025
  browArch: number; // lift of the brow middle, 0…0.025
  browThickness: number; // stroke width in face units, 0.018–0.05
  noseLength: number; // y-scale of the nose below its root, 0.88–1.15
  noseWidth: number; // x-scale of the nose base, 0.82–1.25
  mouthWidth: number; // x-scale of the mouth, 0.95–1.25
  upperLip: number; // upper-lip thickness factor, 0.65–1.4
  lowerLip: number; // lower-lip thickness factor, 0.65–1.4
  skin: Rgb;
  hair: Rgb;
  brow: Rgb;
  hairStyle: HairStyle;
  iris: Rgb;
  lip: Rgb;
  /** Wrinkle/fold contrast of the skin, 0.8–1.2: how strongly this person's folds show. */
  foldContrast: number;
}

const SKIN_TONES: readonly Rgb[] = [
  [255, 224, 200], [241, 194, 160], [224, 172, 135], [198, 134, 96], [160, 102, 66], [111, 70, 44], [78, 50, 33],
];
const HAIR_COLOURS: readonly Rgb[] = [
  [20, 16, 14], [45, 32, 24], [84, 56, 34], [130, 92, 52], [188, 150, 92], [150, 64, 30], [140, 136, 132], [220, 210, 190],
];
const IRIS_COLOURS: readonly Rgb[] = [[60, 40, 25], [95, 65, 35], [70, 100, 140], [80, 110, 70], [110, 110, 110]];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((k) => a[k] + (b[k] - a[k]) * t) as unknown as Rgb;
const clampRgb = (c: number[]): Rgb => c.map((v) => Math.max(0, Math.min(255, Math.round(v)))) as unknown as Rgb;

/** Draw one identity. Uses a fixed number of random draws, so identities are reproducible. */
export function sampleIdentity(rng: SyntheticRng): FaceIdentity {
  const tone = rng.next() * (SKIN_TONES.length - 1);
  const base = mix(SKIN_TONES[Math.floor(tone)], SKIN_TONES[Math.min(Math.floor(tone) + 1, SKIN_TONES.length - 1)], tone % 1);
  const skin = clampRgb([base[0] + rng.uniform(-8, 8), base[1] + rng.uniform(-8, 8), base[2] + rng.uniform(-8, 8)]);
  const hair = rng.pick(HAIR_COLOURS);
  const darkBrow = hair[0] > 170 ? clampRgb([hair[0] * 0.45, hair[1] * 0.42, hair[2] * 0.4]) : hair;
  const lipBase: Rgb = [skin[0] * 0.82 + 25, skin[1] * 0.55, skin[2] * 0.58];
  return {
    faceWidth: rng.uniform(0.88, 1.12),
    jawWidth: rng.uniform(0.86, 1.1),
    chinLength: rng.uniform(-0.035, 0.045),
    faceHeight: rng.uniform(0.93, 1.07),
    eyeSize: rng.uniform(0.95, 1.3),
    eyeOpenness: rng.uniform(0.8, 1.3),
    eyeSpacing: rng.uniform(-0.02, 0.025),
    browHeight: rng.uniform(-0.02, 0.025),
    browArch: rng.uniform(0, 0.025),
    browThickness: rng.uniform(0.018, 0.05),
    noseLength: rng.uniform(0.88, 1.15),
    noseWidth: rng.uniform(0.82, 1.25),
    mouthWidth: rng.uniform(0.95, 1.25),
    upperLip: rng.uniform(0.65, 1.4),
    lowerLip: rng.uniform(0.65, 1.4),
    skin,
    hair,
    brow: darkBrow,
    hairStyle: rng.pick(HAIR_STYLES),
    iris: rng.pick(IRIS_COLOURS),
    lip: clampRgb([...lipBase]),
    foldContrast: rng.uniform(0.8, 1.2),
  };
}

const EYE_RIGHT = [36, 37, 38, 39, 40, 41];
const EYE_LEFT = [42, 43, 44, 45, 46, 47];

/**
 * The identity's neutral landmarks in canonical face units (expression-free).
 * @returns Float32Array N×2 (N = 68).
 */
export function identityShape(id: FaceIdentity): Float32Array {
  const p = canonicalNeutralShape();
  const x = (i: number): number => p[2 * i];
  const y = (i: number): number => p[2 * i + 1];
  const set = (i: number, nx: number, ny: number): void => {
    p[2 * i] = nx;
    p[2 * i + 1] = ny;
  };
  // Lower jaw: narrower or wider, and a longer or shorter chin (more at the chin than the ears).
  for (let i = 0; i <= 16; i++) {
    const lower = Math.max(0, Math.min(1, (y(i) - 0.1) / 0.49)); // 0 at cheek level, 1 at the chin
    set(i, x(i) * (1 + (id.jawWidth - 1) * lower), y(i) + id.chinLength * lower * lower);
  }
  // Eyes: size and opening about each eye's centre, spacing outward.
  for (const [eye, side] of [[EYE_RIGHT, -1], [EYE_LEFT, 1]] as const) {
    let cx = 0;
    let cy = 0;
    for (const i of eye) {
      cx += x(i) / 6;
      cy += y(i) / 6;
    }
    for (const i of eye) {
      set(i, cx + side * id.eyeSpacing + (x(i) - cx) * id.eyeSize, cy + (y(i) - cy) * id.eyeSize * id.eyeOpenness);
    }
  }
  // Brows: height and arch (the middle points lift most).
  const archWeight = [0.3, 0.8, 1, 0.8, 0.3];
  for (let k = 0; k < 5; k++) {
    for (const i of [17 + k, 26 - k]) set(i, x(i), y(i) - id.browHeight - id.browArch * archWeight[k]);
  }
  // Nose: length below the root, base width.
  const root = y(27);
  for (let i = 28; i <= 35; i++) set(i, x(i) * (i >= 31 ? id.noseWidth : 1), root + (y(i) - root) * id.noseLength);
  // Mouth: width about the centre, lip thickness about the lip line; follows a longer nose.
  const lipLine = y(62);
  const mouthShift = (id.noseLength - 1) * 0.16;
  for (let i = 48; i <= 67; i++) {
    const dy = y(i) - lipLine;
    const thick = dy < 0 ? id.upperLip : id.lowerLip;
    set(i, x(i) * id.mouthWidth, lipLine + mouthShift + dy * thick);
  }
  // Whole face: width and height.
  for (let i = 0; i < IBUG68_SIZE; i++) set(i, x(i) * id.faceWidth, y(i) * id.faceHeight);
  return p;
}
