import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { StreamEvent } from '../adapter.ts';
import { upstreamErrorMessage } from '../http-call.ts';
import type { StreamContext } from '../openai-compatible/map-stream.ts';
import { readSseEvents } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { type GeminiResponse, type GeminiUsage, geminiTokenCounts, textOf, toFinishReason, toolCallsOf } from './map-response.ts';

type Choice = ChatCompletionChunk['choices'][number];

/**
 * `streamGenerateContent?alt=sse` frames (each a whole GenerateContentResponse holding the new
 * part of every candidate) re-framed as OpenAI chunks: a role chunk per candidate first, text as
 * content deltas, each function call as one complete tool_calls delta, the finishReason as the
 * finish chunk. usageMetadata is cumulative: the last one is the usage event. An error frame is
 * a mid-stream failure, thrown, and so is a stream that ends before every candidate finished.
 */
export async function* toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext & { upstreamModel: string }): AsyncGenerator<StreamEvent> {
  let base: { id: string; object: 'chat.completion.chunk'; created: number; model: string } | null = null;
  let usage: GeminiUsage | null = null;
  const started = new Set<number>();
  const finished = new Set<number>();
  const toolCount = new Map<number, number>();

  for await (const event of readSseEvents(body)) {
    let frame: GeminiResponse & { error?: unknown };
    try {
      frame = JSON.parse(event.data);
    } catch {
      throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame is not JSON');
    }
    if (frame?.error !== undefined) {
      throw upstreamStreamError(
        context.providerName,
        context.status,
        upstreamErrorMessage(event.data, context.credential) ?? 'the upstream sent an error frame',
      );
    }
    base ??= {
      id: frame.responseId ?? `gemini-${Date.now().toString(36)}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: frame.modelVersion ?? context.upstreamModel,
    };
    if (frame.usageMetadata) usage = frame.usageMetadata;
    const choices: Choice[] = [];
    if ((frame.candidates ?? []).length === 0 && frame.promptFeedback?.blockReason) {
      choices.push({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' });
      finished.add(0);
    }
    for (const [position, candidate] of (frame.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      const parts = candidate.content?.parts ?? [];
      const delta: Choice['delta'] = {};
      if (!started.has(index)) {
        started.add(index);
        delta.role = 'assistant';
      }
      const text = textOf(parts);
      if (text !== '' || delta.role) delta.content = text;
      const calls = toolCallsOf(parts, toolCount.get(index) ?? 0, `${base.id}_${index}`);
      if (calls.length > 0) {
        delta.tool_calls = calls;
        toolCount.set(index, (toolCount.get(index) ?? 0) + calls.length);
      }
      const finishReason = candidate.finishReason ? toFinishReason(candidate.finishReason, toolCount.has(index)) : null;
      if (finishReason) finished.add(index);
      if (Object.keys(delta).length > 0 || finishReason) choices.push({ index, delta, logprobs: null, finish_reason: finishReason });
    }
    if (choices.length > 0) yield { type: 'chunk', chunk: { ...base, choices } };
  }
  if (finished.size === 0 || [...started].some((index) => !finished.has(index))) {
    throw upstreamStreamError(context.providerName, context.status, 'the stream ended before the answer was complete');
  }
  if (usage) yield { type: 'usage', usage: geminiTokenCounts(usage), chunk: null };
}
