/**
 * The SVG of one synthetic face. Geometry comes from the landmarks (the labels); the AU
 * appearance cues (wrinkles, folds, shading, teeth, mouth darkness) are drawn with an
 * opacity proportional to the AU's intensity, so their strength grows linearly with it.
 */
import { SYNTHETIC_AUS } from './action-units.js';
import type { FaceParams } from './face-params.js';
import { type Point, fmt, polylinePath, shade, smoothClosedPath, smoothContinue, smoothOpenPath } from './svg-paths.js';
import { poseMatrix } from './pose.js';
import { hairBack, hairFront } from './hair-svg.js';

const auIndex = (au: number): number => SYNTHETIC_AUS.indexOf(au);

/**
 * @param params the image parameters
 * @param face   Float32Array N×2: the expressive landmarks in canonical units
 * @param neutral Float32Array N×2: the same identity's neutral landmarks (anchors for folds)
 * @returns an SVG document of S×S pixels
 */
export function faceSvg(params: FaceParams, face: Float32Array, neutral: Float32Array): string {
  const { size, identity: id, scene } = params;
  const P = (i: number): Point => [face[2 * i], face[2 * i + 1]];
  const N = (i: number): Point => [neutral[2 * i], neutral[2 * i + 1]];
  const pts = (idx: number[]): Point[] => idx.map(P);
  const t = (au: number): number => Math.max(0, Math.min(1, params.intensities[auIndex(au)] / 5));
  const add = (p: Point, dx: number, dy: number): Point => [p[0] + dx, p[1] + dy];
  const lerp = (a: Point, b: Point, u: number): Point => [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
  const skin = shade(id.skin, 1);
  const fold = shade(id.skin, 0.45);
  const light = shade(id.skin.map((v) => v + (255 - v) * 0.35), 1);
  const contrast = id.foldContrast;
  const line = (d: string, width: number, opacity: number, colour = fold): string =>
    opacity <= 0.002 ? '' : `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${fmt(width)}" stroke-linecap="round" stroke-opacity="${fmt(Math.min(1, opacity * contrast))}"/>`;
  // An AU cue: a dark fold with a lit ridge just below it, so it shows on every skin tone.
  const cue = (d: string, width: number, opacity: number): string =>
    opacity <= 0.002 ? '' : line(d, width * 0.8, opacity * 0.7, light).replace('<path ', '<path transform="translate(0 0.008)" ') + line(d, width, opacity);
  const m = poseMatrix(params.pose).map((v) => v.toFixed(6)).join(' ');
  const parts: string[] = [];

  // Scene (image space): background gradient, and the light — a linear gradient over the
  // whole image, bright on the side the light comes from.
  const [bgTop, bgBottom] = scene.background;
  const a = (scene.lightAngle * Math.PI) / 180;
  const dx = Math.cos(a) / 2;
  const dy = -Math.sin(a) / 2;
  parts.push(
    `<defs><linearGradient id="light" x1="${fmt(0.5 - dx)}" y1="${fmt(0.5 - dy)}" x2="${fmt(0.5 + dx)}" y2="${fmt(0.5 + dy)}"><stop offset="0" stop-color="#fff" stop-opacity="${fmt(scene.lightStrength)}"/><stop offset="0.5" stop-color="#808080" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${fmt(scene.lightStrength)}"/></linearGradient>`,
    `<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${shade(bgTop, 1)}"/><stop offset="1" stop-color="${shade(bgBottom, 1)}"/></linearGradient>`,
    `<radialGradient id="round" cx="0.5" cy="0.42" r="0.62"><stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.28"/></radialGradient>`,
    `<radialGradient id="cheek" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="${light}" stop-opacity="0.9"/><stop offset="1" stop-color="${light}" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="throat" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#0a0304"/><stop offset="1" stop-color="#0a0304" stop-opacity="0"/></radialGradient>`,
  );
  const eyeR = smoothClosedPath(pts([36, 37, 38, 39, 40, 41]), 0.14);
  const eyeL = smoothClosedPath(pts([42, 43, 44, 45, 46, 47]), 0.14);
  const mouthInner = smoothClosedPath(pts([60, 61, 62, 63, 64, 65, 66, 67]), 0.12);
  parts.push(`<clipPath id="eyeRc"><path d="${eyeR}"/></clipPath><clipPath id="eyeLc"><path d="${eyeL}"/></clipPath><clipPath id="mouthc"><path d="${mouthInner}"/></clipPath></defs>`);
  parts.push(`<rect width="${size}" height="${size}" fill="url(#bg)"/>`);
  parts.push(`<g transform="matrix(${m})">`);

  // Body, hair behind the head, ears, neck.
  const chin = P(8);
  parts.push(`<path d="M-0.75 1.4C-0.7 0.82 -0.45 0.74 -0.2 0.68L0.2 0.68C0.45 0.74 0.7 0.82 0.75 1.4Z" fill="${shade(scene.clothes, 1)}"/>`);
  parts.push(`<path d="M-0.19 0.3L-0.2 0.82Q0 0.9 0.2 0.82L0.19 0.3Z" fill="${shade(id.skin, 0.8)}"/>`);
  parts.push(hairBack(id));
  for (const side of [-1, 1]) {
    const jaw = N(side < 0 ? 1 : 15);
    parts.push(`<ellipse cx="${fmt(jaw[0] + side * 0.012)}" cy="${fmt(jaw[1] - 0.03)}" rx="0.05" ry="0.1" fill="${shade(id.skin, 0.88)}"/>`);
  }

  // Head: the jaw line through landmarks 0–16, closed over the cranium.
  const topY = N(24)[1] - 0.42; // anchored to the neutral brows: the skull does not move with AU1/2/4
  const p0 = P(0);
  const p16 = P(16);
  const head =
    smoothOpenPath(pts([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])) +
    `C${fmt(p16[0] * 1.03)} ${fmt(topY + 0.12)} ${fmt(p16[0] * 0.62)} ${fmt(topY)} 0 ${fmt(topY)}` +
    `C${fmt(p0[0] * 0.62)} ${fmt(topY)} ${fmt(p0[0] * 1.03)} ${fmt(topY + 0.12)} ${fmt(p0[0])} ${fmt(p0[1])}Z`;
  parts.push(`<path d="${head}" fill="${skin}"/>`);
  // A shadow under the chin that follows the jaw drop.
  parts.push(`<path d="M${fmt(P(5)[0])} ${fmt(P(5)[1])}Q${fmt(chin[0])} ${fmt(chin[1] + 0.09)} ${fmt(P(11)[0])} ${fmt(P(11)[1])}Q${fmt(chin[0])} ${fmt(chin[1] + 0.03)} ${fmt(P(5)[0])} ${fmt(P(5)[1])}Z" fill="#000" fill-opacity="0.12"/>`);
  parts.push(`<path d="${head}" fill="url(#round)"/>`);

  // AU6 (cheek raiser): cheek highlights that rise with the cheeks, a fold under the lower
  // lid and crow's feet at the outer corners.
  const t6 = t(6);
  for (const [outer, lower, side] of [[36, 41, -1], [45, 46, 1]] as const) {
    const under = P(lower);
    const cheekY = under[1] + 0.12 - 0.05 * t6;
    parts.push(`<ellipse cx="${fmt(under[0] + side * 0.02)}" cy="${fmt(cheekY)}" rx="0.1" ry="0.065" fill="url(#cheek)" fill-opacity="${fmt(0.25 + 0.6 * t6)}"/>`);
    const o = P(outer);
    parts.push(cue(smoothOpenPath([add(P(outer === 36 ? 40 : 47), 0, 0.02), add(under, 0, 0.028), add(o, side * 0.01, 0.022)]), 0.0162, 0.715 * t6));
    for (const dy of [-0.02, 0.003, 0.025]) {
      parts.push(cue(`M${fmt(o[0] + side * 0.018)} ${fmt(o[1] + dy * 0.4)}L${fmt(o[0] + side * 0.06)} ${fmt(o[1] + dy * 1.6)}`, 0.0121, 0.78 * t6));
    }
  }

  // AU1 / AU2: forehead wrinkles (central for AU1, lateral for AU2), above the neutral brows.
  const browTop = Math.min(N(19)[1], N(24)[1]);
  for (let k = 0; k < 3; k++) {
    const y = browTop - 0.06 - k * 0.045;
    const bow = 0.012;
    parts.push(cue(`M-0.12 ${fmt(y + bow)}Q0 ${fmt(y - bow)} 0.12 ${fmt(y + bow)}`, 0.0149, 0.715 * t(1)));
    for (const side of [-1, 1]) {
      parts.push(cue(`M${fmt(side * 0.1)} ${fmt(y + bow)}Q${fmt(side * 0.2)} ${fmt(y - bow * 1.5)} ${fmt(side * 0.3)} ${fmt(y + bow * 1.5)}`, 0.0149, 0.715 * t(2)));
    }
  }

  // AU4: vertical furrows between the brows, and a crease across the nose root.
  const t4 = t(4);
  const glabellaY = (P(21)[1] + P(22)[1]) / 2;
  for (const side of [-1, 1]) {
    const x = side * (0.022 + 0.012 * (1 - t4));
    parts.push(cue(`M${fmt(x)} ${fmt(glabellaY - 0.06)}Q${fmt(x + side * 0.008)} ${fmt(glabellaY)} ${fmt(x - side * 0.004)} ${fmt(glabellaY + 0.05)}`, 0.0162, 0.9 * t4));
  }
  parts.push(cue(`M-0.035 ${fmt(N(27)[1] + 0.01)}Q0 ${fmt(N(27)[1] + 0.025)} 0.035 ${fmt(N(27)[1] + 0.01)}`, 0.0135, 0.52 * t4));

  // AU9: horizontal wrinkles across the nose bridge, deeper nose-wing creases.
  const t9 = t(9);
  for (let k = 0; k < 3; k++) {
    const y = N(27)[1] + 0.035 + k * 0.028;
    const w = 0.03 + k * 0.005;
    parts.push(cue(`M${fmt(-w)} ${fmt(y)}Q0 ${fmt(y - 0.014)} ${fmt(w)} ${fmt(y)}`, 0.0121, 0.9 * t9));
  }

  // Nose: ridge shading, base, wings, nostrils.
  const noseLight = [27, 28, 29, 30].map((i) => add(P(i), -0.028, 0));
  parts.push(line(smoothOpenPath(noseLight), 0.012, 0.25));
  const wingR = P(31);
  const wingL = P(35);
  const wingDepth = 0.35 + 0.45 * t9;
  parts.push(line(`M${fmt(wingR[0] + 0.01)} ${fmt(wingR[1] - 0.045)}Q${fmt(wingR[0] - 0.035)} ${fmt(wingR[1] - 0.01)} ${fmt(wingR[0] + 0.005)} ${fmt(wingR[1] + 0.008)}`, 0.011, wingDepth));
  parts.push(line(`M${fmt(wingL[0] - 0.01)} ${fmt(wingL[1] - 0.045)}Q${fmt(wingL[0] + 0.035)} ${fmt(wingL[1] - 0.01)} ${fmt(wingL[0] - 0.005)} ${fmt(wingL[1] + 0.008)}`, 0.011, wingDepth));
  parts.push(line(smoothOpenPath(pts([31, 32, 33, 34, 35])), 0.01, 0.45));
  for (const i of [32, 34]) {
    const n = P(i);
    parts.push(`<ellipse cx="${fmt(n[0])}" cy="${fmt(n[1] - 0.008)}" rx="0.017" ry="0.008" fill="${shade(id.skin, 0.3)}" fill-opacity="0.8"/>`);
  }
  parts.push(`<ellipse cx="${fmt(P(30)[0])}" cy="${fmt(P(30)[1] + 0.01)}" rx="0.025" ry="0.018" fill="${light}" fill-opacity="0.5"/>`);

  // AU12: nasolabial folds from the nose wings to beyond the lip corners (faint when neutral).
  const t12 = t(12);
  for (const [wing, corner, side] of [[31, 48, -1], [35, 54, 1]] as const) {
    const w = P(wing);
    const c = P(corner);
    const start: Point = [w[0] + side * 0.035, w[1] - 0.03];
    const end: Point = [c[0] + side * 0.05, c[1] + 0.035];
    const mid: Point = [lerp(start, end, 0.5)[0] + side * (0.035 + 0.02 * t12), lerp(start, end, 0.5)[1]];
    parts.push(cue(smoothOpenPath([start, mid, end]), 0.0189, 0.12 + 0.78 * t12));
  }

  // AU15: lines pulled down from the lip corners and a shadow below them; AU20: folds
  // lateral to the stretched corners.
  for (const [corner, side] of [[48, -1], [54, 1]] as const) {
    const c = P(corner);
    if (t(15) > 0) {
      parts.push(`<ellipse cx="${fmt(c[0] + side * 0.01)}" cy="${fmt(c[1] + 0.035)}" rx="0.03" ry="0.04" fill="${fold}" fill-opacity="${fmt(0.3 * t(15) * contrast)}"/>`);
    }
    parts.push(cue(`M${fmt(c[0] + side * 0.005)} ${fmt(c[1] + 0.012)}Q${fmt(c[0] + side * 0.01)} ${fmt(c[1] + 0.05)} ${fmt(c[0] + side * 0.002)} ${fmt(c[1] + 0.085)}`, 0.0162, 0.845 * t(15)));
    parts.push(cue(`M${fmt(c[0] + side * 0.015)} ${fmt(c[1] - 0.025)}Q${fmt(c[0] + side * 0.03)} ${fmt(c[1])} ${fmt(c[0] + side * 0.015)} ${fmt(c[1] + 0.025)}`, 0.0149, 0.78 * t(20)));
  }

  // AU17: chin wrinkling (a stipple on the chin boss) and a deeper crease under the lower lip.
  const t17 = t(17);
  const boss: Point = lerp(P(57), chin, 0.45);
  // The raised chin boss bulges: a lit patch that brightens with intensity.
  parts.push(`<ellipse cx="${fmt(boss[0])}" cy="${fmt(boss[1] + 0.01)}" rx="0.085" ry="0.055" fill="url(#cheek)" fill-opacity="${fmt(0.8 * t17)}"/>`);
  const bumps: Point[] = [[-0.05, -0.01], [0, -0.018], [0.05, -0.01], [-0.03, 0.02], [0.03, 0.02], [0, 0.04], [-0.065, 0.03], [0.065, 0.03]];
  for (const [dx, dy] of bumps) {
    parts.push(cue(`M${fmt(boss[0] + dx - 0.016)} ${fmt(boss[1] + dy)}Q${fmt(boss[0] + dx)} ${fmt(boss[1] + dy + 0.016)} ${fmt(boss[0] + dx + 0.016)} ${fmt(boss[1] + dy)}`, 0.0145, 0.845 * t17));
  }
  const under = add(P(57), 0, 0.03);
  parts.push(cue(`M${fmt(under[0] - 0.06)} ${fmt(under[1] - 0.005)}Q${fmt(under[0])} ${fmt(under[1] + 0.015)} ${fmt(under[0] + 0.06)} ${fmt(under[1] - 0.005)}`, 0.0189, 0.15 + 0.65 * t17));

  // Eyes: sclera, iris (fixed to the eye corners, so raised lids uncover white above it),
  // pupil, the lash line on the upper lid, a lid crease and the lower lid.
  for (const [eye, clip, idx] of [[eyeR, 'eyeRc', [36, 37, 38, 39, 40, 41]], [eyeL, 'eyeLc', [45, 44, 43, 42, 47, 46]]] as const) {
    const outer = P(idx[0]);
    const inner = P(idx[3]);
    const cx = (outer[0] + inner[0]) / 2;
    const cy = (N(idx[0])[1] + N(idx[3])[1]) / 2 + 0.004;
    const r = Math.abs(inner[0] - outer[0]) * 0.29;
    parts.push(`<path d="${eye}" fill="#f2eee8"/>`);
    parts.push(`<g clip-path="url(#${clip})"><circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="${fmt(r)}" fill="${shade(id.iris, 1)}"/><circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="${fmt(r * 0.45)}" fill="#111"/><circle cx="${fmt(cx + r * 0.3)}" cy="${fmt(cy - r * 0.3)}" r="${fmt(r * 0.18)}" fill="#fff" fill-opacity="0.8"/></g>`);
    const upper = pts([idx[0], idx[1], idx[2], idx[3]]);
    parts.push(line(smoothOpenPath(upper), 0.014, 0.95, '#1c1410'));
    parts.push(line(smoothOpenPath(upper.map((p, k) => add(p, 0, k === 0 || k === 3 ? -0.006 : -0.024))), 0.008, 0.35));
    parts.push(line(smoothOpenPath(pts([idx[3], idx[4], idx[5], idx[0]])), 0.006, 0.5));
  }

  // Brows: a tapered stroke through 17–21 and 22–26.
  for (const idx of [[17, 18, 19, 20, 21], [26, 25, 24, 23, 22]]) {
    const browColour = shade(id.brow, 1);
    parts.push(`<path d="${smoothOpenPath(pts(idx))}" fill="none" stroke="${browColour}" stroke-width="${fmt(id.browThickness * 0.65)}" stroke-linecap="round"/>`);
    parts.push(`<path d="${smoothOpenPath(pts(idx.slice(1)))}" fill="none" stroke="${browColour}" stroke-width="${fmt(id.browThickness)}" stroke-linecap="round"/>`);
  }

  // Mouth: dark interior (darker deep inside with the jaw drop, AU26), teeth (AU25), lips.
  const t25 = t(25);
  const t26 = t(26);
  const innerTop = P(62);
  const innerBottom = P(66);
  const opening = innerBottom[1] - innerTop[1];
  if (opening > 0.002) {
    parts.push(`<path d="${mouthInner}" fill="#4a1c1e"/>`);
    const mouthW = Math.abs(P(64)[0] - P(60)[0]);
    parts.push(`<g clip-path="url(#mouthc)">`);
    parts.push(`<ellipse cx="${fmt((innerTop[0] + innerBottom[0]) / 2)}" cy="${fmt((innerTop[1] + innerBottom[1]) / 2 + 0.005)}" rx="${fmt(mouthW * 0.42)}" ry="${fmt(opening * 0.55)}" fill="url(#throat)" fill-opacity="${fmt(0.2 + 0.8 * t26)}"/>`);
    const teethOpacity = Math.min(1, 0.3 + 0.7 * t25);
    parts.push(`<path d="${polylinePath([add(P(60), 0, -0.02), add(P(64), 0, -0.02), add(P(64), 0, 0.004), add(P(63), 0, 0.03), add(P(61), 0, 0.03), add(P(60), 0, 0.004)], true)}" fill="#f4f0e6" fill-opacity="${fmt(teethOpacity)}"/>`);
    for (const u of [0.35, 0.45, 0.55, 0.65]) {
      const x = P(60)[0] + (P(64)[0] - P(60)[0]) * u;
      parts.push(line(`M${fmt(x)} ${fmt(innerTop[1] - 0.01)}L${fmt(x)} ${fmt(innerTop[1] + 0.028)}`, 0.004, 0.35 * teethOpacity, '#9a8f80'));
    }
    parts.push(`<ellipse cx="${fmt(innerBottom[0])}" cy="${fmt(innerBottom[1])}" rx="${fmt(mouthW * 0.3)}" ry="0.018" fill="#e8e2d6" fill-opacity="${fmt(0.6 * t25)}"/>`);
    parts.push(`</g>`);
  }
  parts.push(`<path d="${smoothOpenPath(pts([48, 49, 50, 51, 52, 53, 54]), 0.14)}L${fmt(P(64)[0])} ${fmt(P(64)[1])}${smoothContinue(pts([64, 63, 62, 61, 60]))}Z" fill="${shade(id.lip, 1)}"/>`);
  parts.push(`<path d="${smoothOpenPath(pts([54, 55, 56, 57, 58, 59, 48]), 0.14)}L${fmt(P(60)[0])} ${fmt(P(60)[1])}${smoothContinue(pts([60, 67, 66, 65, 64]))}Z" fill="${shade(id.lip, 1.08)}"/>`);
  parts.push(`<ellipse cx="${fmt(P(57)[0])}" cy="${fmt((P(57)[1] + P(66)[1]) / 2)}" rx="0.035" ry="0.01" fill="#fff" fill-opacity="0.18"/>`);
  parts.push(line(smoothOpenPath(pts([48, 60, 61, 62, 63, 64, 54])), 0.008, 0.9, shade(id.lip, 0.45)));

  parts.push(hairFront(id, topY, p0, p16));
  parts.push(`</g>`);

  parts.push(`<rect width="${size}" height="${size}" fill="url(#light)"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${parts.join('')}</svg>`;
}
