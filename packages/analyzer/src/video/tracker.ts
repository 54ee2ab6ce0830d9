// Face tracking for video: the detector runs on the first frame, every `detectEvery` frames
// and whenever a track is lost; in between, each face's landmarks are found in a box placed
// from its previous frame's landmarks (the landmark net is far cheaper than the detector).
// A face keeps its id while its box overlaps the one it is matched to (IoU); a track is
// lost when its landmarks fail the quality check (a face that left, or turned away).
import type { CheckedFace } from '../pipeline.js';
import type { FaceResult } from '../types.js';
import { iou, type RgbImage } from '@g2rl/face/pure';

type Box = FaceResult['box'];

/** What the tracker needs from the pipeline: detection and the landmark + quality check. */
export interface TrackerFaceSource {
  detectBoxes(image: RgbImage, maxFaces: number): Promise<{ box: Box; score: number }[]>;
  checkFaces(image: RgbImage, boxes: readonly { box: Box; score: number }[], minQuality: number, knownConsistency?: readonly number[]): Promise<{ faces: CheckedFace[] }>;
}

export interface TrackerOptions {
  /** Run the detector every this many frames (1 = every frame). */
  detectEvery: number;
  maxFaces: number;
  minQuality: number;
  /** A detection continues a track when their boxes overlap at least this much (IoU). Default 0.3. */
  minOverlap?: number;
  /**
   * On tracked frames, measure the quality check's shift consistency (a second landmark pass)
   * every this many frames, and reuse each track's last value in between. Default 1 (every
   * frame). Detection frames always measure it.
   */
  shiftCheckEvery?: number;
}

/** A face in one frame, with its track id. */
export interface TrackedFace extends CheckedFace {
  id: number;
  /** True when this frame's box came from the detector, false when tracked. */
  detected: boolean;
}

/** Box placement relative to the landmarks: centre offset and size in units of the landmarks' RMS radius. */
interface BoxFrame { dx: number; dy: number; w: number; h: number }

interface Track { id: number; score: number; box: Box; frame: BoxFrame; ibug68: Float32Array; consistency: number; sinceShiftCheck: number }

/** Centroid and RMS radius of N×2 points. */
export function pointSpread(points: ArrayLike<number>): { x: number; y: number; r: number } {
  const n = points.length / 2;
  let x = 0, y = 0;
  for (let i = 0; i < n; i++) { x += points[2 * i]!; y += points[2 * i + 1]!; }
  x /= n; y /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (points[2 * i]! - x) ** 2 + (points[2 * i + 1]! - y) ** 2;
  return { x, y, r: Math.sqrt(s / n) || 1 };
}

/** How `box` sits around `landmarks` (kept from the detection, applied to later landmarks). */
export function boxFrameOf(box: Box, landmarks: ArrayLike<number>): BoxFrame {
  const { x, y, r } = pointSpread(landmarks);
  return { dx: (box.x + box.width / 2 - x) / r, dy: (box.y + box.height / 2 - y) / r, w: box.width / r, h: box.height / r };
}

/** The box that sits around `landmarks` as `frame` says. */
export function boxFromLandmarks(frame: BoxFrame, landmarks: ArrayLike<number>): Box {
  const { x, y, r } = pointSpread(landmarks);
  const width = frame.w * r;
  const height = frame.h * r;
  return { x: x + frame.dx * r - width / 2, y: y + frame.dy * r - height / 2, width, height };
}

