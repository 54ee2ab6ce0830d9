// DISFA exactly as distributed, written by writers independent of g2rl (see
// fixtures/make-disfa-fixture.py): landmark .mat files by SciPy in both namings (SNxxx_NNNN
// counted from 0, lNNNN counted from 1), a missing landmark frame, one valid v5 file whose
// byte 512 is 0x89, AVI videos by ffmpeg, label files with CRLF lines. The frames are
// extracted with ffmpeg as `prepare` does, and read with default options.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, extractDisfaFrames, readDisfa, readMatV5 } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
interface ExpectedFrame { landmarkFile?: string; landmarks: number[] | null; intensities: number[]; leftGrey: number; rightGrey: number }
interface Expected { frames: number; aus: number[]; subjects: Record<string, { gaps: number[]; frames: Record<string, ExpectedFrame> }> }

const ffmpegMissing = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0;
// CI installs ffmpeg (.ci/run); there a missing one must fail, not skip.
if (ffmpegMissing && process.env.CI) throw new Error('CI: ffmpeg is required for the DISFA fixture test (apt-get install ffmpeg)');
if (ffmpegMissing) console.warn('disfa-distributed.test: ffmpeg not found; skipped (apt-get install ffmpeg)');

let root: string;
let expected: Expected;

/** A fresh copy of the fixture with the frames of `camera`'s videos extracted into `imagesDir`. */
async function distributedCopy(label: string, camera: 'Left' | 'Right' = 'Left'): Promise<string> {
  const imagesDir = camera === 'Left' ? 'Images' : 'Images_RightCamera';
  const copy = join(root, label);
  await cp(join(fixtures, 'disfa-distributed'), copy, { recursive: true });
  const extracted = await extractDisfaFrames(copy, { camera: camera === 'Left' ? 'left' : 'right' });
  expect(extracted.map((e) => [e.subject, e.frames, e.reused, e.dir])).toEqual(
    Object.keys(expected.subjects).map((subject) => [subject, expected.frames, false, join(copy, imagesDir, subject)]),
  );
  return copy;
}

async function meanGrey(path: string): Promise<number> {
  const { channels } = await sharp(path).stats();
  return channels[0].mean;
}

