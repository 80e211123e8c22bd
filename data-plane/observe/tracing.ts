import type { Span, Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { RequestObserver } from '../http/router.ts';
import { genAiRequestAttributes, genAiResponseAttributes } from './gen-ai-attributes.ts';

export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans are POSTed (OTLP/HTTP, JSON) to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Tests and embedders: an exporter of their own (takes precedence over the endpoint). */
  exporter?: SpanExporter;
  serviceName?: string;
  instanceId: string;
}

/** What the chat dispatch tells the request span once it knows. */
export interface RequestAnnotation {
  model?: string;
  teamId?: string;
  apiKeyId?: string;
  attempts?: number;
  servedModel?: string | null;
}

/** One upstream attempt, as the attempt loop starts it. */
export interface AttemptStart {
  attempt: number;
  provider: string;
  providerKind: string;
  deploymentId: string;
  model: string;
  upstreamModel: string;
  /** `gen_ai.operation.name`; chat when absent. */
  operation?: 'chat' | 'embeddings' | 'text_completion';
  /** The request in chat terms: its sampling parameters become `gen_ai.request.*`. */
  request?: { max_tokens?: number | null; max_completion_tokens?: number | null; temperature?: number | null; top_p?: number | null };
}

/** What the provider answered with, for `gen_ai.response.*`. */
export interface AttemptResponse {
  model: string | null;
  finishReasons: readonly string[];
}

/**
 * Ends an upstream attempt's span with the attempt's usage event. A function (not an object) so
 * the attempt loop's call site stays what it was; it carries the attempt's propagation headers.
 */
