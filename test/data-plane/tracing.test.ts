import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTracing } from '../../data-plane/observe/tracing.ts';
import { chatBody, type Harness, startHarness } from './harness.ts';

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
      await vi.waitFor(() => expect(posts.length).toBeGreaterThan(0));
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