describe.skipIf(ffmpegMissing)('DISFA as distributed (SciPy .mat, ffmpeg video, label files)', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'g2rl-disfa-distributed-'));
    expected = JSON.parse(await readFile(join(fixtures, 'disfa-distributed.expected.json'), 'utf8'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('gives frame f the landmarks of frame f and the video frame f, with default options', async () => {
    const disfa = await distributedCopy('default');
    const samples = await readDisfa(disfa);
    const subjects = Object.entries(expected.subjects);
    const wanted = subjects.flatMap(([subject, { frames }]) => Object.entries(frames).filter(([, f]) => f.landmarks).map(([frame]) => `${subject}/${frame}`));
    expect(samples.map((s) => s.id)).toEqual(wanted);
    for (const sample of samples) {
      const truth = expected.subjects[sample.subject].frames[String(sample.frame)];
      expect(sample.scheme).toBe('disfa66');
      expect(sample.landmarks).toHaveLength(132);
      sample.landmarks.forEach((v, i) => expect(v).toBeCloseTo(truth.landmarks![i], 4));
      expect(Array.from(sample.intensities)).toEqual(truth.intensities);
      // the image is the video's frame f: its flat grey identifies it (±6 for mpeg4 rounding)
      expect(Math.abs((await meanGrey(sample.image)) - truth.leftGrey)).toBeLessThan(6);
    }
  });

  it('extracting again reuses the complete folders', async () => {
    const disfa = await distributedCopy('again');
    const again = await extractDisfaFrames(disfa);
    expect(again.map((e) => [e.frames, e.reused])).toEqual([[5, true], [5, true], [5, true]]);
  });

  it('detects each subject’s naming and numbering, and counts the known gap', async () => {
    const disfa = await distributedCopy('summary');
    const samples = await readDisfa(disfa);
    expect(samples.subjects.map(({ subject, naming, numbering, gaps, labelledFrames, videoFrames, landmarkFiles }) => ({ subject, naming, numbering, gaps, labelledFrames, videoFrames, landmarkFiles }))).toEqual([
      { subject: 'SN001', naming: 'subject-frame', numbering: 'from-0', gaps: [], labelledFrames: 5, videoFrames: 5, landmarkFiles: 5 },
      { subject: 'SN003', naming: 'subject-frame', numbering: 'from-0', gaps: [3], labelledFrames: 5, videoFrames: 5, landmarkFiles: 4 },
      { subject: 'SN006', naming: 'l-frame', numbering: 'from-1', gaps: [], labelledFrames: 5, videoFrames: 5, landmarkFiles: 5 },
    ]);
    expect(samples.skipped).toEqual([expect.objectContaining({ reason: 'landmark gap', line: 3 })]);
    expect(samples.skipped[0].detail).toMatch(/SN003 frame 3 has no landmark file/);
  });

  it('reads the right camera’s frames with camera: right', async () => {
    const disfa = await distributedCopy('right', 'Right');
    const samples = await readDisfa(disfa, { camera: 'right', subjects: ['SN001'] });
    expect(samples).toHaveLength(5);
    for (const sample of samples) {
      const truth = expected.subjects.SN001.frames[String(sample.frame)];
      expect(Math.abs((await meanGrey(sample.image)) - truth.rightGrey)).toBeLessThan(6);
      sample.landmarks.forEach((v, i) => expect(v).toBeCloseTo(truth.landmarks![i], 4));
    }
    await expect(readDisfa(disfa, { camera: 'left' })).rejects.toThrow(/SN001 has no frames in .*Images\/SN001; extract them from .*LeftVideoSN001_comp\.avi first: g2rl-train prepare --data disfa/);
  });

  it('a landmark file past the last labelled frame is an error naming the subject and both counts', async () => {
    const disfa = await distributedCopy('extra-file');
    const marks = join(disfa, 'Landmark_Points', 'SN001', 'tmp_frame_lm');
    await cp(join(marks, 'SN001_0004_lm.mat'), join(marks, 'SN001_0005_lm.mat'));
    const error = await readDisfa(disfa).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toMatch(/frame count mismatch: SN001: 6 landmark files \(SN001_0000_lm\.mat … SN001_0005_lm\.mat, read from-0: a file is numbered 0\) give frames 1–6, but the labels have 5 frames \(1–5\) and the video 5/);
  });

  it('a release whose SNxxx_NNNN files count from 1 is an error with the fix, not a shift', async () => {
    const disfa = await distributedCopy('renumbered');
    const marks = join(disfa, 'Landmark_Points', 'SN001', 'tmp_frame_lm');
    for (let n = 4; n >= 0; n--) await rename(join(marks, `SN001_000${n}_lm.mat`), join(marks, `SN001_000${n + 1}_lm.mat`));
    // files 1…5 with 5 labelled frames: auto reads the last file as the last frame (from-1)
    const auto = await readDisfa(disfa, { subjects: ['SN001'] });
    expect(auto.subjects[0]).toMatchObject({ numbering: 'from-1', numberingReason: 'the last file is numbered 5, the last labelled frame' });
    expect(auto.find((s) => s.frame === 1)!.landmarks[0]).toBeCloseTo(expected.subjects.SN001.frames['1'].landmarks![0], 4);
    // forcing the distribution's from-0 reading names the counts and the setting that fits
    await expect(readDisfa(disfa, { subjects: ['SN001'], landmarkNumbering: 'from-0' })).rejects.toThrow(
      /SN001: 5 landmark files .* give frames 2–6, but the labels have 5 frames \(1–5\) and the video 5; if this release counts its landmark files from 1, set landmarkNumbering 'from-1'/,
    );
  });

  it('labels and video of different lengths are an error naming both counts', async () => {
    const disfa = await distributedCopy('short-labels');
    for (const au of expected.aus) {
      const file = join(disfa, 'ActionUnit_Labels', 'SN006', `SN006_au${au}.txt`);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.split('\r\n').slice(0, 4).join('\r\n') + '\r\n');
    }
    await expect(readDisfa(disfa)).rejects.toThrow(/frame count mismatch: SN006: the labels have 4 frames \(1–4\) but the video has 5/);
    const skipped = await readDisfa(disfa, { skipBad: true });
    expect(skipped.subjects.map((s) => s.subject)).toEqual(['SN001', 'SN003']);
    expect(skipped.skipped.map((s) => s.reason)).toEqual(['landmark gap', 'frame count mismatch']);
  });

  it('SciPy’s file with 0x89 at byte 512 is MAT v5, not HDF5', async () => {
    const file = join(fixtures, 'disfa-distributed', expected.subjects.SN001.frames['2'].landmarkFile!);
    const bytes = await readFile(file);
    expect(bytes[512]).toBe(0x89);
    const [pts] = readMatV5(bytes, file);
    expect(pts.dims).toEqual([66, 2]);
  });
});
