import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';

// The web console (console/dist, built by `npm ci`'s postinstall), offline GraphiQL and the
// playground pass-through, on the control plane's own origin.
describe('control plane serves the console, GraphiQL and the playground pass-through', () => {
  let harness: ControlPlaneHarness;
  let upstream: Server;
  let upstreamBase = '';
  let lastUpstreamRequest: { url?: string; authorization?: string; body: string } = { body: '' };
  let base = '';

  beforeAll(async () => {
    // Stands in for the data plane: an OpenAI-style SSE answer with Tollgate's headers.
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        lastUpstreamRequest = { url: req.url, authorization: req.headers.authorization, body };
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-tollgate-model': 'demo', 'x-request-id': 'req-1', 'set-cookie': 'no=1' });
        res.write('data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n');
        setTimeout(() => res.end('data: {"choices":[{"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n'), 20);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startControlPlaneHarness({ controlPlane: { playgroundTarget: () => upstreamBase } });
    base = harness.controlPlane.url.replace(/\/graphql$/, '');
  });

  afterAll(async () => {
    await harness?.close();
    upstream?.close();
  });

  it('answers / and any client route with the console page, and its hashed assets', async () => {
    for (const path of ['/', '/keys', '/teams?team=abc']) {
      const response = await fetch(base + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).toContain('<div id="root">');
      expect(html).not.toMatch(/https?:\/\//);
    }
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(base + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Every asset is bundled: the script fetches nothing from another origin (fonts, CDNs).
    const code = await asset.text();
    expect(code).not.toMatch(/https:\/\/(unpkg|cdn\.jsdelivr|fonts\.googleapis|fonts\.gstatic)/);
  });

  it('keeps /graphql for GraphQL and serves a bundled GraphiQL that needs no CDN', async () => {
    const query = await fetch(harness.controlPlane.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ viewer { kind } }"}',
    });
    expect(query.status).toBe(401);
    const page = await fetch(harness.controlPlane.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Tollgate GraphiQL');
    expect(html.length).toBeGreaterThan(1_000_000); // the GraphiQL bundle is inline
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toContain('unpkg.com');
  });

  it('forwards playground chats to the data plane and streams the answer with its x- headers', async () => {
    const response = await fetch(`${base}/playground/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer tg_key', 'content-type': 'application/json', cookie: 'session=secret' },
      body: '{"model":"demo","stream":true,"messages":[]}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('demo');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('[DONE]');
    expect(lastUpstreamRequest).toEqual({ url: '/v1/chat/completions', authorization: 'Bearer tg_key', body: '{"model":"demo","stream":true,"messages":[]}' });
  });
});

describe('the playground pass-through without a data plane URL', () => {
  let harness: ControlPlaneHarness;
  beforeAll(async () => {
    harness = await startControlPlaneHarness();
  });
  afterAll(async () => harness?.close());

  it('answers 503 in the OpenAI error format', async () => {
    const response = await fetch(harness.controlPlane.url.replace(/\/graphql$/, '/playground/v1/chat/completions'), { method: 'POST', body: '{}' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'playground_unavailable', type: 'service_unavailable' } });
  });
});
