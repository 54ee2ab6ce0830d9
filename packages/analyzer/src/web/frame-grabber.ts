// The current frame of a <video> (camera or file) as an RgbImage: drawn into one reusable
// canvas (the page's visible one, so what is shown is exactly what was analysed) and read back.
import type { RgbImage } from '@g2rl/face/pure';
import { rgbaToRgb } from '../browser.js';

export class FrameGrabber {
  private readonly context: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('FrameGrabber: no 2D canvas context');
    this.context = context;
  }

  /** Draws the video's current frame at its own size (the canvas follows it) and returns its pixels; null before the first frame. */
  grab(video: HTMLVideoElement): RgbImage | null {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.context.drawImage(video, 0, 0, width, height);
    return rgbaToRgb(this.context.getImageData(0, 0, width, height).data, width, height);
  }

  /** The 2D context, for drawing the overlay over the grabbed frame. */
  get drawing(): CanvasRenderingContext2D {
    return this.context;
  }
}
