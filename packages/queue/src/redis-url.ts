/**
 * Where the queue lives: a Redis URL (`redis://[:password@]host[:port][/db]`, or `rediss://`
 * for TLS; a username may precede the password), read into ioredis connection options. The
 * password never reaches a log: every message prints {@link redactRedisUrl}'s form instead.
 */
import type { ConnectionOptions } from 'bullmq';

export interface RedisTarget {
  /** ioredis options for BullMQ (`maxRetriesPerRequest: null`, as BullMQ's workers require). */
  connection: ConnectionOptions;
  /** The URL with the password replaced by `***`: the only form that may be printed. */
  redacted: string;
}

/** `redis://:secret@host:6379/2` → `redis://:***@host:6379/2`. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon >= 0 ? `${auth.slice(0, colon)}:***` : '***'}@`;
  });
}

/** Parses a Redis URL; errors name the part that is wrong (and never echo the password). */
export function parseRedisUrl(url: string): RedisTarget {
  if (typeof url !== 'string' || url.length === 0) throw new TypeError('--redis: give a URL such as redis://127.0.0.1:6379');
  const redacted = redactRedisUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`--redis ${redacted}: not a URL (expected redis://[:password@]host[:port][/db] or rediss://…)`);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw new TypeError(`--redis ${redacted}: the scheme must be redis:// or rediss://, got ${scheme}//`);
  if (!parsed.hostname) throw new TypeError(`--redis ${redacted}: no host`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new TypeError(`--redis ${redacted}: the database must be a number ≥ 0, got "${dbText}"`);
  const connection: ConnectionOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(scheme === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    // BullMQ's blocking commands must wait through a Redis restart instead of failing.
    maxRetriesPerRequest: null,
    // Reconnect forever, backing off to 2 s: a restarted Redis is picked up again.
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
  return { connection, redacted };
}
