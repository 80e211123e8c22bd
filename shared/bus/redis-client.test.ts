import { describe, expect, it } from 'vitest';
import { parseRedisUrl, slotOf, slotTag } from './redis-client.ts';

describe('REDIS_URL', () => {
  it('names one server with redis:// and rediss://', () => {
    expect(parseRedisUrl('redis://localhost:6379/0')).toEqual({ kind: 'single', url: 'redis://localhost:6379/0' });
    expect(parseRedisUrl('rediss://:pw@cache.internal:6380')).toEqual({ kind: 'single', url: 'rediss://:pw@cache.internal:6380' });
  });

  it('names a cluster by some of its nodes, with credentials and TLS', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://app:s%40cret@[::1]:7000/')).toEqual({
      kind: 'cluster',
      nodes: [{ host: '::1', port: 7000 }],
      username: 'app',
      password: 's@cret',
      tls: true,
    });
  });

  it('refuses what is neither, naming the problem', () => {
    expect(() => parseRedisUrl('http://nope')).toThrow(/redis:\/\/, rediss:\/\/, redis\+cluster:\/\//);
    expect(() => parseRedisUrl('redis+cluster://a:7000,b')).toThrow('cluster node "b" is not host:port');
    expect(() => parseRedisUrl('redis+cluster://a:99999')).toThrow('not host:port');
  });
});

it('slotTag(s) hashes to slot s, for every slot', () => {
  for (let slot = 0; slot < 16384; slot++) expect(slotOf(`{${slotTag(slot)}}`)).toBe(slot);
});