export interface EndAttemptSpan {
  (event: UsageEvent, response?: AttemptResponse): void;
  /**
   * `traceparent` (and `tracestate` when the trace has one) naming this attempt's CLIENT span:
   * sent on the upstream request so a traced provider joins the trace under the attempt.
   */
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/**
 * Request and upstream-attempt spans. Exists only when tracing is configured: otherwise the data
 * plane holds null and pays one null check per request and per attempt (the OpenTelemetry SDK is
 * not even loaded).
 */
export interface RequestTracing {
  /**
   * Starts the request span at arrival (a child of the caller's span when the request carries a
   * valid W3C `traceparent`, a new trace otherwise), ends it with the status the client got.
   */
  readonly observer: RequestObserver;
  /** `meterId`: the exchange's own id, unique even when clients reuse an x-request-id. */
  annotate(meterId: string, annotation: RequestAnnotation): void;
  /** A child span of the request's; the returned function ends it with the attempt's usage event. */
  startAttempt(meterId: string, attempt: AttemptStart): EndAttemptSpan;
  /** Flushes pending spans and stops the exporter. */
  shutdown(): Promise<void>;
}

/** Tracing per the options, or null when neither an endpoint nor an exporter is given. */
export async function createTracing(options: TracingOptions): Promise<RequestTracing | null> {
  if (!options.exporter && !options.otlpEndpoint) return null;
  // Loaded only when configured: an untraced data plane never imports the SDK.
  const [api, core, sdk, resources, semconv] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  let exporter = options.exporter;
  if (!exporter) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter({ url: `${options.otlpEndpoint!.replace(/\/+$/, '')}/v1/traces` });
  }
  const provider = new sdk.NodeTracerProvider({
    resource: resources.resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: options.serviceName ?? 'tollgate-data-plane',
      'service.instance.id': options.instanceId,
    }),
    // Batched off the request path; a slow or dead collector drops spans, never requests.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000, maxQueueSize: 4_096 })],
  });
  // Not registered globally: these spans are ours, and embedding apps keep their own provider.
  const tracer: Tracer = provider.getTracer('tollgate');
  const open = new Map<string, Span>();
  const propagator = new core.W3CTraceContextPropagator();

  return {
    observer: {
      started(exchange, route) {
        // The API only: probes and scrapes every few seconds would drown the traces.
        if (!route.startsWith('/v1/')) return;
        // From the exchange's copy: the uWS request is gone by the time anything awaits. An absent
        // or malformed traceparent leaves ROOT_CONTEXT, so the request starts a trace of its own;
        // a valid one's sampled flag decides (the default ParentBased sampler) whether we record.
        const caller = propagator.extract(api.ROOT_CONTEXT, exchange.headers, api.defaultTextMapGetter);
        const span = tracer.startSpan(
          `${exchange.method} ${route}`,
          {
            kind: api.SpanKind.SERVER,
            attributes: { [semconv.ATTR_HTTP_REQUEST_METHOD]: exchange.method, [semconv.ATTR_HTTP_ROUTE]: route, 'tollgate.request_id': exchange.requestId },
          },
          caller,
        );
        open.set(exchange.meterId, span);
      },
      finished(exchange) {
        const span = open.get(exchange.meterId);
        if (!span) return;
        open.delete(exchange.meterId);
        const status = exchange.statusCode ?? 499;
        span.setAttribute(semconv.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (exchange.errorCode) span.setAttribute('tollgate.error_code', exchange.errorCode);
        if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR, message: exchange.errorCode ?? undefined });
        span.end();
      },
    },
    annotate(meterId, annotation) {
      const span = open.get(meterId);
      if (!span) return;
      if (annotation.model !== undefined) span.setAttribute('tollgate.model', annotation.model);
      if (annotation.teamId !== undefined) span.setAttribute('tollgate.team_id', annotation.teamId);
      if (annotation.apiKeyId !== undefined) span.setAttribute('tollgate.api_key_id', annotation.apiKeyId);
      if (annotation.attempts !== undefined) span.setAttribute('tollgate.attempts', annotation.attempts);
      if (annotation.servedModel) span.setAttribute('tollgate.served_model', annotation.servedModel);
    },
    startAttempt(meterId, attempt) {
      const parent = open.get(meterId);
      const context = parent ? api.trace.setSpan(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT;
      const span = tracer.startSpan(
        `upstream ${attempt.provider}`,
        {
          kind: api.SpanKind.CLIENT,
          attributes: {
            ...genAiRequestAttributes(attempt),
            'tollgate.attempt': attempt.attempt,
            'tollgate.provider': attempt.provider,
            'tollgate.provider_kind': attempt.providerKind,
            'tollgate.deployment_id': attempt.deploymentId,
            'tollgate.model': attempt.model,
            'tollgate.upstream_model': attempt.upstreamModel,
          },
        },
        context,
      );
      // Injected even when the span is not sampled: the upstream then learns our decision (flags 00)
      // instead of starting a sampled trace of its own.
      const traceHeaders: Record<string, string> = {};
      propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), traceHeaders, api.defaultTextMapSetter);
      const end = (event: UsageEvent, response?: AttemptResponse) => {
        span.setAttributes(genAiResponseAttributes(event, response));
        span.setAttributes({
          [semconv.ATTR_HTTP_RESPONSE_STATUS_CODE]: event.status,
          'tollgate.outcome': event.outcome,
          'tollgate.latency_ms': event.latencyMs,
          'tollgate.prompt_tokens': event.promptTokens,
          'tollgate.completion_tokens': event.completionTokens,
          'tollgate.streamed': event.streamed,
          'tollgate.usage_event_id': event.id,
        });
        if (event.ttfbMs !== null) span.setAttribute('tollgate.ttfb_ms', event.ttfbMs);
        if (event.tags) span.setAttribute('tollgate.tags', event.tags);
        for (const key in event.metadata) span.setAttribute(`tollgate.metadata.${key}`, event.metadata[key]);
        if (event.outcome !== 'ok') span.setStatus({ code: api.SpanStatusCode.ERROR, message: event.outcome });
        span.end();
      };
      return Object.assign(end, { traceHeaders });
    },
    async shutdown() {
      for (const span of open.values()) span.end();
      open.clear();
      await provider.shutdown();
    },
  };
}
