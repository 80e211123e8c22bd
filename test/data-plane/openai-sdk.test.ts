import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, KEYS, startHarness } from './harness.ts';

/** The official SDK as the client: the strictest check that we speak OpenAI's wire format. */
let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 0 });
});
afterAll(() => h.close());

describe('the openai SDK against the data plane', () => {
  it('creates a completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(completion.usage?.total_tokens).toBe(28);
  });

  it('streams, with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'a b c' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: a b c');
    expect(usage?.completion_tokens).toBe(3);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);
    expect(ids).toContain('gpt-4o-mini');
  });

  it('surfaces our errors as the SDK error classes', async () => {
    const notFound = await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect((notFound as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const badKey = await new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tg_wrong', maxRetries: 0 }).models.list().catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('raises a mid-stream failure as an error, not a clean end', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three', failAfterChunks: 1 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const consume = async () => {
      for await (const _chunk of stream);
    };
    await expect(consume()).rejects.toThrow(/mid-stream/);
  });
});
