import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTracing } from '../../data-plane/observe/tracing.ts';
import { deployment, model, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, scenarioSnapshot, startHarness } from './harness.ts';

/** Keeps every exported span (the SDK's InMemorySpanExporter forgets them on shutdown). */
function collectingExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export(batch, done) {
      spans.push(...batch);
      done({ code: 0 });
    },
    shutdown: async () => undefined,
    forceFlush: async () => undefined,
  };
}

/** A caller's span context, as an instrumented client sends it. */
const CALLER = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const CALLER_TRACESTATE = 'vendor=opaque-value,other=1';

/** The parts of a version-00 traceparent header; fails the test when it is not one. */
function traceparentOf(header: string | string[] | undefined): { traceId: string; parentId: string; flags: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(header));
  if (!match) throw new Error(`not a traceparent: ${String(header)}`);
  return { traceId: match[1], parentId: match[2], flags: match[3] };
}

function requestSpan(spans: ReadableSpan[], requestId: string): ReadableSpan {
  const found = spans.filter((span) => span.kind === SpanKind.SERVER && span.attributes['tollgate.request_id'] === requestId);
  expect(found).toHaveLength(1);
  return found[0];
}

function attemptSpans(spans: ReadableSpan[], request: ReadableSpan): ReadableSpan[] {
  return spans
    .filter((span) => span.parentSpanContext?.spanId === request.spanContext().spanId)
    .sort((a, b) => Number(a.attributes['tollgate.attempt']) - Number(b.attributes['tollgate.attempt']));
}

