// A folder of numbered frames (frame_0001.png, 2.jpg, …) read as a video: frames in the
// order of their numbers, timestamps (number − first) / fps. Decoded one at a time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNodeInput } from '../node-input.js';
import type { VideoFrame } from './frame-stream.js';
import { VideoError } from './video-error.js';

const IMAGE_FILE = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

/** The image files of `dir` with the number in their name, sorted by it; throws when a name has no number or two share one. */
export function listNumberedFrames(dir: string): { file: string; number: number }[] {
  const files = readdirSync(dir).filter((f) => IMAGE_FILE.test(f));
  if (files.length === 0) throw new VideoError('no-frames', `${dir}: the folder holds no images to read as a sequence`);
  const numbered = files.map((f) => {
    const match = /(\d+)(?!.*\d)/.exec(f.replace(IMAGE_FILE, ''));
    if (!match) throw new VideoError('invalid-option', `${join(dir, f)}: an image sequence needs a frame number in every file name`);
    return { file: join(dir, f), number: Number(match[1]) };
  });
  numbered.sort((a, b) => a.number - b.number);
  for (let i = 1; i < numbered.length; i++) {
    if (numbered[i]!.number === numbered[i - 1]!.number) throw new VideoError('invalid-option', `${numbered[i - 1]!.file} and ${numbered[i]!.file} have the same frame number ${numbered[i]!.number}`);
  }
  return numbered;
}

export interface SequenceOptions {
  /** Frames per second for the timestamps. */
  fps: number;
  start?: number;
  end?: number;
  every?: number;
  /** Resume: only frames with a number above this. */
  after?: number;
  /** Told when a frame cannot be read (it then has no image and becomes a success = 0 row). */
  onWarning?: (line: string) => void;
}

/**
 * Frames of a numbered-image folder: `frame` is the position in the sequence (1-based),
 * `timestamp` = (frame − 1) / fps. An unreadable image yields `image: null`.
 */
export async function* readImageSequence(dir: string, options: SequenceOptions): AsyncGenerator<Omit<VideoFrame, 'image'> & { image: VideoFrame['image'] | null }> {
  const frames = listNumberedFrames(dir);
  const every = options.every ?? 1;
  for (let i = 0; i < frames.length; i += every) {
    const frame = i + 1;
    const timestamp = Math.round((i / options.fps) * 1e6) / 1e6;
    if (options.start !== undefined && timestamp < options.start - 1e-9) continue;
    if (options.end !== undefined && timestamp >= options.end - 1e-9) return;
    if (options.after !== undefined && frame <= options.after) continue;
    let image: VideoFrame['image'] | null = null;
    try {
      image = await decodeNodeInput(frames[i]!.file);
    } catch (error) {
      options.onWarning?.((error as Error).message);
    }
    yield { frame, timestamp, image };
  }
}
