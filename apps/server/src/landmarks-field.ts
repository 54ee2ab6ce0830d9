// The optional `landmarks` form field of `?aligned=true` requests: JSON `[[x, y], …]` or a
// flat `[x0, y0, x1, y1, …]` in image pixels, N points of the model card's scheme (68 for
// iBUG-68), checked here so a bad field is a 400 that says what is wrong.
import { ProblemError } from './problem.js';

const SCHEME_SIZES: Record<string, number> = { ibug68: 68, disfa66: 66, bp4d49: 49 };

/** Parses and checks the field; returns flat `x, y` pairs (length N·2). */
export function parseLandmarks(text: string, card: { scheme?: string }): number[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProblemError('invalid-landmarks', `the landmarks field is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new ProblemError('invalid-landmarks', 'the landmarks field must be a JSON array, [[x, y], …] or [x0, y0, x1, y1, …]');
  const flat = value.every((p) => Array.isArray(p)) ? (value as unknown[][]).flatMap((p, i) => {
    if (p.length !== 2) throw new ProblemError('invalid-landmarks', `landmarks[${i}] must be [x, y], got ${JSON.stringify(p)}`);
    return p;
  }) : value;
  const bad = flat.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new ProblemError('invalid-landmarks', `landmark coordinate ${bad} (flat index) is not a finite number: ${JSON.stringify(flat[bad])}`);
  const scheme = String(card.scheme ?? 'ibug68');
  const expected = SCHEME_SIZES[scheme] ?? 68;
  if (flat.length !== expected * 2) {
    throw new ProblemError('invalid-landmarks', `expected ${expected} landmarks (the model's '${scheme}' scheme), got ${flat.length / 2}`);
  }
  return flat as number[];
}
