import { toCompletionUsage } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';

/**
 * A cached chat answer served the other way round: a whole `chat.completion` replayed as a
 * stream of chunks, or a stream's chunks assembled into a `chat.completion`. Only chat
 * completions cross over; the other endpoints' entries serve requests of their own kind.
 */

interface ToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface Message {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
}
interface Choice {
  index: number;
  message?: Message;
  delta?: Message & { tool_calls?: (ToolCall & { index: number })[] };
  finish_reason?: string | null;
  logprobs?: unknown;
}
interface ChatObject {
  id: string;
  created: number;
  model: string;
  system_fingerprint?: string | null;
  choices: Choice[];
  usage?: unknown;
}

/** The chunks (JSON text, `[DONE]` last) of a stream carrying `completion`: per choice its message, then its finish reason. */
export function completionToFrames(completion: ChatObject, usage: TokenCounts | null): string[] {
  const head = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    system_fingerprint: completion.system_fingerprint ?? null,
  };
  const frames: string[] = [];
  for (const choice of completion.choices) {
    const message = choice.message ?? {};
    const delta: Record<string, unknown> = { role: message.role ?? 'assistant', content: message.content ?? null };
    if (message.refusal) delta.refusal = message.refusal;
    if (message.tool_calls?.length) delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...call }));
    frames.push(JSON.stringify({ ...head, choices: [{ index: choice.index, delta, logprobs: null, finish_reason: null }] }));
    frames.push(JSON.stringify({ ...head, choices: [{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop' }] }));
  }
  if (usage) frames.push(JSON.stringify({ ...head, choices: [], usage: toCompletionUsage(usage) }));
  frames.push('[DONE]');
  return frames;
}

/** The `chat.completion` a stream's chunks add up to: contents and tool-call arguments concatenated per choice. */
export function framesToCompletion(frames: readonly string[], usage: TokenCounts): ChatObject & { object: string } {
  const chunks = frames.filter((frame) => frame !== '[DONE]').map((frame) => JSON.parse(frame) as ChatObject);
  const first = chunks[0];
  const choices = new Map<number, { message: Message & { content: string | null }; finish_reason: string | null; calls: Map<number, ToolCall> }>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      let built = choices.get(choice.index);
      if (!built) choices.set(choice.index, (built = { message: { role: 'assistant', content: null, refusal: null }, finish_reason: null, calls: new Map() }));
      const delta = choice.delta ?? {};
      if (delta.role) built.message.role = delta.role;
      if (typeof delta.content === 'string') built.message.content = (built.message.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') built.message.refusal = (built.message.refusal ?? '') + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const known = built.calls.get(call.index) ?? { function: { name: '', arguments: '' } };
        if (call.id) known.id = call.id;
        if (call.type) known.type = call.type;
        if (call.function?.name) known.function!.name = call.function.name;
        if (call.function?.arguments) known.function!.arguments += call.function.arguments;
        built.calls.set(call.index, known);
      }
      if (choice.finish_reason) built.finish_reason = choice.finish_reason;
    }
  }
  return {
    id: first?.id ?? 'chatcmpl-tollgate-cache',
    object: 'chat.completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? '',
    system_fingerprint: first?.system_fingerprint ?? null,
    choices: [...choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, built]) => ({
        index,
        message: {
          ...built.message,
          ...(built.calls.size > 0 ? { tool_calls: [...built.calls.values()].map((call) => ({ type: 'function', ...call })) } : {}),
        },
        logprobs: null,
        finish_reason: built.finish_reason ?? 'stop',
      })),
    usage: toCompletionUsage(usage),
  };
}

/** A usage-only chunk (`choices: []` with usage): kept out of a cached stream, added back for a client that asks for usage. */
export function isUsageOnlyChunk(frame: string): boolean {
  return frame.startsWith('{') && frame.includes('"choices":[]') && frame.includes('"usage":{');
}

/** The usage-only chunk closing a replayed chat stream, shaped like the stream's chunks. */
export function usageChunkAfter(frames: readonly string[], usage: TokenCounts): string {
  const first = JSON.parse(frames[0]) as ChatObject;
  return JSON.stringify({
    id: first.id,
    object: 'chat.completion.chunk',
    created: first.created,
    model: first.model,
    choices: [],
    usage: toCompletionUsage(usage),
  });
}
