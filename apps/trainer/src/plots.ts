/**
 * The run folder's pictures, drawn as SVG (pure string functions, testable) and turned into
 * PNG by sharp: loss curves, predicted vs true intensity per AU, heatmaps over faces.
 */
import sharp from 'sharp';

export interface Series {
  name: string;
  /** Points (x, y); non-finite y values are left out. */
  points: [number, number][];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceRange(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

/** A line chart with axes, ticks and a legend; `logY` plots log10 of positive values. */
export function lineChartSvg(series: Series[], options: { title: string; xLabel: string; yLabel: string; logY?: boolean; width?: number; height?: number }): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const m = { left: 70, right: 20, top: 40, bottom: 50 };
  const tf = (y: number) => (options.logY ? (y > 0 ? Math.log10(y) : Number.NaN) : y);
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = niceRange(all.map((p) => p[0]));
  const [y0, y1] = niceRange(all.map((p) => tf(p[1])));
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(options.title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 12}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text x="16" y="${height / 2}" text-anchor="middle" transform="rotate(-90 16 ${height / 2})">${escape(options.yLabel)}${options.logY ? ' (log10)' : ''}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<text x="${px(xv)}" y="${height - m.bottom + 16}" text-anchor="middle">${+xv.toPrecision(3)}</text>`);
    parts.push(`<text x="${m.left - 6}" y="${py(yv) + 4}" text-anchor="end">${+yv.toPrecision(3)}</text>`);
    parts.push(`<line x1="${m.left}" y1="${py(yv)}" x2="${width - m.right}" y2="${py(yv)}" stroke="#eee"/>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const path = s.points
      .filter(([, y]) => Number.isFinite(tf(y)))
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(tf(y)).toFixed(1)}`)
      .join(' ');
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    parts.push(`<rect x="${width - m.right - 150}" y="${m.top + i * 18}" width="12" height="12" fill="${colour}"/>`);
    parts.push(`<text x="${width - m.right - 132}" y="${m.top + i * 18 + 10}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Predicted vs true intensity, one small panel per AU (true on x, predicted on y, the
 * diagonal drawn), jittered slightly on x since the truth is integer-valued.
 * @param predictions frames × A, truth frames × A (NaN truth left out)
 */
export function scatterGridSvg(predictions: number[][], truth: number[][], aus: number[], titles?: string[]): string {
  const cols = Math.min(4, aus.length);
  const rows = Math.ceil(aus.length / cols);
  const cell = 180;
  const pad = 28;
  const width = cols * cell;
  const height = rows * cell + 10;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`, `<rect width="100%" height="100%" fill="white"/>`];
  aus.forEach((au, a) => {
    const ox = (a % cols) * cell;
    const oy = Math.floor(a / cols) * cell;
    const size = cell - pad - 8;
    const sx = (v: number) => ox + pad + (v / 5) * size;
    const sy = (v: number) => oy + 8 + size - (v / 5) * size;
    parts.push(`<rect x="${ox + pad}" y="${oy + 8}" width="${size}" height="${size}" fill="none" stroke="#999"/>`);
    parts.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(5)}" y2="${sy(5)}" stroke="#bbb" stroke-dasharray="3,3"/>`);
    parts.push(`<text x="${ox + pad + size / 2}" y="${oy + cell - 6}" text-anchor="middle">${escape(titles?.[a] ?? `AU${au}`)} (x true, y pred)</text>`);
    predictions.forEach((row, f) => {
      const t = truth[f][a];
      if (!Number.isFinite(t)) return;
      const jitter = (((f * 2654435761) % 1000) / 1000 - 0.5) * 0.3;
      const p = Math.max(0, Math.min(5, row[a]));
      parts.push(`<circle cx="${sx(Math.max(0, Math.min(5, t + jitter))).toFixed(1)}" cy="${sy(p).toFixed(1)}" r="1.6" fill="#1f77b4" fill-opacity="0.45"/>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders an SVG string to a PNG buffer. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * A face with the summed heatmaps of its AUs laid over it in red, and the decoded AU points.
 * @param rgb S×S×3 bytes, heatmaps H×W×K (channels-last), points K×2 in crop pixels
 */
export async function heatmapOverlayPng(rgb: Uint8Array, size: number, heatmaps: Float32Array, heatmapSize: number, channels: number, points?: Float32Array): Promise<Buffer> {
  const out = Buffer.alloc(size * size * 3);
  const scale = heatmapSize / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const hy = Math.min(heatmapSize - 1, Math.floor(y * scale));
      const hx = Math.min(heatmapSize - 1, Math.floor(x * scale));
      let sum = 0;
      const base = (hy * heatmapSize + hx) * channels;
      for (let k = 0; k < channels; k++) sum += Math.max(0, heatmaps[base + k]);
      const alpha = Math.min(0.85, sum / 5);
      const i = (y * size + x) * 3;
      out[i] = Math.round(rgb[i] * (1 - alpha) + 255 * alpha);
      out[i + 1] = Math.round(rgb[i + 1] * (1 - alpha));
      out[i + 2] = Math.round(rgb[i + 2] * (1 - alpha));
    }
  }
  if (points) {
    for (let k = 0; k < points.length / 2; k++) {
      const cx = Math.round(points[2 * k]);
      const cy = Math.round(points[2 * k + 1]);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) continue;
          const i = (y * size + x) * 3;
          out[i] = 255;
          out[i + 1] = 255;
          out[i + 2] = 0;
        }
      }
    }
  }
  return sharp(out, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** Puts PNG tiles of equal size side by side, `columns` per row. */
export async function tilePngs(tiles: Buffer[], tileSize: number, columns: number): Promise<Buffer> {
  const rows = Math.ceil(tiles.length / columns);
  return sharp({ create: { width: columns * tileSize, height: rows * tileSize, channels: 3, background: '#ffffff' } })
    .composite(tiles.map((input, i) => ({ input, left: (i % columns) * tileSize, top: Math.floor(i / columns) * tileSize })))
    .png()
    .toBuffer();
}
