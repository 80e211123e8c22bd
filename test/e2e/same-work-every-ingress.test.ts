import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeFixtureUpstream, startFakeFixtureUpstream } from '../support/fake-fixture-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { type Planes, startPlanesOnServices } from '../support/in-process-planes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * The same work through every ingress costs the same: one prompt sent through chat completions
 * (openai SDK), Anthropic's Messages API (Anthropic SDK) and the Responses API (openai SDK),
 * whole and streamed, to an OpenAI-compatible model and to an Anthropic model whose upstream
 * reports prompt-cache reads and writes (each at its own price from the price book). The ledger rows on PostgreSQL (GraphQL usageEvents)
 * carry identical, exact usage and cost for each model, whichever way the request came in.
 */

/** An Anthropic answer with prompt-cache activity: 10 fresh input tokens, 20 written, 100 read. */
const CACHED_USAGE = { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 15 };
const ANTHROPIC_MESSAGE = JSON.stringify({
  id: 'msg_01CacheHit',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello again!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: CACHED_USAGE,
});
const ANTHROPIC_STREAM = [
  [
    'message_start',
    {
      type: 'message_start',
      message: {
        id: 'msg_01CacheHit',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...CACHED_USAGE, output_tokens: 1 },
      },
    },
  ],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello ' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'again!' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }],
  ['message_stop', { type: 'message_stop' }],
]
  .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  .join('');

describe.skipIf(!servicesUp)('the same prompt through chat completions, messages and responses', () => {
  let control: ControlPlaneHarness;
  let kit: GqlKit;
  let planes: Planes;
  let data: DataPlane;
  let openaiUpstream: FakeFixtureUpstream;
  let anthropicUpstream: FakeFixtureUpstream;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let teamId: string;

  beforeAll(async () => {
    [openaiUpstream, anthropicUpstream] = await Promise.all([startFakeFixtureUpstream(), startFakeFixtureUpstream()]);
    planes = await startPlanesOnServices();
    ({ control, data } = planes);
    kit = gqlKit(control);

    const capabilities = { streaming: true, tools: true, embeddings: false };
    // $1 in, $2 out, $0.50 cached, $1.25 cache writes per million tokens: 1, 2, 0.5 and 1.25 micro-USD a token.
    const price = { inputPerMillion: '1000000', outputPerMillion: '2000000', cachedInputPerMillion: '500000', cacheWritePerMillion: '1250000' };
    const compatible = await kit.provider({ name: 'compatible', kind: 'OPENAI_COMPATIBLE', baseUrl: `${openaiUpstream.origin}/v1`, apiKey: 'sk-compatible' });
    const claude = await kit.provider({ name: 'claude', kind: 'ANTHROPIC', baseUrl: anthropicUpstream.origin, apiKey: 'sk-ant-claude' });
    await kit.model({ name: 'gpt-like', capabilities, price, deployments: [{ providerId: compatible.id, upstreamModel: 'gpt-4o-mini' }] });
    await kit.model({ name: 'claude-like', capabilities, price, deployments: [{ providerId: claude.id, upstreamModel: 'claude-sonnet-4-5' }] });
    teamId = (await kit.team({ slug: 'ingress' })).id;
    const { secret } = await kit.apiKey({ teamId });
    const baseURL = `http://127.0.0.1:${data.port}`;
    openai = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: secret, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL, apiKey: secret, maxRetries: 0 });
    await vi.waitFor(
      async () => expect((await openai.models.list()).data.map((model) => model.id)).toEqual(expect.arrayContaining(['gpt-like', 'claude-like'])),
      { timeout: 5_000, interval: 50 },
    );
  });

  afterAll(async () => {
    await planes?.close();
    await Promise.all([openaiUpstream?.close(), anthropicUpstream?.close()]);
  });

  const prompt = 'Hello';
  const sendAll = async (model: string, replies: { whole: () => void; streamed: () => void }) => {
    replies.whole();
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 64 });
    replies.whole();
    await anthropic.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
    replies.whole();
    await openai.responses.create({ model, input: prompt, max_output_tokens: 64 });
    replies.streamed();
    for await (const _ of await openai.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 64, stream: true }));
    replies.streamed();
    await anthropic.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] }).finalMessage();
    replies.streamed();
    await openai.responses.stream({ model, input: prompt, max_output_tokens: 64 }).finalResponse();
  };

  it('six requests per model, one ledger row each, usage and cost identical per model', async () => {
    await sendAll('gpt-like', {
      whole: () => openaiUpstream.enqueue({ file: 'openai/text.json' }),
      streamed: () => openaiUpstream.enqueue({ file: 'openai/text.sse' }),
    });
    await sendAll('claude-like', {
      whole: () => anthropicUpstream.enqueue({ body: ANTHROPIC_MESSAGE }),
      streamed: () => anthropicUpstream.enqueue({ body: ANTHROPIC_STREAM, headers: { 'content-type': 'text/event-stream' } }),
    });
    const rows = await vi.waitFor(
      async () => {
        const { result } = await kit.query(
          'usageEvents',
          { teamId, first: 100 },
          'edges { node { model promptTokens completionTokens cachedTokens cost providerCost estimated streamed outcome attempt } }',
        );
        const nodes = result.edges.map((edge: any) => edge.node);
        expect(nodes).toHaveLength(12);
        return nodes;
      },
      { timeout: 10_000, interval: 100 },
    );
    const usage = (row: any) => ({
      promptTokens: row.promptTokens,
      completionTokens: row.completionTokens,
      cachedTokens: row.cachedTokens,
      cost: row.cost,
      providerCost: row.providerCost,
      estimated: row.estimated,
      outcome: row.outcome,
      attempt: row.attempt,
    });
    const byModel = (model: string) => rows.filter((row: any) => row.model === model);
    expect(byModel('gpt-like').filter((row: any) => row.streamed)).toHaveLength(3);
    // 12 in, 15 out: 12 + 2 * 15 = 42 micro-USD, through every ingress, whole or streamed.
    for (const row of byModel('gpt-like'))
      expect(usage(row)).toEqual({
        promptTokens: 12,
        completionTokens: 15,
        cachedTokens: 0,
        cost: '42',
        providerCost: '42',
        estimated: false,
        outcome: 'ok',
        attempt: 1,
      });
    // 130 in of which 100 read from the cache and 20 written: 10 * 1 + 20 * 1.25 + 100 * 0.5 + 15 * 2 = 115 micro-USD.
    for (const row of byModel('claude-like'))
      expect(usage(row)).toEqual({
        promptTokens: 130,
        completionTokens: 15,
        cachedTokens: 100,
        cost: '115',
        providerCost: '115',
        estimated: false,
        outcome: 'ok',
        attempt: 1,
      });
    expect(byModel('claude-like').filter((row: any) => row.streamed)).toHaveLength(3);
    // The Messages request reached Anthropic natively, the others through the chat translation.
    expect(anthropicUpstream.requests.map((request) => request.url)).toEqual(Array(6).fill('/v1/messages'));
    expect(openaiUpstream.requests.map((request) => request.url)).toEqual(Array(6).fill('/v1/chat/completions'));
  });
});