export { iou } from '@g2rl/face/pure';

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 0;
  private sinceDetection = 0;
  /** Detector runs and landmark checks so far (what tracking saves). */
  readonly counts = { frames: 0, detections: 0, trackedFaces: 0 };

  constructor(private readonly source: TrackerFaceSource, private readonly options: TrackerOptions) {
    if (!Number.isInteger(options.detectEvery) || options.detectEvery < 1) throw new RangeError(`detectEvery must be a positive integer, got ${options.detectEvery}`);
    const every = options.shiftCheckEvery ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`shiftCheckEvery must be a positive integer, got ${every}`);
  }

  /** Continue from faces seen before (a resumed run): their ids, boxes and 68×2 landmarks. */
  seed(faces: readonly { id: number; ibug68: Float32Array }[], nextId: number): void {
    this.tracks = faces.map((f) => {
      const { x, y, r } = pointSpread(f.ibug68);
      // a detector box is about 2.6 radii wide around the landmarks' centre (face-api SSD on real faces)
      const box = { x: x - 1.3 * r, y: y - 1.3 * r, width: 2.6 * r, height: 2.6 * r };
      return { id: f.id, score: 1, box, frame: boxFrameOf(box, f.ibug68), ibug68: f.ibug68, consistency: 1, sinceShiftCheck: 0 };
    });
    this.nextId = Math.max(nextId, ...faces.map((f) => f.id + 1));
    this.sinceDetection = this.options.detectEvery; // detect on the first frame, matching these tracks
  }

  /** The faces of the next frame, in id order. */
  async step(image: RgbImage): Promise<TrackedFace[]> {
    this.counts.frames++;
    if (this.tracks.length > 0 && this.sinceDetection < this.options.detectEvery) {
      const boxes = this.tracks.map((t) => ({ box: t.box, score: t.score }));
      const every = this.options.shiftCheckEvery ?? 1;
      const reuse = every > 1 && this.tracks.every((t) => t.sinceShiftCheck + 1 < every);
      const { faces } = reuse
        ? await this.source.checkFaces(image, boxes, this.options.minQuality, this.tracks.map((t) => t.consistency))
        : await this.source.checkFaces(image, boxes, this.options.minQuality);
      this.counts.trackedFaces += boxes.length;
      if (faces.length === boxes.length) {
        this.sinceDetection++;
        return faces.map((face, i) => this.update(this.tracks[i]!, face, false, reuse));
      }
      // a track is lost: detect on this very frame, so the frame is not missed
    }
    return this.detect(image);
  }

  private async detect(image: RgbImage): Promise<TrackedFace[]> {
    this.counts.detections++;
    this.sinceDetection = 1;
    const boxes = await this.source.detectBoxes(image, this.options.maxFaces);
    const { faces } = await this.source.checkFaces(image, boxes, this.options.minQuality);
    // Greedy matching, best overlap first, between detections and the tracks' last boxes.
    const pairs: { face: number; track: number; overlap: number }[] = [];
    faces.forEach((face, f) => this.tracks.forEach((track, t) => {
      const overlap = iou(face.box, track.box);
      if (overlap >= (this.options.minOverlap ?? 0.3)) pairs.push({ face: f, track: t, overlap });
    }));
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackOf = new Map<number, Track>();
    const taken = new Set<number>();
    for (const p of pairs) {
      if (trackOf.has(p.face) || taken.has(p.track)) continue;
      trackOf.set(p.face, this.tracks[p.track]!);
      taken.add(p.track);
    }
    const tracks: Track[] = [];
    const out = faces.map((face, f) => {
      const track = trackOf.get(f) ?? { id: this.nextId++, score: 0, box: face.box, frame: boxFrameOf(face.box, face.ibug68), ibug68: face.ibug68, consistency: 1, sinceShiftCheck: 0 };
      track.score = face.detectorScore;
      track.frame = boxFrameOf(face.box, face.ibug68);
      tracks.push(track);
      return this.update(track, face, true, false);
    });
    this.tracks = tracks.sort((a, b) => a.id - b.id);
    return out.sort((a, b) => a.id - b.id);
  }

  /** Moves `track` to `face` and places its next box from the new landmarks; `reused`: this frame's consistency was the track's. */
  private update(track: Track, face: CheckedFace, detected: boolean, reused: boolean): TrackedFace {
    track.ibug68 = face.ibug68;
    track.consistency = face.consistency;
    track.sinceShiftCheck = reused ? track.sinceShiftCheck + 1 : 0;
    track.box = boxFromLandmarks(track.frame, face.ibug68);
    return { ...face, id: track.id, detected };
  }
}
