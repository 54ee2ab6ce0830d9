import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';

/** DISFA filmed every subject with two cameras; the release has one video folder per camera. */
export type DisfaCamera = 'left' | 'right';

export const DISFA_CAMERAS: readonly DisfaCamera[] = ['left', 'right'];

export interface DisfaLayoutOptions {
  /** Which camera's video the frames come from (default 'left'). */
  camera?: DisfaCamera;
  /** Folder of extracted frames, one sub-folder per subject (default `<root>/Images` for the left camera, `<root>/Images_RightCamera` for the right). */
  imagesDir?: string;
  /** Folder of the landmark files, one sub-folder per subject (default `<root>/Landmark_Points`). */
  landmarksDir?: string;
  /** Folder of the camera's videos (default `<root>/Videos_LeftCamera` or `<root>/Videos_RightCamera`). */
  videosDir?: string;
}

/** Where each part of a DISFA copy lives, as distributed (plus the frames extracted from the videos). */
export interface DisfaLayout {
  root: string;
  camera: DisfaCamera;
  /** `<labelsDir>/SN001/SN001_au1.txt` */
  labelsDir: string;
  /** `<landmarksDir>/SN001/tmp_frame_lm/SN001_0000_lm.mat` (any depth below the subject) */
  landmarksDir: string;
  /** `<imagesDir>/SN001/00001.png`: frame 1 first, as the labels count */
  imagesDir: string;
  /** `<videosDir>/LeftVideoSN001_comp.avi` */
  videosDir: string;
}

/** The paths of a DISFA copy at `root` for one camera; a camera other than left/right is an error. */
export function disfaLayout(root: string, options: DisfaLayoutOptions = {}): DisfaLayout {
  const camera = options.camera ?? 'left';
  if (!DISFA_CAMERAS.includes(camera)) {
    throw new RangeError(`DISFA camera must be ${DISFA_CAMERAS.map((c) => `'${c}'`).join(' or ')}, got ${JSON.stringify(camera)}`);
  }
  const Camera = camera === 'left' ? 'Left' : 'Right';
  return {
    root,
    camera,
    labelsDir: join(root, 'ActionUnit_Labels'),
    landmarksDir: options.landmarksDir ?? join(root, 'Landmark_Points'),
    // The left camera's frames keep the folder name earlier g2rl releases extracted to.
    imagesDir: options.imagesDir ?? join(root, camera === 'left' ? 'Images' : 'Images_RightCamera'),
    videosDir: options.videosDir ?? join(root, `Videos_${Camera}Camera`),
  };
}

const VIDEO_EXTENSIONS = /\.(avi|mp4|mov|mkv|wmv)$/i;

/**
 * subject → video file in the layout's video folder, by the `SNxxx` in the name
 * (`LeftVideoSN001_comp.avi` → SN001). Empty if the folder does not exist; two videos of one
 * subject are an error naming both.
 */
export async function listDisfaVideos(layout: DisfaLayout): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(layout.videosDir);
  } catch {
    return out;
  }
  for (const name of names.filter((n) => VIDEO_EXTENSIONS.test(n)).sort()) {
    const subject = /SN\d{3}/i.exec(name)?.[0].toUpperCase();
    if (!subject) continue;
    const earlier = out.get(subject);
    if (earlier) throw new DatasetError(layout.videosDir, undefined, 'malformed line', `two videos for ${subject} (${earlier.split(/[\\/]/).pop()}, ${name}); keep one per subject and camera`);
    out.set(subject, join(layout.videosDir, name));
  }
  return out;
}
