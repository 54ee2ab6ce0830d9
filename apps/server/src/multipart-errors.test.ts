import { describe, expect, it } from 'vitest';
import { multipartProblem } from './multipart-errors.js';
import { ProblemError } from './problem.js';

const error = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('multipartProblem', () => {
  // Each was a 500 under fuzzing (fuzz/corpus/multipart/): busboy's errors carry no status.
  it.each([
    ['Multipart: Boundary not found', 400],
    ['Unexpected end of multipart data', 400],
    ['Part terminated early due to unexpected end of multipart data', 400],
    ['The needle cannot have a length bigger than 256.', 400],
    ['Boundary required', 400],
  ])('"%s" is a %d problem naming the multipart body', (message, status) => {
    const problem = multipartProblem(error(message));
    expect(problem).toBeInstanceOf(ProblemError);
    expect((problem as ProblemError).status).toBe(status);
    expect(problem.message).toContain(`the multipart body cannot be read: ${message}`);
  });

  it('maps a body cut inside a part and @fastify/multipart 406s; leaves every other error alone', () => {
    expect((multipartProblem(error('Premature close', { code: 'ERR_STREAM_PREMATURE_CLOSE' })) as ProblemError).status).toBe(400);
    expect((multipartProblem(error('the request is not multipart', { code: 'FST_INVALID_MULTIPART_CONTENT_TYPE', statusCode: 406 })) as ProblemError).status).toBe(415);
    const other = error('boom');
    expect(multipartProblem(other)).toBe(other);
    const limited = error('Multipart: Boundary not found', { statusCode: 413 });
    expect(multipartProblem(limited)).toBe(limited);
  });
});
