import { describe, expect, it } from 'vitest';
import { cacheKey, isDeterministic } from './cache-key.ts';

const parts = (body: Record<string, unknown>, overrides: Partial<Parameters<typeof cacheKey>[0]> = {}) => ({
  teamId: 'acme',
  modelId: 'model-mini',
  path: '/v1/chat/completions',
  systemPrompt: null,
  guardrails: [] as readonly string[],
  body,
  ...overrides,
});
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], temperature: 0, response_format: { type: 'json_object' } };

describe('cacheKey', () => {
  it('ignores key order at every level and the fields that cannot change the answer', () => {
    const reordered = { response_format: { type: 'json_object' }, temperature: 0, messages: [{ content: 'Hi', role: 'user' }], model: 'fast' };
    const decorated = { ...body, user: 'u-1', stream: true, stream_options: { include_usage: true }, metadata: { run: 3 }, store: false };
    expect(cacheKey(parts(reordered))).toBe(cacheKey(parts(body)));
    expect(cacheKey(parts(decorated))).toBe(cacheKey(parts(body)));
  });

  it('splits on the team, the resolved model, the endpoint, the system prompt and every other field', () => {
    const base = cacheKey(parts(body));
    const variants = [
      cacheKey(parts(body, { teamId: 'other' })),
      cacheKey(parts(body, { modelId: 'model-other' })),
      cacheKey(parts(body, { path: '/v1/responses' })),
      cacheKey(parts(body, { systemPrompt: 'Be brief.' })),
      cacheKey(parts(body, { guardrails: ['a-guardrail-fingerprint'] })),
      cacheKey(parts({ ...body, temperature: 0.2 })),
      cacheKey(parts({ ...body, seed: 1 })),
      cacheKey(parts({ ...body, tools: [{ type: 'function', function: { name: 'f' } }] })),
      cacheKey(parts({ ...body, messages: [{ role: 'user', content: 'Hi!' }] })),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(base.startsWith('acme:')).toBe(true);
  });
});

describe('isDeterministic', () => {
  it('temperature 0 or a seed; embeddings always', () => {
    expect(isDeterministic('/v1/chat/completions', { temperature: 0 })).toBe(true);
    expect(isDeterministic('/v1/chat/completions', { temperature: 0.7, seed: 4 })).toBe(true);
    expect(isDeterministic('/v1/chat/completions', { temperature: 0.7 })).toBe(false);
    expect(isDeterministic('/v1/chat/completions', {})).toBe(false);
    expect(isDeterministic('/v1/embeddings', {})).toBe(true);
  });
});
