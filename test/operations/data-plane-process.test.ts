import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../shared/bus/bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { busNames } from '../../shared/events/bus-names.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { spawnPlane, waitUntil } from '../support/processes.ts';
import { isReachable, redisUrl, requireOrSkip } from '../support/services.ts';
import { apiKey, buildSnapshot, deployment, model, provider, publishSnapshot, team } from '../support/snapshot-fixture.ts';

const redisUp = await requireOrSkip('Redis', isReachable(redisUrl()));
const KEY = 'tg_process_test_key_000000000000000000000';

/** Two mock models: `echo` answers at once, `echo-stream` streams 4 chunks 250 ms apart. */
function snapshot(version: number) {
  return buildSnapshot({
    version,
    teams: [team({ id: 'ops' })],
    apiKeys: [apiKey(KEY, { id: 'key-ops', teamId: 'ops' })],
    providers: [
      provider({ id: 'p-mock', name: 'mock', kind: 'mock', baseUrl: 'mock://' }),
      provider({ id: 'p-slow', name: 'mock-slow', kind: 'mock', baseUrl: 'mock://?chunk_delay_ms=250' }),
      provider({ id: 'p-failing', name: 'mock-failing', kind: 'mock', baseUrl: 'mock://?fail_status=500' }),
      provider({ id: 'p-sluggish', name: 'mock-sluggish', kind: 'mock', baseUrl: 'mock://?latency_ms=5000' }),
    ],
    models: [
      model({ id: 'm-echo', name: 'echo', deployments: [deployment({ id: 'd-echo', providerId: 'p-mock', upstreamModel: 'echo-1' })] }),
      model({ id: 'm-stream', name: 'echo-stream', deployments: [deployment({ id: 'd-stream', providerId: 'p-slow', upstreamModel: 'echo-1' })] }),
      model({ id: 'm-failing', name: 'failing', deployments: [deployment({ id: 'd-failing', providerId: 'p-failing', upstreamModel: 'echo-1' })] }),
      model({ id: 'm-sluggish', name: 'sluggish', deployments: [deployment({ id: 'd-sluggish', providerId: 'p-sluggish', upstreamModel: 'echo-1' })] }),
    ],
  });
}

const chat = (url: string, body: object) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'one two three four five six seven eight' }], ...body }),
  });

