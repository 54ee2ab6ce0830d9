// The rolling plot: the chosen AUs' intensities (0–5) over the last seconds, one line per
// AU in its colour, broken where a frame had no face.
import { auColour } from './au-colours.js';
import type { RollingSeries } from './rolling-series.js';

/** Draws `series` into the whole canvas; `chosen` are indices into the card's AUs, `labels` their names. */
export function drawPlot(ctx: CanvasRenderingContext2D, series: RollingSeries, chosen: readonly number[], labels: readonly string[]): void {
  const { width, height } = ctx.canvas;
  const left = 34, right = 8, top = 8, bottom = 20;
  const w = width - left - right;
  const h = height - top - bottom;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#101418';
  ctx.fillRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.strokeStyle = 'rgba(255,255,255,0.12)';
  ctx.fillStyle = 'rgba(255,255,255,0.6)';
  ctx.lineWidth = 1;
  for (let v = 0; v <= 5; v++) {
    const y = top + h - (v / 5) * h;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + w, y); ctx.stroke();
    ctx.fillText(String(v), 12, y + 4);
  }
  const [t0, t1] = series.window();
  ctx.fillText(`last ${series.seconds} s`, left, height - 5);
  const x = (t: number) => left + ((t - t0) / Math.max(1e-6, t1 - t0)) * w;
  const y = (v: number) => top + h - (Math.min(5, Math.max(0, v)) / 5) * h;
  chosen.forEach((a, k) => {
    ctx.strokeStyle = auColour(a);
    ctx.lineWidth = 2;
    ctx.beginPath();
    let drawing = false;
    for (const s of series.all) {
      const v = s.values[a]!;
      if (Number.isNaN(v)) { drawing = false; continue; }
      if (drawing) ctx.lineTo(x(s.t), y(v));
      else { ctx.moveTo(x(s.t), y(v)); drawing = true; }
    }
    ctx.stroke();
    ctx.fillStyle = auColour(a);
    ctx.fillText(labels[k] ?? '', left + w - 60, top + 12 + 13 * k);
  });
}
