import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_MAX_GRAPHQL_BODY_BYTES } from '../../control-plane/graphql-gate.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY } from '../support/control-plane-harness.ts';

// GraphQL over HTTP authenticates before reading a body, and caps it: an anonymous or oversized
// POST is answered from its headers alone, and the connection closed, whatever the body is.

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => cp?.close());

/**
 * Sends the request head and only the first `sent` bytes of a body declared as `declared`
 * bytes; returns the status line and headers the server answers with (or null if it waits for
 * the rest, as a server reading the body first would), and whether it closed the connection.
 */
function headOnly(
  headers: Record<string, string>,
  declared: number | null,
  sent = 16 * 1024,
): Promise<{ status: number | null; closed: boolean; raw: string }> {
  const { port } = new URL(cp.controlPlane.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    let closed = false;
    const finish = () => resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(raw) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)![1]) : null, closed, raw });
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, 2_000);
    socket.on('data', (chunk) => (raw += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      finish();
    });
    const lines = [
      'POST /graphql HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      ...(declared === null ? ['Transfer-Encoding: chunked'] : [`Content-Length: ${declared}`]),
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.write(declared === null ? `4000\r\n${'x'.repeat(0x4000)}\r\n` : `{"query":"${'x'.repeat(Math.max(0, sent - 11))}`);
  });
}

describe('GraphQL body gate', () => {
  const MB20 = 20 * 1024 * 1024;

  it('answers an anonymous 20 MB POST with 401 before reading it, and closes', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { Authorization: 'Bearer tgm_not-a-real-token-000000000000000000' },
      { Authorization: 'Basic Zm9vOmJhcg==' },
    ]) {
      const answer = await headOnly(headers, MB20);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.closed).toBe(true);
      expect(answer.raw).toContain('"UNAUTHENTICATED"');
    }
  });

  it('answers an authenticated POST declaring more than the cap with 413, unread', async () => {
    const answer = await headOnly({ Authorization: `Bearer ${TEST_ADMIN_KEY}` }, DEFAULT_MAX_GRAPHQL_BODY_BYTES + 1);
    expect(answer.status).toBe(413);
    expect(answer.closed).toBe(true);
    expect(answer.raw).toContain('"PAYLOAD_TOO_LARGE"');
  });

  it('refuses a POST without a declared length (chunked) with 411', async () => {
    const answer = await headOnly({ Authorization: `Bearer ${TEST_ADMIN_KEY}` }, null);
    expect(answer.status).toBe(411);
    expect(answer.closed).toBe(true);
  });

  it('caps a WebSocket message likewise: a larger one, sent before any authentication, closes the socket (1009)', async () => {
    const ws = new WebSocket(cp.controlPlane.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await once(ws, 'open');
    const closed = once(ws, 'close').then(([code]) => code as number);
    ws.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(DEFAULT_MAX_GRAPHQL_BODY_BYTES) } }));
    // Uncapped (ws's default is 100 MiB) the message was read whole and acknowledged: still open.
    const code = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 3_000))]);
    ws.terminate();
    expect(code).toBe(1009);
  });

  it('serves an authenticated POST under the cap, padded close to it', async () => {
    const padding = ' '.repeat(DEFAULT_MAX_GRAPHQL_BODY_BYTES - 200);
    const response = await fetch(cp.controlPlane.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: `{"query":"{ viewer { kind } }"${padding}}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { viewer: { kind: 'admin' } } });
  });
});
