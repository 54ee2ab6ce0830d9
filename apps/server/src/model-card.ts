// The fields of `model-card.json` (format 'g2rl-model-card/1', see ARCHITECTURE.md) that
// serving relies on, checked when the model is loaded so that a bad card fails at start-up
// with the file and field named, not at the first request.

/** The model card as serving reads it; other fields are kept and returned by `GET /v1/model`. */
export interface ServedModelCard {
  format: string;
  /** AU numbers in heatmap-channel order: AU `aus[a]` owns channels `2a`, `2a + 1`. */
  aus: number[];
  scheme: 'ibug68' | 'disfa66' | 'bp4d49';
  input: { size: number; range: [number, number] };
  heatmap: { size: number; sigma: number; normalization: 'peak' | 'density' };
  alignment: { template?: string; size?: number; [key: string]: unknown };
  [key: string]: unknown;
}

function fail(file: string, field: string, expected: string, got: unknown): never {
  throw new Error(`${file}: field "${field}" must be ${expected}, got ${JSON.stringify(got)}`);
}

/** Checks a parsed card; `file` names it in errors. Returns it typed. */
export function checkModelCard(card: unknown, file: string): ServedModelCard {
  if (typeof card !== 'object' || card === null || Array.isArray(card)) fail(file, '(root)', 'a JSON object', card);
  const c = card as Record<string, any>;
  if (typeof c.format !== 'string' || !c.format.startsWith('g2rl-model-card/')) fail(file, 'format', '"g2rl-model-card/1"', c.format);
  if (!Array.isArray(c.aus) || c.aus.length === 0 || !c.aus.every((a: unknown) => Number.isInteger(a) && (a as number) > 0)) {
    fail(file, 'aus', 'a non-empty array of AU numbers', c.aus);
  }
  if (!['ibug68', 'disfa66', 'bp4d49'].includes(c.scheme)) fail(file, 'scheme', "one of 'ibug68', 'disfa66', 'bp4d49'", c.scheme);
  if (!Number.isInteger(c.input?.size) || c.input.size < 8) fail(file, 'input.size', 'an integer ≥ 8 (the crop side S)', c.input?.size);
  const range = c.input.range ?? [0, 1];
  if (!Array.isArray(range) || range.length !== 2 || range[0] !== 0 || range[1] !== 1) fail(file, 'input.range', '[0, 1]', range);
  if (!Number.isInteger(c.heatmap?.size) || c.heatmap.size < 2) fail(file, 'heatmap.size', 'an integer ≥ 2 (the heatmap side H)', c.heatmap?.size);
  if (!(typeof c.heatmap.sigma === 'number' && c.heatmap.sigma > 0)) fail(file, 'heatmap.sigma', 'a positive number', c.heatmap.sigma);
  const normalization = c.heatmap.normalization ?? 'peak';
  if (normalization !== 'peak' && normalization !== 'density') fail(file, 'heatmap.normalization', "'peak' or 'density'", normalization);
  const alignment = c.alignment ?? {};
  if (typeof alignment !== 'object' || Array.isArray(alignment)) fail(file, 'alignment', 'an object', alignment);
  return { ...c, input: { ...c.input, range: [0, 1] }, heatmap: { ...c.heatmap, normalization }, alignment } as ServedModelCard;
}
