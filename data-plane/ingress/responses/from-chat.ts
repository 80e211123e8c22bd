import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { type Frame, frame } from '../relay-events.ts';
import type { ResponsesRequest } from './responses-request.ts';

const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString('hex')}`;

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';
type OutputItem = Record<string, unknown> & { type: string; id: string };

/** The Responses API usage object for token counts in chat's sense. */
export function responseUsage(tokens: TokenCounts) {
  return {
    input_tokens: tokens.promptTokens,
    // Cache writes are not counted apart on any chat upstream (Anthropic's are input tokens here too).
    input_tokens_details: { cached_tokens: tokens.cachedTokens, cache_write_tokens: 0 },
    output_tokens: tokens.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens.promptTokens + tokens.completionTokens,
  };
}

/** A Responses API error code for a gateway error (the spec's closed set). */
function errorCode(error: GatewayError): string {
  return error.status === 429 ? 'rate_limit_exceeded' : error.status === 400 ? 'invalid_prompt' : 'server_error';
}

/**
 * One Responses API answer being built: its id, creation time and the request's settings it
 * echoes, and (streamed) the event sequence number. Per request; whichever attempt serves it
 * fills in the model and output.
 */
export class ResponseShell {
  readonly id = newId('resp');
  readonly createdAt = Math.floor(Date.now() / 1000);
  private sequence = 0;
  model: string;

  constructor(private readonly request: ResponsesRequest) {
    this.model = request.model;
  }

  /** The next event's `sequence_number`. */
  next(): number {
    return this.sequence++;
  }

  /** The response object in a given state. */
  response(status: Status, output: OutputItem[], extra: { usage?: TokenCounts; error?: GatewayError; incomplete?: boolean } = {}) {
    const request = this.request;
    return {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status,
      ...(status === 'completed' ? { completed_at: Math.floor(Date.now() / 1000) } : {}),
      error: extra.error ? { code: errorCode(extra.error), message: extra.error.message } : null,
      incomplete_details: extra.incomplete ? { reason: 'max_output_tokens' } : null,
      instructions: request.instructions ?? null,
      max_output_tokens: request.max_output_tokens ?? null,
      model: this.model,
      output,
      parallel_tool_calls: request.parallel_tool_calls ?? true,
      previous_response_id: null,
      reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
      store: false,
      temperature: request.temperature ?? 1,
      text: { format: request.text?.format ?? { type: 'text' } },
      tool_choice: request.tool_choice ?? 'auto',
      tools: (request.tools ?? []).map(echoTool),
      top_p: request.top_p ?? 1,
      truncation: 'disabled',
      ...(extra.usage ? { usage: responseUsage(extra.usage) } : {}),
      ...(request.user ? { user: request.user } : {}),
      metadata: request.metadata ?? {},
    };
  }

  /** A whole chat.completion as a completed (or, cut by the output bound, incomplete) response. */
  fromCompletion(completion: ChatCompletion, tokens: TokenCounts) {
    this.model = completion.model;
    const choice = completion.choices[0] as
      | { message?: { content?: unknown; tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[] }; finish_reason?: string }
      | undefined;
    const output: OutputItem[] = [];
    const text = choice?.message?.content;
    if (typeof text === 'string' && text !== '') output.push(messageItem(newId('msg'), text, 'completed'));
    for (const call of choice?.message?.tool_calls ?? [])
      output.push(functionCallItem(newId('fc'), call.id ?? newId('call'), call.function?.name ?? '', call.function?.arguments ?? '', 'completed'));
    const incomplete = choice?.finish_reason === 'length';
    return this.response(incomplete ? 'incomplete' : 'completed', output, { usage: tokens, incomplete });
  }

  /** `response.failed`, the final event of a stream that fails after it started. */
  failed(error: GatewayError, output: OutputItem[] = []): Frame {
    return frame({ type: 'response.failed', sequence_number: this.next(), response: this.response('failed', output, { error }) });
  }
}

/** A function tool as the response echoes it: every field present, null where the request had none. */
function echoTool(tool: Record<string, unknown>) {
  return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? null };
}

function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): OutputItem {
  return { type: 'message', id, status, role: 'assistant', content: status === 'completed' ? [textPart(text)] : [] };
}

function functionCallItem(id: string, callId: string, name: string, args: string, status: 'in_progress' | 'completed'): OutputItem {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status };
}

const textPart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });

/**
 * Chat chunks as the Responses API's typed events: `response.created`, `response.in_progress`;
 * per output item `response.output_item.added`, then for a message `response.content_part.added`,
 * `response.output_text.delta`s, `response.output_text.done`, `response.content_part.done`, for a
 * function call `response.function_call_arguments.delta`s and `.done`; `response.output_item.done`;
 * at the end `response.completed` (or `response.incomplete`) with usage. One per attempt.
 */
export class ChatToResponseEvents {
  private started = false;
  private readonly output: OutputItem[] = [];
  private open: { item: OutputItem; index: number; text: string; toolIndex?: number } | null = null;
  private finishReason: string | null = null;

  constructor(private readonly shell: ResponseShell) {}

  /** The items finished so far (what a `response.failed` carries). */
  get items(): OutputItem[] {
    return this.output;
  }

  chunk(chunk: ChatCompletionChunk): Frame[] {
    const frames = this.start(chunk.model);
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        if (this.open?.item.type !== 'message') frames.push(...this.openItem(messageItem(newId('msg'), '', 'in_progress')));
        const open = this.open!;
        open.text += delta.content;
        frames.push(
          this.event('response.output_text.delta', { item_id: open.item.id, output_index: open.index, content_index: 0, delta: delta.content, logprobs: [] }),
        );
      }
      for (const call of (delta.tool_calls ?? []) as { index?: number; id?: string; function?: { name?: string; arguments?: string } }[]) {
        const toolIndex = call.index ?? 0;
        if (this.open?.item.type !== 'function_call' || this.open.toolIndex !== toolIndex) {
          frames.push(...this.openItem(functionCallItem(newId('fc'), call.id ?? newId('call'), call.function?.name ?? '', '', 'in_progress'), toolIndex));
        }
        const open = this.open!;
        const partial = call.function?.arguments;
        if (partial) {
          open.text += partial;
          frames.push(this.event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.index, delta: partial }));
        }
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return frames;
  }

  /** The closing frames; the terminal `response.completed` (or `.incomplete`) last. */
  end(tokens: TokenCounts, upstreamModel: string): Frame[] {
    const frames = [...this.start(upstreamModel), ...this.closeItem()];
    const incomplete = this.finishReason === 'length';
    const response = this.shell.response(incomplete ? 'incomplete' : 'completed', this.output, { usage: tokens, incomplete });
    frames.push(this.event(incomplete ? 'response.incomplete' : 'response.completed', { response }));
    return frames;
  }

  private start(model: string): Frame[] {
    if (this.started) return [];
    this.started = true;
    this.shell.model = model;
    const response = this.shell.response('in_progress', []);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  private openItem(item: OutputItem, toolIndex?: number): Frame[] {
    const frames = this.closeItem();
    const index = this.output.length;
    this.open = { item, index, text: '', toolIndex };
    frames.push(this.event('response.output_item.added', { output_index: index, item }));
    if (item.type === 'message')
      frames.push(this.event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: textPart('') }));
    return frames;
  }

  private closeItem(): Frame[] {
    const open = this.open;
    if (!open) return [];
    this.open = null;
    const { item, index, text } = open;
    const frames: Frame[] = [];
    let done: OutputItem;
    if (item.type === 'message') {
      frames.push(this.event('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] }));
      frames.push(this.event('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: textPart(text) }));
      done = messageItem(item.id, text, 'completed');
    } else {
      frames.push(this.event('response.function_call_arguments.done', { item_id: item.id, name: item.name, output_index: index, arguments: text }));
      done = { ...item, arguments: text, status: 'completed' };
    }
    this.output.push(done);
    frames.push(this.event('response.output_item.done', { output_index: index, item: done }));
    return frames;
  }

  private event(type: string, body: Record<string, unknown>): Frame {
    return frame({ type, sequence_number: this.shell.next(), ...body });
  }
}
