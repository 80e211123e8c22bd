import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotGuardrail } from '../../../shared/snapshot/guardrail.ts';
import { apiKey, team } from '../../support/snapshot-fixture.ts';
import { KEY, type ProviderHarness, startProviderHarness } from '../providers/provider-harness.ts';

/**
 * Guardrails on `/v1/messages` passed natively to an Anthropic upstream (a fake replaying recorded
 * wire fixtures): the native body is what gets masked, and answers are checked in Anthropic's
 * own stream events.
 */

const FLOW_KEY = 'tg_guard_flow_key_00000000000000000000000';
const BUFFER_KEY = 'tg_guard_buffer_key_000000000000000000000';
const rail = (teamId: string, fields: Partial<SnapshotGuardrail> & Pick<SnapshotGuardrail, 'id' | 'name' | 'check'>): SnapshotGuardrail => ({
  planId: null,
  teamId,
  stage: 'pre',
  streamMode: 'flow',
  ...fields,
});

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness({
    extra: () => ({
      teams: [team({ id: 'flow' }), team({ id: 'buffer' })],
      apiKeys: [apiKey(FLOW_KEY, { id: 'key-flow', teamId: 'flow' }), apiKey(BUFFER_KEY, { id: 'key-buffer', teamId: 'buffer' })],
      guardrails: [
        rail('acme', { id: 'gr-mask', name: 'mask-pii', check: { kind: 'pii', action: 'mask', entities: ['email', 'card'] } }),
        // "Scoop" reaches the relay cut in two deltas ("\n- Sc", "oop"): the look-back finds it.
        rail('flow', { id: 'gr-flow', name: 'no-scoop', stage: 'post', check: { kind: 'deny_list', patterns: [], keywords: ['scoop', 'thanks'] } }),
        rail('buffer', {
          id: 'gr-buffer',
          name: 'no-scoop',
          stage: 'post',
          streamMode: 'buffer',
          check: { kind: 'deny_list', patterns: [], keywords: ['scoop'] },
        }),
      ],
    }),
  });
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

const messages = (key: string) => new Anthropic({ apiKey: key, baseURL: h.url, maxRetries: 0 });

describe('guardrails on a native Anthropic upstream', () => {
  it('masks the native body: system blocks and message blocks, cache_control kept', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.json' });
    await messages(KEY).messages.create({
      model: 'anthropic',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Support desk of ops@example.com', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'My card is 4111 1111 1111 1111, mail me at a@b.io' }] }],
    });
    const sent = h.upstream.requests[0].body;
    expect(sent.system).toEqual([{ type: 'text', text: 'Support desk of [EMAIL]', cache_control: { type: 'ephemeral' } }]);
    expect(sent.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'My card is [CARD], mail me at [EMAIL]' }] }]);
  });

  it('blocks a whole answer with a 400 in Anthropic’s format', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.json' });
    const error = await messages(FLOW_KEY)
      .messages.create({ model: 'anthropic', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('no-scoop') } });
  });

  it('checking as it flows, ends the stream with Anthropic’s error event and no message_stop', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.sse' });
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': FLOW_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'anthropic', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Name two penguins' }] }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.some((event) => event.includes('Captain'))).toBe(true);
    expect(events.some((event) => event.includes('"oop"'))).toBe(false);
    expect(events.some((event) => event.startsWith('event: message_stop'))).toBe(false);
    const last = events.at(-1)!;
    expect(last).toMatch(/^event: error\ndata: /);
    expect(JSON.parse(last.split('data: ')[1])).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('no-scoop') },
    });
  });

  it('buffering, answers 400 before any byte of the stream', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.sse' });
    const stream = messages(BUFFER_KEY).messages.stream({ model: 'anthropic', max_tokens: 64, messages: [{ role: 'user', content: 'Name two penguins' }] });
    const error = await stream.finalMessage().catch((caught) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('no-scoop');
  });
});
