import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startDataPlane } from '../../data-plane/app.ts';
import { createLogger } from '../../data-plane/logger.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox } from '../../shared/crypto/secret-box.ts';
import { scrubSecrets } from '../../shared/logging/redaction.ts';
import { createSnapshotSigner } from '../../shared/snapshot/signature.ts';
import { buildSnapshot, contentOf, parseSnapshotFile, publishSnapshot, signedStored, snapshotFileText, toStored } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, scenarioSnapshot, sseData, startHarness, UPSTREAM_KEY } from './harness.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-ops-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** A metric's value from the text exposition, by name and exact label set (order as printed). */
function metric(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  it('counts requests, attempts, tokens, cost, refusals and the snapshot on /metrics', async () => {
    // One attempt per request, so the injected 429 reaches the client instead of being retried.
    harness = await startHarness({ routing: { retry: { maxAttempts: 1 } } });
    expect((await harness.chat(chatBody())).status).toBe(200);
    const streamed = await harness.chat(chatBody({ stream: true }));
    await streamed.text();
    expect((await harness.chat(chatBody(), { key: 'tg_wrong_key_00000000000000000000000000' })).status).toBe(401);
    harness.upstream.enqueue({ kind: 'error', status: 429, message: 'slow down', code: 'rate_limit_exceeded' });
    expect((await harness.chat(chatBody())).status).toBe(429);
    await harness.usageOf(streamed);

    const response = await fetch(`${harness.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const attempt = 'model="gpt-4o-mini",provider="fake-openai"';
    expect(metric(text, 'tollgate_upstream_attempts_total', `${attempt},status="200",outcome="ok"`)).toBe(2);
    expect(metric(text, 'tollgate_upstream_attempts_total', `${attempt},status="429",outcome="upstream_error"`)).toBe(1);
    // The fake reports 21 prompt and 7 completion tokens per answer; 8 micro-USD each at mini prices.
    expect(metric(text, 'tollgate_tokens_total', `${attempt},direction="prompt"`)).toBe(42);
    expect(metric(text, 'tollgate_tokens_total', `${attempt},direction="completion"`)).toBe(14);
    expect(metric(text, 'tollgate_cost_micro_usd_total', attempt)).toBe(16);
    expect(metric(text, 'tollgate_team_upstream_attempts_total', 'team="acme",outcome="ok"')).toBe(2);
    expect(metric(text, 'tollgate_team_tokens_total', 'team="acme",direction="completion"')).toBe(14);
    expect(metric(text, 'tollgate_team_cost_micro_usd_total', 'team="acme"')).toBe(16);
    expect(metric(text, 'tollgate_upstream_errors_total', 'provider="fake-openai",kind="rate_limited"')).toBe(1);
    expect(metric(text, 'tollgate_upstream_latency_seconds_count', 'model="gpt-4o-mini",provider="fake-openai"')).toBe(3);
    expect(metric(text, 'tollgate_upstream_ttfb_seconds_count', 'model="gpt-4o-mini",provider="fake-openai",streamed="true"')).toBe(1);
    expect(metric(text, 'tollgate_http_requests_total', 'route="/v1/chat/completions",status="401",code="invalid_api_key"')).toBe(1);
    expect(metric(text, 'tollgate_http_requests_total', 'route="/v1/chat/completions",status="200",code=""')).toBe(2);
    expect(metric(text, 'tollgate_rate_limited_total')).toBe(1);
    expect(metric(text, 'tollgate_budget_rejected_total')).toBe(0);
    expect(metric(text, 'tollgate_requests_in_flight', 'route="/v1/chat/completions"')).toBe(0);
    expect(metric(text, 'tollgate_snapshot_version')).toBe(1);
    expect(metric(text, 'tollgate_snapshot_refused_total')).toBe(0);
    expect(metric(text, 'tollgate_ready')).toBe(1);
    expect(metric(text, 'tollgate_degraded', 'mode="redis_down"')).toBe(0);
  });
});

describe('drain', () => {
  it('turns /readyz false at once, refuses new requests, lets the stream finish, and hands its usage to the bus', async () => {
    harness = await startHarness();
    harness.upstream.enqueue({ kind: 'reply', chunks: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 120 });
    const streaming = await harness.chat(chatBody({ stream: true }));
    expect(streaming.status).toBe(200);
    const body = streaming.text();

    const drained = harness.plane.drain(5_000);
    const readyz = await fetch(`${harness.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({ status: 'draining', inFlight: 1 });
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    const refused = await harness.chat(chatBody());
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()).error.code).toBe('draining');
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metric(metrics, 'tollgate_http_requests_total', 'route="/v1/chat/completions",status="503",code="draining"')).toBe(1);
    expect(metric(metrics, 'tollgate_draining')).toBe(1);

    const frames = sseData(await body);
    expect(frames.at(-1)).toBe('[DONE]');
    const report = await drained;
    expect(report).toMatchObject({ inFlightAtStart: 1, abandoned: 0, stuck: 0 });
    // drain() resolves only after the usage publisher flushed: the event is on the bus already.
    const [event] = await harness.usageOf(streaming);
    expect(event.outcome).toBe('ok');
  });

  it('ends streams still running at the deadline with a terminal error event, and meters them', async () => {
    harness = await startHarness();
    harness.upstream.enqueue({ kind: 'reply', chunks: ['a ', 'b ', 'c ', 'd'], hangAfterChunks: 2 });
    const streaming = await harness.chat(chatBody({ stream: true }));
    const body = streaming.text();
    const report = await harness.plane.drain(200);
    expect(report).toMatchObject({ inFlightAtStart: 1, abandoned: 1, stuck: 0 });
    const frames = sseData(await body);
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!).error.code).toBe('drain_deadline_exceeded');
    const [event] = await harness.usageOf(streaming);
    expect(event.outcome).toBe('aborted');
    expect(event.estimated).toBe(true);
  });
});

