// The overlay over the analysed frame: each face's box and id, its 68 landmarks, and each
// AU's two points as discs whose radius and opacity grow with the intensity (0–5).
import type { FaceResult } from '../types.js';
import type { VideoRow } from '../video/openface-csv.js';
import { auColour } from './au-colours.js';

/** Draws the faces of one frame (rows and their FaceResults, in the same order) in image pixels. */
export function drawOverlay(ctx: CanvasRenderingContext2D, rows: readonly VideoRow[], faces: readonly FaceResult[]): void {
  const faceRows = rows.filter((r) => r.success);
  const scale = Math.max(1, ctx.canvas.width / 640); // line widths readable on large frames
  faceRows.forEach((row, f) => {
    const face = faces[f];
    if (!face) return;
    const { box } = face;
    ctx.lineWidth = 2 * scale;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.8)';
    ctx.strokeRect(box.x, box.y, box.width, box.height);
    ctx.font = `${Math.round(14 * scale)}px system-ui, sans-serif`;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.fillText(`face ${row.faceId} · quality ${row.confidence.toFixed(2)}`, box.x, Math.max(12 * scale, box.y - 6 * scale));
    ctx.fillStyle = 'rgba(0, 255, 200, 0.9)';
    const lm = row.landmarks!;
    for (let i = 0; i < lm.length; i += 2) {
      ctx.beginPath();
      ctx.arc(lm[i]!, lm[i + 1]!, 1.6 * scale, 0, 2 * Math.PI);
      ctx.fill();
    }
    face.aus.forEach((au, a) => {
      const strength = Math.min(1, Math.max(0, au.intensity / 5));
      for (const [x, y] of au.points) {
        ctx.beginPath();
        ctx.arc(x, y, (3 + 9 * strength) * scale, 0, 2 * Math.PI);
        ctx.fillStyle = auColour(a, 0.25 + 0.6 * strength);
        ctx.fill();
        ctx.strokeStyle = auColour(a, 0.9);
        ctx.lineWidth = 1.2 * scale;
        ctx.stroke();
      }
    });
  });
}
