import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { PromptSize } from '../request/prompt-size.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';
import { checkContextWindow } from './context-window.ts';

const modelWith = (contextWindow: number | null) => ({ model: { name: 'm', contextWindow } }) as unknown as CompiledModel;
const request = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'm',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('context window', () => {
  it('counts with the tokenizer (o200k_base) plus chat framing', () => {
    // "hello world" is 2 tokens; 4 per message, 3 to prime the reply.
    expect(new PromptSize(request('hello world')).tokens()).toBe(9);
  });

  it('does not tokenize when the byte bound already fits', () => {
    const prompt = new PromptSize(request('x'.repeat(1000)));
    expect(checkContextWindow(modelWith(128_000), prompt, request(''))).toBeNull();
    expect((prompt as unknown as { exact: number | null }).exact).toBeNull();
  });

  it('refuses with 400 context_length_exceeded, counting the requested output', () => {
    const body = request('word '.repeat(500), { max_tokens: 100 });
    const prompt = new PromptSize(body);
    expect(checkContextWindow(modelWith(1000), prompt, body)).toBeNull();
    const error = checkContextWindow(modelWith(550), prompt, body);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    expect(error?.message).toContain('maximum context length is 550 tokens');
    expect(checkContextWindow(modelWith(null), prompt, body)).toBeNull();
  });
});