describe('OpenTelemetry traces', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('is off, with nothing loaded, unless an endpoint or exporter is configured', async () => {
    expect(await createTracing({ instanceId: 'x' })).toBeNull();
  });

  it('a span per request with a child span per upstream attempt', async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    // The first attempt fails with a 500, the retry on the same deployment serves.
    harness.upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const response = await harness.chat(chatBody());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect((await fetch(`${harness.url}/healthz`)).status).toBe(200);
    await harness.close();
    harness = null;

    const requests = exporter.spans.filter((span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/v1/chat/completions');
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request.name).toBe('POST /v1/chat/completions');
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'tollgate.model': 'gpt-4o-mini',
      'tollgate.team_id': 'acme',
      'tollgate.attempts': 2,
      'tollgate.request_id': response.headers.get('x-request-id'),
    });
    const attempts = exporter.spans
      .filter((span) => span.parentSpanContext?.spanId === request.spanContext().spanId)
      .sort((a, b) => Number(a.attributes['tollgate.attempt']) - Number(b.attributes['tollgate.attempt']));
    expect(attempts).toHaveLength(2);
    for (const span of attempts) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(span.attributes).toMatchObject({ 'tollgate.provider': 'fake-openai', 'tollgate.deployment_id': 'dep-mini' });
      expect(typeof span.attributes['tollgate.ttfb_ms']).toBe('number');
    }
    expect(attempts[0].attributes).toMatchObject({ 'http.response.status_code': 500, 'tollgate.outcome': 'upstream_error' });
    expect(attempts[1].attributes).toMatchObject({ 'http.response.status_code': 200, 'tollgate.outcome': 'ok' });
    expect(exporter.spans.find((span) => span.attributes['http.route'] === '/healthz')).toBeUndefined();
  });

  it("continues the caller's traceparent and tracestate, and sends each attempt's span upstream", async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    harness.upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const response = await harness.chat(chatBody(), {
      headers: { 'x-request-id': 'traced-1', traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01`, tracestate: CALLER_TRACESTATE },
    });
    expect(response.status).toBe(200);
    await harness.close();
    const upstreamRequests = harness.upstream.requests;
    harness = null;

    const request = requestSpan(exporter.spans, 'traced-1');
    expect(request.spanContext().traceId).toBe(CALLER.traceId);
    expect(request.parentSpanContext).toMatchObject({ traceId: CALLER.traceId, spanId: CALLER.spanId, isRemote: true });
    expect(request.spanContext().traceState?.serialize()).toBe(CALLER_TRACESTATE);
    const attempts = attemptSpans(exporter.spans, request);
    expect(attempts).toHaveLength(2);
    expect(upstreamRequests).toHaveLength(2);
    attempts.forEach((attempt, index) => {
      expect(attempt.spanContext().traceId).toBe(CALLER.traceId);
      // The upstream hangs under the attempt that called it, not under the request or the caller.
      expect(traceparentOf(upstreamRequests[index].headers.traceparent)).toEqual({
        traceId: CALLER.traceId,
        parentId: attempt.spanContext().spanId,
        flags: '01',
      });
      expect(upstreamRequests[index].headers.tracestate).toBe(CALLER_TRACESTATE);
    });
  });

  it('honours an unsampled caller: nothing is exported and the upstream is told it is unsampled', async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    const response = await harness.chat(chatBody({ stream: true }), { headers: { traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-00` } });
    expect(response.status).toBe(200);
    await response.text();
    await harness.close();
    const [upstreamRequest] = harness.upstream.requests;
    harness = null;

    expect(exporter.spans.filter((span) => span.spanContext().traceId === CALLER.traceId)).toEqual([]);
    const propagated = traceparentOf(upstreamRequest.headers.traceparent);
    expect(propagated).toMatchObject({ traceId: CALLER.traceId, flags: '00' });
    expect(propagated.parentId).not.toBe(CALLER.spanId);
  });

  it('starts a new trace, and still serves, when the traceparent is malformed', async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    const malformed = {
      'version-ff': `ff-${CALLER.traceId}-${CALLER.spanId}-01`,
      'zero-trace-id': `00-${'0'.repeat(32)}-${CALLER.spanId}-01`,
      'zero-span-id': `00-${CALLER.traceId}-${'0'.repeat(16)}-01`,
      'upper-case': `00-${CALLER.traceId.toUpperCase()}-${CALLER.spanId}-01`,
      'version-00-extra-field': `00-${CALLER.traceId}-${CALLER.spanId}-01-extra`,
      garbage: 'not a traceparent at all',
    };
    for (const [name, traceparent] of Object.entries(malformed)) {
      harness.upstream.reset();
      // The tracestate belongs to the (rejected) traceparent: it must not survive on its own.
      const response = await harness.chat(chatBody(), { headers: { 'x-request-id': `bad-${name}`, traceparent, tracestate: CALLER_TRACESTATE } });
      expect(response.status, name).toBe(200);
      const upstream = await harness.upstream.nextRequest();
      expect(traceparentOf(upstream.headers.traceparent).traceId, name).not.toBe(CALLER.traceId);
      expect(upstream.headers.tracestate, name).toBeUndefined();
    }
    await harness.close();
    harness = null;

    for (const name of Object.keys(malformed)) {
      const request = requestSpan(exporter.spans, `bad-${name}`);
      expect(request.parentSpanContext, name).toBeUndefined();
      expect(request.spanContext().traceId, name).not.toBe(CALLER.traceId);
      expect(attemptSpans(exporter.spans, request), name).toHaveLength(1);
    }
  });

  it('keeps two concurrent requests that reuse one x-request-id apart, each with its own attempts', async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    // The first request's only attempt is slow, so both are in flight at once.
    harness.upstream.enqueue({ kind: 'reply', delayMs: 300 }, { kind: 'error', status: 500, message: 'boom' });
    const [slow, retried] = await Promise.all([
      harness.chat(chatBody(), { headers: { 'x-request-id': 'reused' } }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => harness!.chat(chatBody(), { headers: { 'x-request-id': 'reused' } })),
    ]);
    expect([slow.status, retried.status]).toEqual([200, 200]);
    await harness.close();
    harness = null;

    const requests = exporter.spans.filter((span) => span.kind === SpanKind.SERVER && span.attributes['tollgate.request_id'] === 'reused');
    expect(requests).toHaveLength(2);
    expect(requests.map((request) => attemptSpans(exporter.spans, request).length).sort()).toEqual([1, 2]);
    expect(new Set(requests.map((request) => request.spanContext().traceId)).size).toBe(2);
  });

  it("attempt spans carry the request's tags and metadata", async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    const response = await harness.chat(chatBody({ metadata: { ticket: 'T-9', tags: ['customer:42'] } }), {
      headers: { 'x-request-id': 'tagged', 'x-tollgate-tags': 'project:alpha' },
    });
    expect(response.status).toBe(200);
    await harness.close();
    harness = null;
    const [attempt] = attemptSpans(exporter.spans, requestSpan(exporter.spans, 'tagged'));
    expect(attempt.attributes).toMatchObject({ 'tollgate.tags': ['project:alpha', 'customer:42'], 'tollgate.metadata.ticket': 'T-9' });
  });

  it('traces embeddings like chat: a request span and its attempts', async () => {
    const exporter = collectingExporter();
    harness = await startHarness({ tracing: { exporter } });
    const embedder = model({
      id: 'model-embed',
      name: 'embed',
      capabilities: { streaming: false, tools: false, embeddings: true },
      deployments: [deployment({ id: 'dep-embed', providerId: 'prov-mock', upstreamModel: 'embed-1' })],
    });
    await publishSnapshot(
      harness.bus,
      scenarioSnapshot({ version: 2, upstreamBaseUrl: harness.upstream.baseUrl, secretBox: harness.secretBox, extraModels: [embedder] }),
    );
    await vi.waitFor(() => expect(harness!.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
    const response = await fetch(`${harness.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json', 'x-request-id': 'embed-traced' },
      body: JSON.stringify({ model: 'embed', input: 'hello' }),
    });
    expect(response.status).toBe(200);
    await harness.close();
    harness = null;
    const request = requestSpan(exporter.spans, 'embed-traced');
    expect(request.name).toBe('POST /v1/embeddings');
    expect(attemptSpans(exporter.spans, request).map((span) => span.attributes['tollgate.outcome'])).toEqual(['ok']);
  });

  it("sends no trace context upstream when tracing is off, and never forwards the client's", async () => {
    harness = await startHarness();
    const response = await harness.chat(chatBody(), { headers: { traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01`, tracestate: CALLER_TRACESTATE } });
    expect(response.status).toBe(200);
    const upstream = await harness.upstream.nextRequest();
    expect(upstream.headers.traceparent).toBeUndefined();
    expect(upstream.headers.tracestate).toBeUndefined();
  });

  it('upstream spans carry the gen_ai.* semantic conventions, checked at a fake OTLP receiver', async () => {
    const posts: any[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        posts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      harness = await startHarness({ tracing: { otlpEndpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` } });
      const plain = await harness.chat(chatBody({ max_tokens: 50, temperature: 0.2 }), { headers: { 'x-request-id': 'genai-plain' } });
      expect(plain.status).toBe(200);
      const streamed = await harness.chat(chatBody({ stream: true }), { headers: { 'x-request-id': 'genai-stream' } });
      expect(await streamed.text()).toContain('[DONE]');
      await harness.close();
      harness = null;
      await vi.waitFor(() => expect(posts.length).toBeGreaterThan(0), { timeout: 15_000 });
      // OTLP/JSON attributes ({ key, value: { stringValue | intValue | doubleValue | arrayValue } }) as a plain object.
      const plainValue = (value: any): unknown =>
        value.arrayValue
          ? value.arrayValue.values.map(plainValue)
          : (value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue)));
      const spans = posts.flatMap((post) => post.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)));
      const attributes = (span: any) => Object.fromEntries(span.attributes.map((a: any) => [a.key, plainValue(a.value)]));
      const servers = spans.filter((span: any) => span.name === 'POST /v1/chat/completions');
      const attemptOf = (requestId: string) => {
        const server = servers.find((span: any) => attributes(span)['tollgate.request_id'] === requestId);
        return attributes(spans.find((span: any) => span.parentSpanId === server.spanId));
      };
      const common = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai-compatible',
        'gen_ai.system': 'openai-compatible',
        'gen_ai.request.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 21,
        'gen_ai.usage.output_tokens': 7,
      };
      expect(attemptOf('genai-plain')).toMatchObject({ ...common, 'gen_ai.request.max_tokens': 50, 'gen_ai.request.temperature': 0.2 });
      expect(attemptOf('genai-stream')).toMatchObject(common);
      expect(attemptOf('genai-stream')['gen_ai.request.max_tokens']).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });

  it('exports over OTLP/HTTP (JSON) to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    const posts: { path: string; contentType: string; body: any }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
      harness = await startHarness({ tracing: { otlpEndpoint: endpoint, serviceName: 'tollgate-test' } });
      expect((await harness.chat(chatBody({ model: 'echo' }))).status).toBe(200);
      // close() flushes the batch processor.
      await harness.close();
      harness = null;
      await vi.waitFor(() => expect(posts.length).toBeGreaterThan(0), { timeout: 15_000 });
      expect(posts[0].path).toBe('/v1/traces');
      expect(posts[0].contentType).toContain('application/json');
      const resourceSpans = posts.flatMap((post) => post.body.resourceSpans);
      const service = resourceSpans[0].resource.attributes.find((attribute: any) => attribute.key === 'service.name');
      expect(service.value.stringValue).toBe('tollgate-test');
      const names = resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans.map((span: any) => span.name)));
      expect(names).toEqual(expect.arrayContaining(['POST /v1/chat/completions', 'upstream mock']));
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
