import type { ChatCompletion, ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import { type Frame, frame } from '../relay-events.ts';

/**
 * OpenAI chat answers as Anthropic Messages answers, for /v1/messages requests served by a
 * non-Anthropic deployment: `finish_reason` -> `stop_reason`, content -> a `text` block, tool
 * calls -> `tool_use` blocks (arguments parsed), usage -> Anthropic's (input excludes cache reads).
 */

/** Anthropic's usage object for token counts in OpenAI's sense (prompt includes cached). */
export function anthropicUsage(tokens: TokenCounts) {
  return {
    input_tokens: tokens.promptTokens - tokens.cachedTokens,
    output_tokens: tokens.completionTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: tokens.cachedTokens,
  };
}

export function toStopReason(finishReason: string | null | undefined): string {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** `msg_…` ids: Anthropic's SDKs and Claude Code only need them unique. */
function messageId(upstreamId: string): string {
  return upstreamId.startsWith('msg_') ? upstreamId : `msg_${upstreamId.replace(/[^A-Za-z0-9]/g, '')}`;
}

function parseArguments(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    // A model that produced broken JSON: the client still gets what it said.
    return { _raw: text };
  }
}

interface ChatChoiceMessage {
  content?: string | null;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
}

/** A whole chat.completion as an Anthropic `message`. */
export function chatToMessage(completion: ChatCompletion, tokens: TokenCounts) {
  const choice = completion.choices[0] as { message?: ChatChoiceMessage; finish_reason?: string | null } | undefined;
  const content: object[] = [];
  const text = choice?.message?.content;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: parseArguments(call.function?.arguments ?? '') });
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: toStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(tokens),
  };
}

/**
 * Chat chunks as Anthropic's event sequence: `message_start`, `ping`, then per content block
 * `content_block_start`, its `text_delta`s or `input_json_delta`s, `content_block_stop`; at the
 * end `message_delta` (stop_reason, usage) and `message_stop`. Stateful: one per attempt.
 */
export class ChatToMessageEvents {
  private started = false;
  private block: { index: number; kind: 'text' | 'tool'; toolIndex?: number } | null = null;
  private nextIndex = 0;
  private stopReason = 'end_turn';

  /** The frames for one chat chunk. */
  chunk(chunk: ChatCompletionChunk): Frame[] {
    const frames = this.start(chunk.id, chunk.model);
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        if (this.block?.kind !== 'text') frames.push(...this.open('text', { type: 'text', text: '' }));
        frames.push(frame({ type: 'content_block_delta', index: this.block!.index, delta: { type: 'text_delta', text: delta.content } }));
      }
      for (const call of (delta.tool_calls ?? []) as { index?: number; id?: string; function?: { name?: string; arguments?: string } }[]) {
        const toolIndex = call.index ?? 0;
        if (this.block?.kind !== 'tool' || this.block.toolIndex !== toolIndex) {
          frames.push(...this.open('tool', { type: 'tool_use', id: call.id ?? `toolu_${toolIndex}`, name: call.function?.name ?? '', input: {} }, toolIndex));
        }
        const partial = call.function?.arguments;
        if (partial) frames.push(frame({ type: 'content_block_delta', index: this.block!.index, delta: { type: 'input_json_delta', partial_json: partial } }));
      }
      if (choice.finish_reason) this.stopReason = toStopReason(choice.finish_reason);
    }
    return frames;
  }

  /** The closing frames, `message_stop` last. */
  end(tokens: TokenCounts, upstreamModel: string): Frame[] {
    const frames = [...this.start('tollgate', upstreamModel), ...this.closeBlock()];
    frames.push(
      frame({ type: 'message_delta', delta: { stop_reason: this.stopReason, stop_sequence: null }, usage: anthropicUsage(tokens) }),
      frame({ type: 'message_stop' }),
    );
    return frames;
  }

  /**
   * `message_start` (input tokens are not known before the end: they come in `message_delta`,
   * whose counts Anthropic's clients take as final), then a `ping` as Anthropic sends one.
   */
  private start(id: string, model: string): Frame[] {
    if (this.started) return [];
    this.started = true;
    return [
      frame({
        type: 'message_start',
        message: {
          id: messageId(id),
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }),
      frame({ type: 'ping' }),
    ];
  }

  private open(kind: 'text' | 'tool', contentBlock: object, toolIndex?: number): Frame[] {
    const frames = this.closeBlock();
    this.block = { index: this.nextIndex++, kind, toolIndex };
    frames.push(frame({ type: 'content_block_start', index: this.block.index, content_block: contentBlock }));
    return frames;
  }

  private closeBlock(): Frame[] {
    if (!this.block) return [];
    const stop = frame({ type: 'content_block_stop', index: this.block.index });
    this.block = null;
    return [stop];
  }
}