describe('last good snapshot on disk', () => {
  it('is written atomically after each accepted snapshot, 0600', async () => {
    const dir = tempDir();
    harness = await startHarness({ snapshotDir: dir });
    const file = path.join(dir, 'snapshot.json');
    await expect.poll(() => parseSnapshotFile(readFileSync(file, 'utf8')).version).toBe(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const next = buildSnapshot({
      ...contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: harness.upstream.baseUrl, secretBox: harness.secretBox })),
      version: 2,
    });
    await publishSnapshot(harness.bus, next);
    await expect.poll(() => parseSnapshotFile(readFileSync(file, 'utf8')).version).toBe(2);
  });

  it('boots from disk when the bus is unreachable, refuses a bad file, and stays not ready without one', async () => {
    const secretBox = createSecretBox([{ id: 'test', key: Buffer.alloc(32, 3) }]);
    const signer = createSnapshotSigner(secretBox.keys);
    const good = scenarioSnapshot({ version: 7, upstreamBaseUrl: 'http://127.0.0.1:9/v1', secretBox });
    const unreachable: Bus = { ...createMemoryBus(), loadSnapshot: () => Promise.reject(new Error('ECONNREFUSED')), isConnected: () => false };
    const start = (snapshotDir: string) =>
      startDataPlane({
        bus: unreachable,
        host: '127.0.0.1',
        port: 0,
        secretBox,
        maxBodyBytes: 65_536,
        snapshotDir,
        snapshotPollIntervalMs: 0,
        heartbeatIntervalMs: 0,
        defaultMetrics: false,
      });

    const withGood = tempDir();
    writeFileSync(path.join(withGood, 'snapshot.json'), snapshotFileText(toStored(good, signer)));
    const plane = await start(withGood);
    const ready = await fetch(`http://127.0.0.1:${plane.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ snapshot: { version: 7, source: 'disk' }, degraded: ['redis_down'] });
    const answer = await fetch(`http://127.0.0.1:${plane.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody({ model: 'echo' })),
    });
    expect(answer.status).toBe(200);
    await plane.close();

    for (const [name, content] of [
      ['garbage', '{"version": 9, "schemaVers'],
      ['unknown major version', JSON.stringify({ ...good, version: 9, schemaVersion: '9.0' })],
      ['tampered', JSON.stringify({ ...good, version: 9, hash: 'sha256:0000' })],
      ['unsigned (written before signatures)', null],
    ] as const) {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'snapshot.json'), content === null ? toStored(good, signer).json : snapshotFileText(signedStored(9, content, signer)));
      const refusing = await start(dir);
      const response = await fetch(`http://127.0.0.1:${refusing.port}/readyz`);
      expect(response.status, name).toBe(503);
      expect((await response.json()).lastRefused, name).toMatchObject({ reason: expect.any(String) });
      const metrics = await (await fetch(`http://127.0.0.1:${refusing.port}/metrics`)).text();
      expect(metric(metrics, 'tollgate_snapshot_refused_total'), name).toBe(1);
      await refusing.close();
    }

    const empty = await start(tempDir());
    expect((await fetch(`http://127.0.0.1:${empty.port}/readyz`)).status).toBe(503);
    const refused = await fetch(`http://127.0.0.1:${empty.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody({ model: 'echo' })),
    });
    expect(refused.status).toBe(503);
    await empty.close();
  });
});

describe('logs', () => {
  it('never contain API keys, provider credentials or bearer tokens', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk;
        callback();
      },
    });
    harness = await startHarness({ logger: createLogger('debug', { plane: 'data' }, sink) });
    await harness.chat(chatBody());
    await harness.chat(chatBody(), { key: KEYS.revoked });
    await harness.chat(chatBody(), { key: 'tg_never_issued_key_000000000000000000000' });
    // An upstream that echoes the key it was given, in its message and in a raw error page.
    harness.upstream.enqueue(
      { kind: 'error', status: 500, message: `Internal error for key ${UPSTREAM_KEY} (Bearer ${UPSTREAM_KEY})` },
      { kind: 'raw', status: 502, body: `<html>bad gateway for ${UPSTREAM_KEY}</html>` },
      { kind: 'drop' },
    );
    for (let i = 0; i < 3; i++) await harness.chat(chatBody());
    await harness.chat(chatBody({ stream: true }), { headers: { 'x-api-key': KEYS.other } });
    await harness.close();
    harness = null;

    expect(output.length).toBeGreaterThan(0);
    for (const secret of [UPSTREAM_KEY, ...Object.values(KEYS)]) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/Bearer (?!\[redacted\])/i);
  });

  it('scrubs key-shaped text', () => {
    expect(scrubSecrets('key sk-proj-abcdefghijklmnop and tg_abcdefghijklmnop and tga_abcdefgh12345')).toBe('key [REDACTED] and [REDACTED] and [REDACTED]');
    expect(scrubSecrets('redis://:hunter2@redis:6379 postgresql://u:pw@db/x')).toBe('redis://:[REDACTED]@redis:6379 postgresql://u:[REDACTED]@db/x');
    expect(scrubSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [REDACTED]');
    expect(scrubSecrets('model gpt-4o-mini took 12 ms')).toBe('model gpt-4o-mini took 12 ms');
  });
});
