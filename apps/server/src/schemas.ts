// JSON Schemas of the API: fastify validates requests and serialises responses with
// them, and /openapi.json is built from the same objects, so the docs cannot drift.

const point = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } as const;
const affine = { type: 'array', items: { type: 'number' }, minItems: 6, maxItems: 6 } as const;

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'A URI naming the kind of problem (see the README).' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What was wrong and what would be right.' },
    instance: { type: 'string' },
    index: { type: 'integer', description: 'Batch only: the 0-based index of the image.' },
  },
} as const;

const stageTimings = {
  type: 'object',
  description: 'Milliseconds per stage (model and postprocess: the whole worker batch this image was in).',
  properties: Object.fromEntries(['decode', 'detect', 'landmarks', 'align', 'model', 'postprocess'].map((s) => [s, { type: 'number' }])),
} as const;

export const faceSchema = {
  type: 'object',
  required: ['box', 'score', 'landmarks', 'aus', 'transform', 'inverse'],
  properties: {
    box: {
      type: 'object',
      required: ['x', 'y', 'width', 'height'],
      properties: { x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } },
    },
    score: { type: ['number', 'null'], description: 'Detector score in [0, 1]; null for a client-aligned face.' },
    quality: { type: ['number', 'null'], description: 'How well the landmarks fit a face, in [0, 1] (faces below the analyzer\'s minQuality are not returned); null for a client-aligned face.' },
    landmarks: { type: ['array', 'null'], items: point, description: 'N = 68 landmarks [x, y] in image pixels (iBUG-68 order).' },
    aus: {
      type: 'array',
      items: {
        type: 'object',
        required: ['au', 'name', 'intensity', 'points', 'peaks'],
        properties: {
          au: { type: 'integer', description: 'FACS Action Unit number.' },
          name: { type: 'string' },
          intensity: { type: 'number', minimum: 0, maximum: 5, description: 'Estimated intensity, 0 (absent) to 5 (maximum).' },
          points: { type: 'array', items: point, description: "The AU's two points in image pixels." },
          peaks: { type: 'array', items: { type: 'number' }, description: 'Intensity decoded at each point.' },
        },
      },
    },
    transform: { ...affine, description: 'Image → aligned crop affine [a, b, tx, c, d, ty].' },
    inverse: { ...affine, description: 'Aligned crop → image affine.' },
    heatmaps: {
      type: 'array',
      description: 'Only with ?heatmaps=true: per AU an H×W grey PNG (255 = intensity 5), base64, in aligned-crop coordinates (map with `inverse` scaled by S/H).',
      items: { type: 'object', required: ['au', 'png'], properties: { au: { type: 'integer' }, png: { type: 'string' } } },
    },
  },
} as const;

export const analysisSchema = {
  $id: 'Analysis',
  type: 'object',
  required: ['width', 'height', 'faces', 'timings'],
  properties: {
    width: { type: 'integer' },
    height: { type: 'integer' },
    faces: { type: 'array', items: faceSchema },
    timings: stageTimings,
  },
} as const;

export const batchSchema = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      description: 'One entry per image, in request order: an analysis or a problem.',
      items: {
        type: 'object',
        required: ['index', 'filename'],
        properties: {
          index: { type: 'integer' },
          filename: { type: 'string' },
          analysis: analysisSchema,
          problem: problemSchema,
        },
      },
    },
  },
} as const;

export const analyzeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    aligned: { type: 'boolean', default: false, description: 'The image is an aligned face crop (skips detection); with a `landmarks` form field, align with those instead.' },
    heatmaps: { type: 'boolean', default: false, description: 'Also return each AU heatmap as a small base64 PNG.' },
    maxFaces: { type: 'integer', minimum: 1, maximum: 32, default: 10, description: 'Analyse at most this many faces (highest detector scores).' },
  },
} as const;

export const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, backend: { type: 'string' }, model: { type: 'string' } },
} as const;
