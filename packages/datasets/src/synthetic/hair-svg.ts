/**
 * Hair: drawn behind the head (long hair, bun) and over the cranium (the cap), always
 * above the forehead-wrinkle band so that no style hides the brows (AU1/2/4 cues).
 */
import type { FaceIdentity } from './identity.js';
import { type Point, fmt, shade } from './svg-paths.js';

/** Hair behind the head and neck (SVG fragment in canonical face units). */
export function hairBack(id: FaceIdentity): string {
  const colour = shade(id.hair, 0.85);
  if (id.hairStyle === 'long') {
    const w = 0.47 * id.faceWidth;
    return `<path d="M${fmt(-w * 1.08)} -0.3C${fmt(-w * 1.25)} 0.1 ${fmt(-w * 1.2)} 0.5 ${fmt(-w * 1.18)} 0.78L${fmt(w * 1.18)} 0.78C${fmt(w * 1.2)} 0.5 ${fmt(w * 1.25)} 0.1 ${fmt(w * 1.08)} -0.3Z" fill="${colour}"/>`;
  }
  if (id.hairStyle === 'bun') return `<circle cx="0" cy="-0.78" r="0.14" fill="${colour}"/>`;
  return '';
}

/**
 * The hair over the cranium.
 * @param topY y of the top of the cranium (canonical units)
 * @param p0   jaw point 0, p16 jaw point 16 (the head's sides at the temples)
 */
export function hairFront(id: FaceIdentity, topY: number, p0: Point, p16: Point): string {
  const colour = shade(id.hair, 1);
  const dark = shade(id.hair, 0.7);
  const w = (Math.abs(p0[0]) + Math.abs(p16[0])) / 2 + 0.015;
  const sideY = Math.min(p0[1], p16[1]) - 0.05;
  const hairY = topY + 0.19;
  const top = topY - 0.05;
  if (id.hairStyle === 'bald') {
    return (
      `<ellipse cx="${fmt(-w + 0.01)}" cy="${fmt(sideY)}" rx="0.035" ry="0.09" fill="${colour}"/>` +
      `<ellipse cx="${fmt(w - 0.01)}" cy="${fmt(sideY)}" rx="0.035" ry="0.09" fill="${colour}"/>` +
      `<ellipse cx="-0.08" cy="${fmt(topY + 0.09)}" rx="0.12" ry="0.05" fill="#fff" fill-opacity="0.18"/>`
    );
  }
  const outer = `M${fmt(-w)} ${fmt(sideY)}C${fmt(-w * 1.1)} ${fmt(top + 0.08)} ${fmt(-w * 0.6)} ${fmt(top)} 0 ${fmt(top)}C${fmt(w * 0.6)} ${fmt(top)} ${fmt(w * 1.1)} ${fmt(top + 0.08)} ${fmt(w)} ${fmt(sideY)}`;
  let hairline: string;
  if (id.hairStyle === 'sidePart') {
    // A fringe swept toward the image left, lower on that side.
    hairline = `L${fmt(w * 0.86)} ${fmt(sideY - 0.02)}C${fmt(w * 0.8)} ${fmt(hairY - 0.02)} ${fmt(w * 0.3)} ${fmt(hairY - 0.05)} ${fmt(w * 0.1)} ${fmt(hairY - 0.04)}C${fmt(-w * 0.2)} ${fmt(hairY + 0.02)} ${fmt(-w * 0.6)} ${fmt(hairY + 0.07)} ${fmt(-w * 0.88)} ${fmt(sideY - 0.02)}Z`;
  } else {
    hairline = `L${fmt(w * 0.88)} ${fmt(sideY - 0.02)}C${fmt(w * 0.86)} ${fmt(hairY)} ${fmt(w * 0.4)} ${fmt(hairY - 0.015)} 0 ${fmt(hairY)}C${fmt(-w * 0.4)} ${fmt(hairY - 0.015)} ${fmt(-w * 0.86)} ${fmt(hairY)} ${fmt(-w * 0.88)} ${fmt(sideY - 0.02)}Z`;
  }
  let out = `<path d="${outer}${hairline}" fill="${colour}"/>`;
  if (id.hairStyle === 'curly') {
    for (let k = 0; k <= 8; k++) {
      const a = Math.PI * (k / 8);
      const x = -Math.cos(a) * w * 0.95;
      const y = sideY + (top + 0.02 - sideY) * Math.sin(a);
      out += `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="0.07" fill="${colour}"/>`;
    }
  }
  // A few strands for texture.
  for (const u of [-0.5, -0.2, 0.15, 0.45]) {
    out += `<path d="M${fmt(u * w)} ${fmt(top + 0.03)}Q${fmt(u * w * 1.3)} ${fmt((top + hairY) / 2)} ${fmt(u * w * 1.1)} ${fmt(hairY - 0.03)}" fill="none" stroke="${dark}" stroke-width="0.01" stroke-opacity="0.5"/>`;
  }
  return out;
}
