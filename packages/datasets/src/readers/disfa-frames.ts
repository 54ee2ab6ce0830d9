import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { disfaLayout, listDisfaVideos, type DisfaLayoutOptions } from './disfa-layout.js';
import { extractFrames, type ExtractFramesOptions } from './frames.js';
import { listFrameImages } from './text.js';

export interface DisfaFramesOptions extends DisfaLayoutOptions, ExtractFramesOptions {
  /** Only these subjects' videos (default every video of the camera). */
  subjects?: string[];
  /** Called after each subject, extracted or found done. */
  onSubject?: (done: DisfaExtraction) => void;
}

export interface DisfaExtraction {
  subject: string;
  video: string;
  /** `<imagesDir>/<subject>` */
  dir: string;
  /** Frames in `dir` (counted after extraction). */
  frames: number;
  /** true: `dir` was already there (an earlier, complete extraction) and was left as it is. */
  reused: boolean;
}

/**
 * Extracts the frames of every DISFA video of one camera (`Videos_LeftCamera/LeftVideoSN001_comp.avi`
 * → `Images/SN001/00001.png …`) with ffmpeg, once: each subject is written to a temporary folder
 * and renamed into place when complete, so an interrupted run redoes only the subject it was
 * on, and a folder that exists is a complete extraction. `readDisfa` then checks the frame
 * count against the labels and the landmark files.
 */
export async function extractDisfaFrames(root: string, options: DisfaFramesOptions = {}): Promise<DisfaExtraction[]> {
  const layout = disfaLayout(root, options);
  const videos = await listDisfaVideos(layout);
  const out: DisfaExtraction[] = [];
  for (const [subject, video] of videos) {
    if (options.subjects && !options.subjects.includes(subject)) continue;
    const dir = join(layout.imagesDir, subject);
    let extraction: DisfaExtraction;
    if (existsSync(dir)) {
      extraction = { subject, video, dir, frames: (await listFrameImages(dir)).size, reused: true };
    } else {
      const partial = `${dir}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      const frames = await extractFrames(video, partial, options);
      await rename(partial, dir);
      extraction = { subject, video, dir, frames, reused: false };
    }
    out.push(extraction);
    options.onSubject?.(extraction);
  }
  return out;
}
