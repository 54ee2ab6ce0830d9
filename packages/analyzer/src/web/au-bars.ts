// A bar per AU (the first face's intensities, 0–5), with the AU's number, name and value.
import { AU_CATALOGUE } from '@g2rl/heatmaps';
import { auColour } from './au-colours.js';

export class AuBars {
  private readonly fills: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];

  constructor(container: HTMLElement, readonly aus: readonly number[]) {
    container.replaceChildren();
    aus.forEach((au, a) => {
      const row = document.createElement('div');
      row.className = 'au-bar';
      row.dataset.au = String(au);
      const label = document.createElement('span');
      label.className = 'au-label';
      label.textContent = `AU${au}`;
      label.title = AU_CATALOGUE.find((c) => c.au === au)?.name ?? '';
      const track = document.createElement('span');
      track.className = 'au-track';
      const fill = document.createElement('span');
      fill.className = 'au-fill';
      fill.style.background = auColour(a);
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'au-value';
      value.textContent = '–';
      row.append(label, track, value);
      container.append(row);
      this.fills.push(fill);
      this.values.push(value);
    });
  }

  /** Shows `intensities` (A values), or dashes when there is no face. */
  update(intensities: ArrayLike<number> | null): void {
    this.aus.forEach((_, a) => {
      const v = intensities ? intensities[a]! : NaN;
      this.fills[a]!.style.width = Number.isNaN(v) ? '0%' : `${(Math.min(5, Math.max(0, v)) / 5) * 100}%`;
      this.values[a]!.textContent = Number.isNaN(v) ? '–' : v.toFixed(2);
    });
  }
}
