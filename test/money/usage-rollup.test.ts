import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '../../shared/events/usage-event.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { isReachable, postgresUrl } from '../support/services.ts';

// Real PostgreSQL when there is one (faster to start than PGlite); the same SQL runs on both.
const pgUp = await isReachable(postgresUrl());

function event(n: number, fields: Partial<UsageEvent>): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: `req-${n}:1`,
    requestId: `req-${n}`,
    attempt: 1,
    teamId: 'team-x',
    apiKeyId: 'key-1',
    model: 'm',
    provider: 'p',
    providerId: 'p',
    deploymentId: 'd',
    endUser: null,
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    costMicroUsd: 100,
    priceVersion: 'v',
    estimated: false,
    status: 200,
    outcome: 'ok',
    streamed: false,
    latencyMs: 1,
    ttfbMs: 1,
    snapshotVersion: 1,
    snapshotHash: 'h',
    startedAt: '2026-11-20T10:00:00.000Z',
    ...fields,
  };
}

describe('usageRollup', () => {
  let h: ControlPlaneHarness;
  beforeAll(async () => {
    h = await startControlPlaneHarness({ postgresUrl: pgUp ? postgresUrl() : undefined });
    const team = await h.database.prisma.team.findFirstOrThrow();
    const ingest = createUsageIngestor(h.database, createLiveEvents());
    const teamId = team.id;
    await ingest([
      event(1, { teamId, endUser: 'alice' }),
      event(2, { teamId, endUser: 'bob', model: 'n', costMicroUsd: 250 }),
      event(3, { teamId, endUser: 'alice', startedAt: '2026-11-21T23:59:59.000Z' }),
      { ...event(3, { teamId, endUser: 'alice', startedAt: '2026-11-21T23:59:59.000Z' }), id: 'req-3:2', attempt: 2, costMicroUsd: 7 },
      event(4, { teamId, startedAt: '2026-12-01T00:00:00.000Z' }),
      event(5, { teamId: 'someone-else' }),
    ]);
  });
  afterAll(async () => h?.close());

  it('sums the ledger per day and end user, within [from, to)', async () => {
    const team = await h.database.prisma.team.findFirstOrThrow();
    const result = await h.gql(
      `query($teamId: ID!) { usageRollup(teamId: $teamId, groupBy: [DAY, END_USER], from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z") {
        day endUser model requests attempts promptTokens cost } }`,
      { teamId: team.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.usageRollup).toEqual([
      { day: '2026-11-20', endUser: 'alice', model: null, requests: 1, attempts: 1, promptTokens: 10, cost: '100' },
      { day: '2026-11-20', endUser: 'bob', model: null, requests: 1, attempts: 1, promptTokens: 10, cost: '250' },
      { day: '2026-11-21', endUser: 'alice', model: null, requests: 1, attempts: 2, promptTokens: 20, cost: '107' },
    ]);
  });

  it('groups by model across the period, and needs a visible team', async () => {
    const team = await h.database.prisma.team.findFirstOrThrow();
    const query = `query($teamId: ID!) { usageRollup(teamId: $teamId, groupBy: [MODEL], from: "2026-11-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { model attempts cost } }`;
    const result = await h.gql(query, { teamId: team.id });
    expect(result.data.usageRollup).toEqual([
      { model: 'm', attempts: 4, cost: '307' },
      { model: 'n', attempts: 1, cost: '250' },
    ]);
    expect((await h.gql(query, { teamId: 'no-such-team' })).errors?.length).toBeGreaterThan(0);
  });
});
