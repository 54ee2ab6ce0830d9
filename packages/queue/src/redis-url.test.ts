import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, db, password and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1').connection).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0, maxRetriesPerRequest: null });
    const full = parseRedisUrl('rediss://user:p%40ss@cache.example:6380/3');
    expect(full.connection).toMatchObject({ host: 'cache.example', port: 6380, db: 3, username: 'user', password: 'p@ss', tls: { servername: 'cache.example' } });
    expect(full.redacted).toBe('rediss://user:***@cache.example:6380/3');
    expect(parseRedisUrl('redis://:secret@h:1').connection).toMatchObject({ password: 'secret' });
    expect('tls' in parseRedisUrl('redis://h').connection).toBe(false);
  });

  it('rejects bad URLs without echoing the password', () => {
    expect(() => parseRedisUrl('http://:secret@h')).toThrow(/scheme must be redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://:secret@h/x')).toThrow(/database must be a number/);
    for (const bad of ['http://:secret@h', 'redis://:secret@h/x', 'redis://:secret@']) {
      try {
        parseRedisUrl(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain('secret');
      }
    }
    expect(() => parseRedisUrl('')).toThrow(/give a URL/);
  });
});

describe('redactRedisUrl', () => {
  it('hides passwords and bare tokens, keeps the rest', () => {
    expect(redactRedisUrl('redis://:pw@h:6379')).toBe('redis://:***@h:6379');
    expect(redactRedisUrl('redis://token@h')).toBe('redis://***@h');
    expect(redactRedisUrl('redis://h:6379/0')).toBe('redis://h:6379/0');
  });
});
