// BlazeFace (MediaPipe's short-range face detector, the 256×256 "back camera" model that
// @vladmandic/human ships as models/blazeface.json) as a box finder for the face pipeline:
// the image resized to fit 256×256 (aspect kept), padded there, in [−1, 1], 896 anchors (16×16×2 at
// stride 16, 8×8×6 at stride 32), boxes decoded and non-maximum suppressed here. The boxes are
// then reframed to face-api's SSD framing (the 68-landmark net was trained on those crops).
// No Node module is imported: this file runs in browsers.
import type * as tfTypes from '@tensorflow/tfjs';
import { iou } from './box-overlap.js';
import type { FaceBox } from './face-api-detector.js';

/** The model's input side. */
export const BLAZEFACE_INPUT = 256;

/**
 * BlazeFace box → face-api SSD box, in units of BlazeFace's box side s = max(w, h): SSD's
 * centre is (dx·s, dy·s) from BlazeFace's and its box is width·s × height·s. The mean over
 * the 21 faces both detectors find in face-api's six demo photos (apps/server/bench/
 * detectors.bench.mjs prints it again): the 68-landmark net was trained on SSD-framed crops.
 */
export const BLAZEFACE_TO_SSD = { dx: -0.022, dy: -0.152, width: 0.901, height: 1.308 };

/** Anchor centres in input pixels, N×2 (x, y), in the model's output order. */
export function blazefaceAnchors(inputSize = BLAZEFACE_INPUT): Float32Array {
  const layers = [{ stride: inputSize / 16, perCell: 2 }, { stride: inputSize / 8, perCell: 6 }];
  const out: number[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let a = 0; a < perCell; a++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}


export interface BlazefaceDecodeOptions {
  minConfidence: number;
  maxFaces: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. Default 0.3 (MediaPipe's). */
  iouThreshold?: number;
}

/**
 * The model's raw rows (N×17: score logit, box centre offset x, y and size w, h in input
 * pixels, 6 keypoints) → face boxes in the original image, best first, reframed with
 * BLAZEFACE_TO_SSD. `scale` = (x, y) image pixels per input pixel (the image sat at the input's
 * top-left corner).
 */
export function decodeBlazeface(raw: Float32Array, anchors: Float32Array, scale: { x: number; y: number }, options: BlazefaceDecodeOptions): { box: FaceBox; score: number }[] {
  const n = anchors.length / 2;
  if (raw.length !== n * 17) throw new Error(`decodeBlazeface: expected ${n}×17 values, got ${raw.length}`);
  const candidates: { box: FaceBox; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const logit = raw[17 * i]!;
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logit))));
    if (!(score >= options.minConfidence)) continue;
    const cx = (raw[17 * i + 1]! + anchors[2 * i]!) * scale.x;
    const cy = (raw[17 * i + 2]! + anchors[2 * i + 1]!) * scale.y;
    const w = raw[17 * i + 3]! * scale.x;
    const h = raw[17 * i + 4]! * scale.y;
    if (!(w > 0 && h > 0)) continue;
    const s = Math.max(w, h);
    const { dx, dy, width, height } = BLAZEFACE_TO_SSD;
    candidates.push({ box: { x: cx + dx * s - (width * s) / 2, y: cy + dy * s - (height * s) / 2, width: width * s, height: height * s }, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: { box: FaceBox; score: number }[] = [];
  const threshold = options.iouThreshold ?? 0.3;
  for (const c of candidates) {
    if (kept.length >= options.maxFaces) break;
    if (kept.every((k) => iou(k.box, c.box) <= threshold)) kept.push(c);
  }
  return kept;
}

/** The loaded model and what decoding needs; `tf` is the process's (or page's) tfjs. */
export interface BlazefaceModel {
  tf: typeof tfTypes;
  model: tfTypes.GraphModel;
  anchors: Float32Array;
}

/**
 * Boxes of the faces in `input` (an int32 or float32 H×W×3 tensor of 0–255 RGB), best first.
 * Every tensor made here is disposed.
 */
export async function blazefaceBoxes(net: BlazefaceModel, input: tfTypes.Tensor3D, options: BlazefaceDecodeOptions): Promise<{ box: FaceBox; score: number }[]> {
  const { tf } = net;
  const [height, width] = input.shape;
  const side = Math.max(height, width);
  // Resize first (the int32 pixels straight to float), then pad the small result bottom/right
  // to 256×256: the same picture as padding the image to a square first, at a fraction of the
  // memory traffic. Each axis keeps its own exact scale.
  const newHeight = Math.max(1, Math.round((height * BLAZEFACE_INPUT) / side));
  const newWidth = Math.max(1, Math.round((width * BLAZEFACE_INPUT) / side));
  const rows = tf.tidy(() => {
    const resized = tf.image.resizeBilinear(input, [newHeight, newWidth]);
    const normalised = tf.sub(tf.div(resized, 127.5), 1);
    const batch = tf.pad(normalised, [[0, BLAZEFACE_INPUT - newHeight], [0, BLAZEFACE_INPUT - newWidth], [0, 0]]).expandDims(0);
    const outputs = net.model.execute(batch) as tfTypes.Tensor[];
    // Four outputs: scores and regressors of the 512 stride-16 anchors and the 384 stride-32 ones.
    const bySize = [...outputs].sort((a, b) => a.size - b.size);
    const first = tf.concat([bySize[1]!, bySize[3]!], 2);
    const second = tf.concat([bySize[0]!, bySize[2]!], 2);
    return tf.concat([first, second], 1);
  });
  try {
    return decodeBlazeface((await rows.data()) as Float32Array, net.anchors, { x: width / newWidth, y: height / newHeight }, options);
  } finally {
    rows.dispose();
  }
}
