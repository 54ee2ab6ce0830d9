// GET /openapi.json: an OpenAPI 3.1 document built from the same schemas the routes use.
import { analysisSchema, analyzeQuerySchema, batchSchema, problemSchema, statusSchema } from './schemas.js';

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponses = (codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: problemRef } } }]));

function queryParameters() {
  return Object.entries(analyzeQuerySchema.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: schema.description,
    schema: { type: schema.type, default: schema.default },
  }));
}

const { $id: _a, ...analysis } = analysisSchema;
const { $id: _p, ...problem } = problemSchema;

/** The OpenAPI document (a fresh object each call). */
export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'g2rl-serve',
      version: '0.1.0',
      description: 'Facial Action Unit intensity (0–5) estimation with G2RL: face detection, 68 landmarks, alignment, heatmap regression.',
    },
    components: {
      schemas: { Problem: problem, Analysis: analysis },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Only when the server was started with --token.' } },
    },
    paths: {
      '/v1/analyze': {
        post: {
          summary: 'Detect faces and estimate AU intensities in one image',
          parameters: queryParameters(),
          requestBody: {
            required: true,
            content: {
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'image/webp': { schema: { type: 'string', format: 'binary' } },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    image: { type: 'string', format: 'binary' },
                    landmarks: { type: 'string', description: 'With ?aligned=true: JSON [[x, y], …] (68 points, image pixels) to align with instead of detecting.' },
                  },
                },
              },
            },
          },
          responses: { 200: { description: 'Faces and AUs', content: { 'application/json': { schema: { $ref: '#/components/schemas/Analysis' } } } }, ...problemResponses([400, 401, 413, 415, 422, 503, 504]) },
        },
      },
      '/v1/analyze/batch': {
        post: {
          summary: 'Analyse several images; one result or problem per image',
          parameters: queryParameters(),
          requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary' } } } } },
          responses: { 200: { description: 'Per-image results', content: { 'application/json': { schema: batchSchema } } }, ...problemResponses([400, 401, 413, 415, 503]) },
        },
      },
      '/v1/model': { get: { summary: 'The model card', responses: { 200: { description: 'model-card.json', content: { 'application/json': { schema: { type: 'object' } } } }, ...problemResponses([401, 503]) } } },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'alive', content: { 'application/json': { schema: statusSchema } } } } } },
      '/readyz': { get: { summary: 'Readiness (model and detector loaded)', responses: { 200: { description: 'ready', content: { 'application/json': { schema: statusSchema } } }, ...problemResponses([503]) } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    },
    security: [{}, { bearer: [] }],
  };
}