describe.skipIf(!redisUp)('data plane process operations (real Redis)', () => {
  const prefix = `tollgate-ops-${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tollgate-dp-'));
  let bus: Bus;
  let redis: Redis;
  const env = (overrides: Record<string, string> = {}) => ({
    DATA_PLANE_PORT: '0',
    REDIS_URL: redisUrl(),
    TOLLGATE_BUS_PREFIX: prefix,
    TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
    TOLLGATE_DATA_DIR: dataDir,
    TOLLGATE_HEARTBEAT_INTERVAL_MS: '200',
    LOG_LEVEL: 'info',
    ...overrides,
  });

  beforeAll(async () => {
    bus = createRedisBus({ url: redisUrl(), prefix });
    redis = new Redis(redisUrl());
    void createSecretBox(parseSecretKeys(TEST_SECRET_KEY));
    await publishSnapshot(bus, snapshot(1));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await bus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function usageOnStream(requestId: string): Promise<UsageEvent | undefined> {
    const entries = await redis.xrange(busNames(prefix).usageStream, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]) as UsageEvent).find((event) => event.requestId === requestId);
  }

  it('drains on SIGTERM: readyz false at once, new requests refused, the stream finishes, its usage is on the stream before exit', async () => {
    const plane = await spawnPlane('data-plane/main.ts', env({ TOLLGATE_DRAIN_TIMEOUT_MS: '10000' }));
    await waitUntil(async () => (await fetch(`${plane.url}/readyz`)).ok, 10_000, 'ready');
    const streaming = await chat(plane.url, { model: 'echo-stream', stream: true });
    expect(streaming.status).toBe(200);
    const requestId = streaming.headers.get('x-request-id')!;
    const body = streaming.text();

    plane.child.kill('SIGTERM');
    await waitUntil(() => plane.output().includes('data plane draining'), 5_000, 'drain log');
    const readyz = await fetch(`${plane.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect((await readyz.json()).status).toBe('draining');
    const refused = await chat(plane.url, { model: 'echo' });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('draining');

    expect((await body).trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await plane.exited()).toBe(0);
    // Handed to the bus before the process exited: on the stream now, with no consumer running.
    expect(await usageOnStream(requestId)).toMatchObject({ outcome: 'ok', model: 'echo-stream', teamId: 'ops' });
  });

  it('ends a stream still running at the drain deadline with an error event, and still publishes its usage', async () => {
    const plane = await spawnPlane('data-plane/main.ts', env({ TOLLGATE_DRAIN_TIMEOUT_MS: '300' }));
    await waitUntil(async () => (await fetch(`${plane.url}/readyz`)).ok, 10_000, 'ready');
    const streaming = await chat(plane.url, { model: 'echo-stream', stream: true });
    const requestId = streaming.headers.get('x-request-id')!;
    const body = streaming.text();
    plane.child.kill('SIGTERM');
    const text = await body;
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('drain_deadline_exceeded');
    expect(await plane.exited()).toBe(0);
    expect(await usageOnStream(requestId)).toMatchObject({ outcome: 'aborted' });
  });

  it('restarted with Redis unreachable, boots from the last good snapshot on disk and serves; without one it serves nothing', async () => {
    // The runs above left the last good snapshot on disk.
    expect(existsSync(path.join(dataDir, 'snapshot.json'))).toBe(true);
    const offline = await spawnPlane('data-plane/main.ts', env({ REDIS_URL: 'redis://127.0.0.1:1' }));
    try {
      const readyz = await waitUntil(
        async () => {
          const response = await fetch(`${offline.url}/readyz`);
          return response.ok ? response.json() : undefined;
        },
        25_000,
        'ready from disk',
      );
      // Redis unreachable: money on its local share and the response cache bypassed, both declared.
      expect(readyz).toMatchObject({ status: 'ready', snapshot: { version: 1, source: 'disk' } });
      expect(readyz.degraded).toEqual(expect.arrayContaining(['redis_down', 'cache_bypass']));
      const answer = await chat(offline.url, { model: 'echo' });
      expect(answer.status).toBe(200);
      expect((await answer.json()).choices[0].message.content).toContain('Echo:');
      const metrics = await (await fetch(`${offline.url}/metrics`)).text();
      expect(metrics).toContain('tollgate_degraded{mode="redis_down"} 1');
      expect(metrics).toContain('tollgate_snapshot_from_disk 1');
    } finally {
      await offline.stop();
    }

    const emptyDir = mkdtempSync(path.join(tmpdir(), 'tollgate-dp-empty-'));
    const blank = await spawnPlane('data-plane/main.ts', env({ REDIS_URL: 'redis://127.0.0.1:1', TOLLGATE_DATA_DIR: emptyDir }));
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await fetch(`${blank.url}/readyz`)).status).toBe(503);
      expect((await chat(blank.url, { model: 'echo' })).status).toBe(503);
    } finally {
      await blank.stop();
      rmSync(emptyDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('takes its routing defaults from the environment: attempts, timeouts', async () => {
    const plane = await spawnPlane('data-plane/main.ts', env({ TOLLGATE_MAX_ATTEMPTS: '1', TOLLGATE_TIMEOUT_TOTAL_MS: '300' }));
    try {
      await waitUntil(async () => (await fetch(`${plane.url}/readyz`)).ok, 10_000, 'ready');
      // A 500 is retried by default (up to 5 attempts): here one attempt is all a request gets.
      const failed = await chat(plane.url, { model: 'failing' });
      expect(failed.status).toBe(502);
      expect(failed.headers.get('x-tollgate-attempts')).toBe('1');
      // The mock takes 5 s; the environment's 300 ms total deadline ends the attempt.
      const slow = await chat(plane.url, { model: 'sluggish' });
      expect(slow.status).toBe(504);
      expect((await slow.json()).error.code).toBe('upstream_timeout');
    } finally {
      await plane.stop();
    }
  });
});
