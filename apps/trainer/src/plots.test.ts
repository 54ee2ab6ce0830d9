import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { heatmapOverlayPng, lineChartSvg, scatterGridSvg, svgToPng } from './plots.js';

describe('plots', () => {
  it('draws a line chart as a PNG of the requested size', async () => {
    const svg = lineChartSvg([{ name: 'loss', points: [[1, 1], [2, 0.5], [3, 0.25]] }], { title: 'Loss', xLabel: 'step', yLabel: 'loss', logY: true });
    expect(svg).toContain('<path d="M');
    const meta = await sharp(await svgToPng(svg)).metadata();
    expect([meta.width, meta.height]).toEqual([720, 420]);
  });

  it('leaves out frames whose truth is missing', () => {
    const svg = scatterGridSvg([[1, 2], [3, 4]], [[1, Number.NaN], [3, 4]], [1, 2]);
    expect(svg.match(/<circle/g)?.length).toBe(3);
  });

  it('reddens the face where the heatmap is hot', async () => {
    const size = 8;
    const rgb = new Uint8Array(size * size * 3).fill(100);
    const heat = new Float32Array(4 * 4 * 1);
    heat[0] = 5; // top-left heatmap pixel = top-left 2×2 image pixels
    const png = await heatmapOverlayPng(rgb, size, heat, 4, 1);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[(7 * size + 7) * 3]).toBe(100);
  });
});
