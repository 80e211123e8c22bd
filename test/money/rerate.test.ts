import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairLedger } from '../../control-plane/usage/ledger-repair.ts';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { startInProcessPlanes, waitFor } from '../support/in-process-planes.ts';

// A price found wrong after the fact: a correcting price version, then `rerate` over the period.
// Afterwards the ledger, the rollups, budget status and the credit balance all agree with a full
// recompute (ledger:repair's), and every attempt costs exactly what the corrected price says.

let control: ControlPlaneHarness;
let data: DataPlane;
let upstream: FakeOpenAIUpstream;
let k: GqlKit;

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream({
    apiKey: 'sk-rerate',
    defaultReply: {
      content: 'rated',
      usage: { prompt_tokens: 1_000, completion_tokens: 100, total_tokens: 1_100, prompt_tokens_details: { cached_tokens: 400 } } as never,
    },
  });
  ({ control, data } = await startInProcessPlanes());
  k = gqlKit(control);
});
afterAll(async () => {
  await data?.close();
  await control?.close();
  await upstream?.close();
});

const WRONG = { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000, cachedInputPerMillion: 500_000 };
const RIGHT = { inputPerMillion: 3_000_000, outputPerMillion: 12_000_000, cachedInputPerMillion: 300_000 };
/** 600 fresh + 400 cached prompt tokens and 100 out, at a price, marked up 10 %, each rounded up once. */
const costAt = (p: typeof WRONG) => {
  const provider = (600n * BigInt(p.inputPerMillion) + 400n * BigInt(p.cachedInputPerMillion) + 100n * BigInt(p.outputPerMillion) + 999_999n) / 1_000_000n;
  return { provider, charged: (provider * 11_000n + 9_999n) / 10_000n };
};

