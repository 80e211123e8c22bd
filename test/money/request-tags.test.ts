import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairLedger } from '../../control-plane/usage/ledger-repair.ts';
import type { DataPlane } from '../../data-plane/app.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { startInProcessPlanes, waitFor } from '../support/in-process-planes.ts';
import { usageEvent } from '../support/usage-events.ts';

// Tags and metadata as clients send them (the `x-tollgate-tags` header, OpenAI's `metadata`, with
// LiteLLM's `metadata.tags`), through the official SDK, the real data plane and a fake upstream:
// stored on every usage event, in the usage webhook's payload, split out in `spendByTag` (equal to
// the events' costs, counted once after a redelivery), refused with OpenAI's 400 when malformed,
// kept from upstreams that refuse `metadata`, and visible to the team's members only.

let control: ControlPlaneHarness;
let data: DataPlane;
let upstream: FakeOpenAIUpstream;
let webhook: Server;
const delivered: UsageEvent[] = [];
let k: GqlKit;

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-tags' });
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      delivered.push(...(JSON.parse(body) as { events: UsageEvent[] }).events);
      res.end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/usage`;
  ({ control, data } = await startInProcessPlanes({ controlPlane: { usageWebhook: { url, secret: 'tags-secret', retryBaseMs: 20 } } }));
  k = gqlKit(control);
});
afterAll(async () => {
  await data?.close();
  await control?.close();
  await upstream?.close();
  await new Promise((resolve) => webhook?.close(resolve));
});

const SPEND_BY_TAG = 'tag requests attempts promptTokens completionTokens cost byokCost cacheHits';
const from = () => new Date(Date.now() - 86_400_000).toISOString();
const to = () => new Date(Date.now() + 86_400_000).toISOString();

describe('request tags and metadata', () => {
  it('are stored on every event, in the webhook, and summed per tag exactly once', async () => {
    const provider = await k.provider({ name: 'tags-openai', kind: 'OPENAI', baseUrl: upstream.baseUrl, apiKey: 'sk-tags' });
    await k.model({
      name: 'tagged',
      price: { inputPerMillion: 3_000_000, outputPerMillion: 12_000_000, cachedInputPerMillion: 0 },
      deployments: [{ providerId: provider.id, upstreamModel: 'gpt-4o' }],
    });
    const plan = await k.plan({ name: 'tags-plan', markupBasisPoints: 1000 });
    const team = await k.team({ slug: 'tags-team', planId: plan.id });
    const other = await k.team({ slug: 'tags-other', planId: plan.id });
    const key = await k.apiKey({ teamId: team.id });
    const otherKey = await k.apiKey({ teamId: other.id });
    const client = new OpenAI({
      baseURL: `http://127.0.0.1:${data.port}/v1`,
      apiKey: key.secret,
      maxRetries: 0,
      defaultHeaders: { 'x-tollgate-tags': 'project:alpha, feature:search' },
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];

    // The snapshot with the new model reaches the data plane shortly.
    await waitFor(async () => client.chat.completions.create({ model: 'tagged', messages }).catch(() => undefined));
    // LiteLLM's array form, beside OpenAI's string pairs.
    await client.chat.completions.create({ model: 'tagged', messages, metadata: { tags: ['feature:search', 'customer:42'], ticket: 'T-1' } as never });
    // A per-request header replaces the default one; a comma-separated `metadata.tags`; streamed.
    const stream = await client.chat.completions.create(
      { model: 'tagged', messages, stream: true, metadata: { tags: 'customer:42 , project:beta' } },
      { headers: { 'x-tollgate-tags': 'project:beta' } },
    );
    for await (const _ of stream);
    // With `store: true` the client wants OpenAI to keep the completion: its metadata goes along.
    await client.chat.completions.create({ model: 'tagged', messages, store: true, metadata: { tags: ['a', 'b'], ticket: 'T-2' } as never });
    // Another team's usage under a shared tag name stays in its own rollup.
    const otherClient = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: otherKey.secret, maxRetries: 0 });
    await otherClient.chat.completions.create({ model: 'tagged', messages }, { headers: { 'x-tollgate-tags': 'project:alpha' } });

    // OpenAI refuses `metadata` without `store`: it never left the gateway but with `store`.
    const sent = upstream.requests.map((r) => r.body);
    expect(sent.map((body) => body.metadata)).toEqual([undefined, undefined, undefined, { tags: 'a,b', ticket: 'T-2' }, undefined]);

    const prisma = control.database.prisma;
    await waitFor(async () => (await prisma.usageEvent.count({ where: { teamId: { in: [team.id, other.id] } } })) === 5);
    const events = await prisma.usageEvent.findMany({ where: { teamId: team.id }, orderBy: { startedAt: 'asc' } });
    expect(events.map((e) => [e.tags, e.metadata])).toEqual([
      [['project:alpha', 'feature:search'], null],
      [['project:alpha', 'feature:search', 'customer:42'], { ticket: 'T-1' }],
      [['project:beta', 'customer:42'], null],
      [['project:alpha', 'feature:search', 'a', 'b'], { ticket: 'T-2' }],
    ]);
    const viaGraphql = await k.query('usageEvents', { teamId: team.id, tag: 'customer:42' }, 'edges { node { tags metadata } }');
    expect(viaGraphql.result.edges.map((e: any) => e.node.tags).sort()).toEqual([
      ['project:alpha', 'feature:search', 'customer:42'],
      ['project:beta', 'customer:42'],
    ]);

    // spendByTag: per tag, the sum of the costs of the events that carry it.
    const expected = new Map<string, { requests: number; cost: bigint }>();
    for (const e of events) {
      for (const tag of e.tags) {
        const row = expected.get(tag) ?? { requests: 0, cost: 0n };
        expected.set(tag, { requests: row.requests + 1, cost: row.cost + e.costMicroUsd });
      }
    }
    const spend = async () => (await k.query('spendByTag', { teamId: team.id, from: from(), to: to() }, SPEND_BY_TAG)).result;
    const before = await spend();
    expect(Object.fromEntries(before.map((r: any) => [r.tag, { requests: r.requests, cost: BigInt(r.cost) }]))).toEqual(Object.fromEntries(expected));
    expect(before.find((r: any) => r.tag === 'project:alpha')).toMatchObject({ attempts: 3, byokCost: '0', cacheHits: 0 });
    expect(events.every((e) => e.costMicroUsd > 0n)).toBe(true);

    // The webhook carries tags and metadata as stored.
    await waitFor(async () => delivered.filter((e) => e.teamId === team.id).length === 4);
    const hooked = delivered.filter((e) => e.teamId === team.id);
    expect(hooked.find((e) => e.metadata?.ticket === 'T-1')?.tags).toEqual(['project:alpha', 'feature:search', 'customer:42']);

    // A redelivered batch (the bus is at least once) adds nothing.
    for (const event of hooked) await control.bus.publishUsage(event);
    await control.bus.publishUsage(hooked[0]!);
    // A new event after them: once it is stored, the redelivered ones (before it on the bus) went through ingestion.
    const sentinel = usageEvent('tags-sentinel', 'k');
    await control.bus.publishUsage(sentinel);
    await waitFor(async () => (await prisma.usageEvent.count({ where: { id: sentinel.id } })) === 1);
    expect(await prisma.usageEvent.count({ where: { teamId: team.id } })).toBe(4);
    expect(await spend()).toEqual(before);
    expect((await repairLedger(prisma, { fix: false })).differences).toEqual([]);

    // Team isolation: the other team's member sees its own tag rollup only; ours answers NOT_FOUND.
    const member = await k.member(other.id, 'VIEWER');
    const asMember = gqlKit(control, member.token);
    const theirs = await asMember.query('spendByTag', { teamId: other.id, from: from(), to: to() }, 'tag requests');
    expect(theirs.result).toEqual([{ tag: 'project:alpha', requests: 1 }]);
    const ours = await asMember.query('spendByTag', { teamId: team.id, from: from(), to: to() }, 'tag');
    expect(ours.result).toBeUndefined();
    expect(ours.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses malformed tags with an OpenAI 400 naming the parameter, before any upstream call', async () => {
    const team = await k.team({ slug: 'tags-bad' });
    const key = await k.apiKey({ teamId: team.id });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: key.secret, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => error as InstanceType<typeof OpenAI.BadRequestError>,
      );
    const calls = upstream.requests.length;

    const tooMany = Array.from({ length: 17 }, (_, i) => `t${i}`).join(',');
    const many = await refusal(client.chat.completions.create({ model: 'tagged', messages }, { headers: { 'x-tollgate-tags': tooMany } }));
    expect(many).toBeInstanceOf(OpenAI.BadRequestError);
    expect(many).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'invalid_tags', param: 'x-tollgate-tags' });

    const long = await refusal(client.chat.completions.create({ model: 'tagged', messages }, { headers: { 'x-tollgate-tags': 'x'.repeat(65) } }));
    expect(long).toMatchObject({ status: 400, code: 'invalid_tags', param: 'x-tollgate-tags' });

    const comma = await refusal(client.chat.completions.create({ model: 'tagged', messages, metadata: { tags: ['a,b'] } as never }));
    expect(comma).toMatchObject({ status: 400, code: 'invalid_tags', param: 'metadata.tags' });

    const notText = await refusal(client.chat.completions.create({ model: 'tagged', messages, metadata: { tags: 7 } as never }));
    expect(notText).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'metadata.tags' });

    const pair = await refusal(client.chat.completions.create({ model: 'tagged', messages, metadata: { ticket: 'x'.repeat(513) } }));
    expect(pair).toMatchObject({ status: 400, param: 'metadata.ticket' });

    expect(upstream.requests.length).toBe(calls);
  });

  it('refuses text the ledger cannot store (NUL, unpaired surrogates) in user, metadata and tags; the usage around it is stored', async () => {
    // Such a request used to be served, and its usage event failed to store with every event of its
    // batch: retried for ever on the in-process bus (nothing stored any more), dead-lettered with
    // its whole batch after 5 tries on Redis.
    const team = await k.team({ slug: 'tags-nul' });
    const key = await k.apiKey({ teamId: team.id });
    const send = (body: Record<string, unknown>) =>
      fetch(`http://127.0.0.1:${data.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tagged', messages: [{ role: 'user', content: 'hi' }], ...body }),
      });
    const calls = upstream.requests.length;
    for (const [body, param, code] of [
      [{ user: 'a\u0000b' }, 'user', 'invalid_value'],
      [{ user: 'x\ud800' }, 'user', 'invalid_value'],
      [{ metadata: { ticket: 'a\u0000b' } }, 'metadata.ticket', 'invalid_value'],
      [{ metadata: { 'k\udc00': 'v' } }, 'metadata', 'invalid_value'],
      [{ metadata: { tags: ['ok', 'x\ud800'] } }, 'metadata.tags', 'invalid_tags'],
    ] as const) {
      const response = await send(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', param, code });
    }
    expect(upstream.requests.length).toBe(calls);
    const served = await send({ user: 'fine' });
    expect(served.status).toBe(200);
    await waitFor(async () => {
      const events = await k.query('usageEvents', { teamId: team.id }, 'edges { node { endUser } }');
      return events.result?.edges.length === 1 && events.result.edges[0].node.endUser === 'fine';
    });
  });
});
