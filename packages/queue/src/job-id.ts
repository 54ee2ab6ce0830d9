/**
 * Job ids that make adding idempotent: the same input with the same settings gets the same id,
 * so BullMQ refuses a second copy while the first exists. A SHA-256 of the canonical JSON
 * (keys sorted), 32 hex digits.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The job id of `parts` (any JSON value). */
export function jobIdFor(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 32);
}
