// Errors that reading a multipart body raises (busboy, its dicer parser, @fastify/multipart)
// carry no HTTP status, so they would reach the error handler as a 500. They all mean the
// client sent a body that is not well-formed multipart: a 4xx problem. Found by fuzzing
// (fuzz/targets/multipart.ts); the inputs are in fuzz/corpus/multipart/.
import { ProblemError } from './problem.js';

// busboy 3 / dicer messages (their source has no error codes), and the stream ending inside a part.
const MALFORMED = [
  /^Multipart: Boundary not found$/,
  /^Boundary required$/,
  /^The needle cannot (be an empty|have a length bigger than)/,
  /^Unexpected end of multipart data$/,
  /terminated early due to unexpected end of multipart data$/,
  /^Malformed part header$/,
];

/**
 * The problem a multipart parsing error stands for, or the error unchanged when it is not one.
 * @fastify/multipart's own 406s (a body that is not multipart, a JSON field that is not JSON)
 * become 415 and 400.
 */
export function multipartProblem<E extends Error & { code?: string; statusCode?: number }>(error: E): E | ProblemError {
  if (error instanceof ProblemError) return error;
  if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return new ProblemError('bad-request', 'the multipart body ends inside a part, before its closing boundary');
  if (error.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new ProblemError('unsupported-media-type', 'the body is not multipart/form-data');
  if (error.code === 'FST_INVALID_JSON_FIELD_ERROR') return new ProblemError('bad-request', `the multipart body cannot be read: ${error.message}`);
  if (error.statusCode === undefined && MALFORMED.some((m) => m.test(error.message))) {
    return new ProblemError('bad-request', `the multipart body cannot be read: ${error.message} (check the boundary in Content-Type and the parts' framing)`);
  }
  return error;
}
