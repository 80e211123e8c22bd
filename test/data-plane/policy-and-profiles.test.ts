import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FAKE_USAGE, type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { publishSnapshot } from '../support/snapshot-fixture.ts';
import { type Harness, sseData, startHarness, UPSTREAM_KEY } from './harness.ts';
import { MARKUP_BASIS_POINTS, PLAN_PROMPT, POLICY_KEYS, policySnapshot, TEAM_PROMPT } from './policy-scenario.ts';

/**
 * Team policy and routing profiles through the real data plane: upstream A is the harness's
 * fake, B a second one. `random` is pinned to 0 so the weighted order is the snapshot order and
 * every strategy below has exactly one right answer.
 */
let h: Harness;
let b: FakeOpenAIUpstream;

beforeAll(async () => {
  // Upstream B is the teams' own provider on loopback: allowed as an operator would
  // (TOLLGATE_BYOK_ALLOWED_CIDRS); the guard itself is tested in byok-address-guard.test.ts.
  h = await startHarness({ publish: false, routing: { random: () => 0 }, upstream: { byokAllowedCidrs: ['127.0.0.0/8'] } });
  b = await startFakeOpenAIUpstream({ apiKey: UPSTREAM_KEY });
  await publishSnapshot(h.bus, policySnapshot({ version: 1, upstreamA: h.upstream.baseUrl, upstreamB: b.baseUrl, secretBox: h.secretBox }));
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(1), { timeout: 15_000 });
});
afterAll(async () => {
  await h.close();
  await b.close();
});
beforeEach(() => {
  h.upstream.reset();
  b.reset();
});

const clientMessages = [
  { role: 'system', content: 'Reply in French.' },
  { role: 'user', content: 'Say hello' },
];