describe('rerate', () => {
  it('re-rates a period after a price correction; ledger, rollups, budget status and credits agree with a full recompute', async () => {
    const periodStart = new Date(Date.now() - 60_000);
    const provider = await k.provider({ name: 'rerate-openai', kind: 'OPENAI', baseUrl: upstream.baseUrl, apiKey: 'sk-rerate' });
    const model = await k.model({ name: 'rerated', price: WRONG, deployments: [{ providerId: provider.id, upstreamModel: 'gpt-4o' }] });
    const plan = await k.plan({ name: 'rerate-plan', markupBasisPoints: 1000, billing: 'PREPAID' });
    const team = await k.team({ slug: 'rerate-team', planId: plan.id });
    await k.ok('grantCredits', { input: { teamId: team.id, amount: 1_000_000, reason: 'start' } }, 'id');
    await k.ok('setBudget', { input: { scope: 'TEAM', scopeId: team.id, amount: 500_000, period: 'MONTHLY', hard: false } }, 'id');
    const key = await k.apiKey({ teamId: team.id });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: key.secret, maxRetries: 0 });

    await waitFor(async () => client.chat.completions.create({ model: 'rerated', messages: [{ role: 'user', content: 'one' }] }).catch(() => undefined));
    for (const content of ['two', 'three']) await client.chat.completions.create({ model: 'rerated', messages: [{ role: 'user', content }] });
    const wrong = costAt(WRONG);
    await waitFor(async () => (await control.database.prisma.usageEvent.count({ where: { teamId: team.id } })) === 3);
    expect((await totals(team.id)).ledger).toBe(3n * wrong.charged);

    // The correction: a new version of the wrong one's effectiveFrom, created later, so it wins from then on.
    const refused = await k.mutate('setModelPrice', { input: { modelId: model.id, price: RIGHT, effectiveFrom: periodStart.toISOString() } });
    expect(refused.typename).toBe('ValidationError');
    const wrongVersion = (await k.query('model', { id: model.id }, 'currentPrice { id effectiveFrom }')).result.currentPrice;
    const corrected = await k.ok('setModelPrice', { input: { modelId: model.id, price: RIGHT, corrects: wrongVersion.id } }, 'id effectiveFrom');
    expect(corrected.effectiveFrom).toBe(wrongVersion.effectiveFrom);

    const periodEnd = new Date(Date.now() + 1_000).toISOString();
    const rerate = (teamId: string) =>
      control.gql(
        `mutation($teamId: ID!, $from: DateTime!, $to: DateTime!) { rerate(input: { teamId: $teamId, model: "rerated", from: $from, to: $to }) {
          __typename ... on MutationRerateSuccess { data { id attempts adjusted delta unpriced } } } }`,
        { teamId, from: periodStart.toISOString(), to: periodEnd },
      );
    const first = (await rerate(team.id)).data.rerate;
    const right = costAt(RIGHT);
    expect(first.data).toMatchObject({ attempts: 3, adjusted: 3, unpriced: 0, delta: String(3n * (right.charged - wrong.charged)) });

    // Stored rows are never edited: each attempt keeps its row; an adjustment row carries the difference.
    const rows = await control.database.prisma.usageEvent.findMany({ where: { teamId: team.id }, orderBy: { startedAt: 'asc' } });
    const attempts = rows.filter((r) => r.adjustmentOf === null);
    const adjustments = rows.filter((r) => r.adjustmentOf !== null);
    expect(attempts.map((r) => r.costMicroUsd)).toEqual([wrong.charged, wrong.charged, wrong.charged]);
    expect(adjustments).toHaveLength(3);
    for (const a of adjustments) {
      expect(a).toMatchObject({
        attempt: 0,
        promptTokens: 0,
        completionTokens: 0,
        costMicroUsd: right.charged - wrong.charged,
        id: `${a.adjustmentOf}:rerate:${first.data.id}`,
      });
      expect(a.providerCostMicroUsd).toBe(right.provider - wrong.provider);
    }

    // Every view of the money agrees with the ledger, and the ledger with a full recompute.
    const after = await totals(team.id);
    expect(after.ledger).toBe(3n * right.charged);
    expect(after).toEqual({
      ledger: after.ledger,
      rollupCost: after.ledger,
      rollupAttempts: 3,
      rollupRequests: 3,
      budgetSpent: after.ledger,
      creditsSpent: after.ledger,
    });
    const credits = (await k.query('team', { id: team.id }, 'credits { granted spent balance }')).result.credits;
    expect(credits).toEqual({ granted: '1000000', spent: String(after.ledger), balance: String(1_000_000n - after.ledger) });
    expect((await repairLedger(control.database.prisma, { fix: false })).differences).toEqual([]);

    // Re-rating the same period again finds nothing to adjust.
    expect((await rerate(team.id)).data.rerate.data).toMatchObject({ attempts: 3, adjusted: 0, delta: '0' });
    const audit = await control.database.prisma.auditLogEntry.findMany({ where: { action: 'rerate' } });
    expect(audit.map((a) => a.entityId)).toContain(first.data.id);
  });

  it('refuses a period whose end is not after its start', async () => {
    const body = await control.gql(
      'mutation { rerate(input: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { __typename ... on ValidationError { issues { path message } } } }',
    );
    expect(body.data.rerate).toEqual({ __typename: 'ValidationError', issues: [{ path: 'to', message: '`to` must be after `from`' }] });
  });
});

/** The team's spend as the ledger, the rollup, budget status and the credit balance each see it. */
async function totals(teamId: string) {
  const prisma = control.database.prisma;
  const ledger = (await prisma.usageEvent.aggregate({ where: { teamId }, _sum: { costMicroUsd: true } }))._sum.costMicroUsd ?? 0n;
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const rollup = (await k.query('usageRollup', { teamId, from, to, groupBy: [] }, 'cost attempts requests')).result;
  const budget = (await k.query('budgetStatus', { teamId }, 'budgets { scope period spent }')).result.budgets.find((b: any) => b.scope === 'TEAM');
  const credits = (await k.query('team', { id: teamId }, 'credits { spent }')).result.credits;
  return {
    ledger,
    rollupCost: BigInt(rollup.reduce((sum: bigint, row: any) => sum + BigInt(row.cost), 0n)),
    rollupAttempts: rollup.reduce((sum: number, row: any) => sum + row.attempts, 0),
    rollupRequests: rollup.reduce((sum: number, row: any) => sum + row.requests, 0),
    budgetSpent: BigInt(budget.spent),
    creditsSpent: BigInt(credits.spent),
  };
}
