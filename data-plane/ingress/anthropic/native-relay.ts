import { relayWhole } from '../../dispatch/relay-completion.ts';
import { type AnthropicUsage, anthropicTokenCounts } from '../../providers/anthropic/map-response.ts';
import { guardStream, readBodyText, upstreamErrorMessage } from '../../providers/http-call.ts';
import { readSseEvents, type SseEvent } from '../../providers/sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../../providers/upstream-errors.ts';
import type { AttemptRun } from '../../request/attempt.ts';
import { withoutUnlisted } from '../../validation/extra-parameters.ts';
import { type Frame, relayEvents } from '../relay-events.ts';

/** The client's body (team policy applied) and the protocol headers to pass on. */
export interface NativeRequest {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** The Messages API's own parameters: other top-level fields go only where the deployment allow-lists them. */
  known: ReadonlySet<string>;
}

function nativeCall(run: AttemptRun, request: NativeRequest, path: string) {
  const adapter = run.adapter;
  // Only the anthropic kind has one; the ingress sends nothing else here.
  if (!adapter.native) throw new Error(`provider kind ${run.call.provider.kind} has no native API`);
  const body = withoutUnlisted({ ...request.body, model: run.call.upstreamModel }, request.known, run.call.extraParameters);
  return adapter.native({ ...run.call, path, body, headers: request.headers });
}

interface NativeMessage {
  type: 'message';
  content: { type: string; text?: string }[];
  usage: AnthropicUsage;
}

/**
 * A /v1/messages attempt on an Anthropic deployment: the client's request and Anthropic's answer
 * pass through untouched (thinking blocks and their signatures, cache_control, server tools,
 * citations, betas), only `model` is the deployment's. The gateway reads the usage on the way.
 */
export function nativeMessage(run: AttemptRun, request: NativeRequest): Promise<void> {
  return relayWhole<NativeMessage>(run, {
    async call(attempt) {
      const response = await nativeCall(attempt, request, '/v1/messages');
      const text = await readBodyText(response, attempt.call);
      let message: NativeMessage;
      try {
        message = JSON.parse(text);
      } catch {
        throw upstreamInvalidResponse(attempt.call.provider.name, response.statusCode, 'the body is not JSON');
      }
      if (message?.type !== 'message' || !Array.isArray(message.content) || typeof message.usage !== 'object') {
        throw upstreamInvalidResponse(attempt.call.provider.name, response.statusCode, 'the body is not a message');
      }
      return { status: response.statusCode, body: message, usage: anthropicTokenCounts(message.usage) };
    },
    texts: (message) => message.content.flatMap((block) => (typeof block.text === 'string' ? [block.text] : [])),
  });
}

/** The streamed form: Anthropic's events forwarded as they come, `message_stop` after the usage handover. */
export function nativeStream(run: AttemptRun, request: NativeRequest): Promise<void> {
  let usage: AnthropicUsage = {};
  let stop: Frame | null = null;
  return relayEvents<SseEvent>(run, {
    async open(attempt) {
      const response = await nativeCall(attempt, request, '/v1/messages');
      return { status: response.statusCode, events: guardStream(response, attempt.call, readSseEvents) };
    },
    frames(event, attempt) {
      let data: any;
      try {
        data = JSON.parse(event.data);
      } catch {
        throw upstreamInvalidResponse(attempt.call.provider.name, 200, 'a stream event is not JSON');
      }
      const type = String(data?.type ?? event.event);
      if (type === 'message_start') usage = { ...data.message?.usage };
      else if (type === 'message_delta') {
        // Counts in message_delta are cumulative and win over message_start's.
        for (const [key, value] of Object.entries(data.usage ?? {})) if (typeof value === 'number') (usage as Record<string, number>)[key] = value;
      } else if (type === 'content_block_delta') {
        const delta = data.delta ?? {};
        const text = delta.text ?? delta.partial_json ?? delta.thinking ?? '';
        if (typeof text === 'string') attempt.meter.countText(text);
        if (typeof delta.text === 'string') attempt.output?.(delta.text);
      } else if (type === 'error') {
        const message = upstreamErrorMessage(event.data, attempt.call.provider.credential) ?? 'the upstream sent an error event';
        throw upstreamStreamError(attempt.call.provider.name, 200, message);
      } else if (type === 'message_stop') {
        stop = { event: event.event ?? type, data: event.data };
        return [];
      }
      return [{ event: event.event ?? type, data: event.data }];
    },
    closing(attempt) {
      if (!stop) throw upstreamStreamError(attempt.call.provider.name, 200, 'the stream ended before message_stop');
      attempt.meter.reportUsage(anthropicTokenCounts(usage));
      return [stop];
    },
  });
}