async function ask(key: string, model: string, init: { profile?: string; stream?: boolean; requestId?: string; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = {};
  if (init.profile) headers['x-tollgate-profile'] = init.profile;
  if (init.requestId) headers['x-request-id'] = init.requestId;
  const response = await h.chat({ model, messages: clientMessages, ...(init.stream ? { stream: true } : {}) }, { key, headers, signal: init.signal });
  expect(response.status).toBe(200);
  return response;
}

/** The provider that served a request, its body read to the end. */
async function servedBy(key: string, model: string, profile?: string): Promise<string | null> {
  const response = await ask(key, model, { profile });
  await response.arrayBuffer();
  return response.headers.get('x-tollgate-provider');
}

describe('system prompt', () => {
  it("prepends the team's prompt as the first system message, the client's messages after it unchanged", async () => {
    await (await ask(POLICY_KEYS.teamPrompt, 'direct')).json();
    // Team `prompted` is on a plan with a prompt too: the team's own wins.
    expect(h.upstream.requests[0].body.messages).toEqual([{ role: 'system', content: TEAM_PROMPT }, ...clientMessages]);
  });

  it("applies the plan's prompt when the team has none", async () => {
    await (await ask(POLICY_KEYS.planned, 'direct')).json();
    expect(h.upstream.requests[0].body.messages).toEqual([{ role: 'system', content: PLAN_PROMPT }, ...clientMessages]);
  });

  it('prepends it to streamed requests too', async () => {
    const response = await ask(POLICY_KEYS.teamPrompt, 'direct', { stream: true });
    expect(sseData(await response.text()).at(-1)).toBe('[DONE]');
    expect(h.upstream.requests[0].body.stream).toBe(true);
    expect(h.upstream.requests[0].body.messages).toEqual([{ role: 'system', content: TEAM_PROMPT }, ...clientMessages]);
  });

  it('sends the messages untouched when neither the team nor its plan has a prompt', async () => {
    await (await ask(POLICY_KEYS.plain, 'direct')).json();
    expect(h.upstream.requests[0].body.messages).toEqual(clientMessages);
  });
});

describe('routing profiles', () => {
  it('balanced is weighted: the first deployment in weighted order', async () => {
    expect(await servedBy(POLICY_KEYS.plain, 'tri', 'balanced')).toBe('shared-x');
  });

  it("eco is cost: the team's own provider first", async () => {
    expect(await servedBy(POLICY_KEYS.plain, 'tri', 'eco')).toBe('own-plain');
  });

  it("eco orders by what each deployment costs the team: its own price over the model's, the plan's markup on shared providers only", async () => {
    expect(await servedBy(POLICY_KEYS.plain, 'priced', 'eco')).toBe('shared-quick');
    expect(await servedBy(POLICY_KEYS.plain, 'priced-own', 'eco')).toBe('own-plain');
    // Balanced ignores prices: the first in weighted order.
    expect(await servedBy(POLICY_KEYS.plain, 'priced', 'balanced')).toBe('shared-x');
  });

  it('precision is latency: once every deployment has a sample, the fastest', async () => {
    // Latency probes each deployment without a recent sample once; three requests sample all three.
    for (let i = 0; i < 3; i++) await servedBy(POLICY_KEYS.plain, 'tri', 'precision');
    for (let i = 0; i < 3; i++) expect(await servedBy(POLICY_KEYS.plain, 'tri', 'precision')).toBe('shared-quick');
  });

  it('without the header and without any default, balanced', async () => {
    expect(await servedBy(POLICY_KEYS.plain, 'tri')).toBe('shared-x');
  });

  it.each([
    ["the key's", POLICY_KEYS.keyEco, 'own-plain'],
    ["the team's", POLICY_KEYS.teamEco, 'own-team-eco'],
    ["the plan's", POLICY_KEYS.planned, 'own-planned'],
  ])('applies %s default profile without the header', async (_level, key, own) => {
    expect(await servedBy(key, 'tri')).toBe(own);
  });

  it.each([
    ['the key over its team', POLICY_KEYS.keyBalancedOverTeamEco],
    ['the team over its plan', POLICY_KEYS.teamBalancedOverPlanEco],
  ])('takes the most specific default: %s', async (_case, key) => {
    expect(await servedBy(key, 'tri')).toBe('shared-x');
  });

  it('lets the header override the default', async () => {
    expect(await servedBy(POLICY_KEYS.keyEco, 'tri', 'balanced')).toBe('shared-x');
    expect(await servedBy(POLICY_KEYS.keyBalancedOverTeamEco, 'tri', 'eco')).toBe('own-team-eco');
  });
});

describe('least-busy', () => {
  it('sends the next request to the deployment with nothing in flight, and back once it is free', async () => {
    h.upstream.enqueue({ kind: 'reply', delayMs: 20_000 });
    const held = new AbortController();
    const first = ask(POLICY_KEYS.plain, 'pair', { profile: 'spread', requestId: 'held-on-a', signal: held.signal }).catch(() => null);
    // A holds the first request (an idle tie goes to A, first in weighted order).
    expect((await h.upstream.nextRequest()).body.model).toBe('pair-a');

    expect(await servedBy(POLICY_KEYS.plain, 'pair', 'spread')).toBe('shared-b');
    expect(b.requests.map((request) => request.body.model)).toEqual(['pair-b']);

    held.abort();
    await first;
    // Its usage event is published once the attempt left the in-flight count.
    expect((await h.usageOf('held-on-a'))[0]).toMatchObject({ deploymentId: 'dep-pair-a', outcome: 'aborted' });
    // Both idle again: one after another, each goes to A. (Counts that leaked would alternate.)
    for (let i = 0; i < 3; i++) expect(await servedBy(POLICY_KEYS.plain, 'pair', 'spread')).toBe('shared-a');
  });
});

describe('cost strategy and bring-your-own-key', () => {
  const providerCost = DEFAULT_FAKE_USAGE.prompt_tokens * 1 + DEFAULT_FAKE_USAGE.completion_tokens * 2;

  it("eco routes to the team's own provider, metered byok without markup", async () => {
    const response = await ask(POLICY_KEYS.plain, 'dual', { profile: 'eco' });
    await response.json();
    expect(response.headers.get('x-tollgate-provider')).toBe('plain-own-b');
    expect(h.upstream.requests).toHaveLength(0);
    expect(b.requests.map((request) => request.body.model)).toEqual(['dual-own']);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({
      deploymentId: 'dep-dual-own',
      providerId: 'prov-plain-b',
      byok: true,
      costMicroUsd: providerCost,
      providerCostMicroUsd: providerCost,
    });
  });

  it('balanced takes the shared provider first, marked up by the plan', async () => {
    const response = await ask(POLICY_KEYS.plain, 'dual', { profile: 'balanced' });
    await response.json();
    expect(h.upstream.requests.map((request) => request.body.model)).toEqual(['dual-shared']);
    const [event] = await h.usageOf(response);
    const markedUp = Math.ceil((providerCost * (10_000 + MARKUP_BASIS_POINTS)) / 10_000);
    expect(event).toMatchObject({ deploymentId: 'dep-dual-shared', byok: false, costMicroUsd: markedUp, providerCostMicroUsd: providerCost });
  });
});

describe('prepaid credits and bring-your-own-key', () => {
  it('a prepaid team out of credits is still served by its own provider, which draws none', async () => {
    // Weighted order puts the shared deployment first: it would draw credits the team lacks.
    const response = await ask(POLICY_KEYS.broke, 'wallet', { profile: 'balanced' });
    await response.json();
    expect(response.headers.get('x-tollgate-provider')).toBe('broke-own-b');
    expect(h.upstream.requests).toHaveLength(0);
    expect(b.requests.map((request) => request.body.model)).toEqual(['wallet-own']);
    expect((await h.usageOf(response))[0]).toMatchObject({ deploymentId: 'dep-wallet-own', byok: true });
  });

  it('is refused when only a shared deployment could serve it (its own one is drained), and nothing is called', async () => {
    const response = await h.chat({ model: 'wallet-drained', messages: clientMessages }, { key: POLICY_KEYS.broke });
    expect(response.status).toBe(429);
    expect((await response.json()).error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(h.upstream.requests).toHaveLength(0);
    expect(b.requests).toHaveLength(0);
  });
});
