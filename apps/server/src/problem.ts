// RFC 9457 problem details: every error the server sends is one of these JSON bodies,
// with a stable `type` URI per kind of error so clients can branch on it.

/** The body of an `application/problem+json` response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** For a batch: which part (0-based file index) the problem is about. */
  index?: number;
}

/** Every kind of error the server can answer with: HTTP status and a short title. */
export const PROBLEM_KINDS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'invalid-image': { status: 400, title: 'The image could not be decoded' },
  'invalid-landmarks': { status: 400, title: 'The landmarks are not valid' },
  unauthorized: { status: 401, title: 'Missing or wrong bearer token' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'image-too-large': { status: 413, title: 'The image has too many pixels' },
  'too-many-files': { status: 413, title: 'Too many images in one batch' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'no-face': { status: 422, title: 'No face found in the image' },
  'queue-full': { status: 503, title: 'The server is busy' },
  'not-ready': { status: 503, title: 'The model is not loaded yet' },
  'shutting-down': { status: 503, title: 'The server is shutting down' },
  'origin-not-allowed': { status: 403, title: 'The origin is not allowed (CORS)' },
  timeout: { status: 504, title: 'The analysis took too long' },
  internal: { status: 500, title: 'Internal server error' },
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** Base URI of our problem types; documented in the server README. */
export const PROBLEM_TYPE_BASE = 'https://github.com/g2rl/g2rl/blob/main/apps/server/README.md#problem-';

/** A thrown error that the server turns into a problem response. */
export class ProblemError extends Error {
  readonly kind: ProblemKind;
  readonly status: number;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(kind: ProblemKind, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ProblemError';
    this.kind = kind;
    this.status = PROBLEM_KINDS[kind].status;
    this.headers = headers;
  }

  toBody(instance?: string): ProblemBody {
    return problemBody(this.kind, this.message, instance);
  }
}

/** The JSON body for a problem `kind` with a human-readable `detail`. */
export function problemBody(kind: ProblemKind, detail: string, instance?: string): ProblemBody {
  const { status, title } = PROBLEM_KINDS[kind];
  const body: ProblemBody = { type: PROBLEM_TYPE_BASE + kind, title, status, detail };
  if (instance !== undefined) body.instance = instance;
  return body;
}

/** Whether a value crossing a worker boundary is a problem body. */
export function isProblemBody(value: unknown): value is ProblemBody {
  const v = value as ProblemBody;
  return typeof v === 'object' && v !== null && typeof v.type === 'string' && typeof v.status === 'number' && typeof v.title === 'string';
}

/** The kind named by a problem body's `type` URI, or `'internal'`. */
export function kindOf(body: ProblemBody): ProblemKind {
  const kind = body.type.startsWith(PROBLEM_TYPE_BASE) ? body.type.slice(PROBLEM_TYPE_BASE.length) : '';
  return kind in PROBLEM_KINDS ? (kind as ProblemKind) : 'internal';
}
